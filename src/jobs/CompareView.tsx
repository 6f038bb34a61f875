/**
 * Two or more runs side by side, as `GET compare` answers: each run's status, start and
 * duration; the parameters that differ; every metric; each step's status and duration; the
 * catalog entries written with different content. One column per run.
 */
import { ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { StatusBadge } from '../components/StatusBadge';
import { formatDuration } from '../duration';
import { formatStart } from '../runs/format';
import type { JobsClient } from './client';
import type { IComparison } from './dto';
import { valueText } from './typedValues';

type ByRun = Record<string, Record<string, unknown>>;

/** One row of a comparison: its name (also its `data-name`), then a cell per run. */
interface ICompareRow {
  name: string;
  cells: React.ReactNode[];
}

/** A comparison table: a row per name, a column per run. */
function CompareTable(props: {
  className?: string;
  header?: JSX.Element;
  rows: ICompareRow[];
  runIds: string[];
}): JSX.Element {
  return (
    <table
      className={`jp-runnable-compare-table${props.className ? ` ${props.className}` : ''}`}
    >
      {props.header}
      <tbody>
        {props.rows.map(row => (
          <tr key={row.name} data-name={row.name}>
            <th scope="row">{row.name}</th>
            {row.cells.map((cell, index) => (
              <td key={props.runIds[index]}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Section(props: {
  title: string;
  rows: ByRun;
  runIds: string[];
  empty: string;
  cell(value: unknown): React.ReactNode;
  kind: string;
}): JSX.Element {
  const names = Object.keys(props.rows);
  return (
    <section className="jp-runnable-compare-section" data-section={props.kind}>
      <h3>{props.title}</h3>
      {names.length === 0 ? (
        <p className="jp-runnable-jobs-empty">{props.empty}</p>
      ) : (
        <CompareTable
          runIds={props.runIds}
          rows={names.map(name => ({
            name,
            cells: props.runIds.map(runId =>
              runId in props.rows[name]
                ? props.cell(props.rows[name][runId])
                : '—'
            )
          }))}
        />
      )}
    </section>
  );
}

function Comparison(props: {
  comparison: IComparison;
  onOpenRun(runId: string): void;
  trans: TranslationBundle;
}): JSX.Element {
  const { comparison, trans } = props;
  const runIds = comparison.runs.map(run => run.run_id);
  const header = (
    <thead>
      <tr>
        <th />
        {comparison.runs.map(run => (
          <th key={run.run_id} data-run-id={run.run_id}>
            <button
              className="jp-runnable-link-button"
              onClick={() => props.onOpenRun(run.run_id)}
            >
              {run.run_id}
            </button>
          </th>
        ))}
      </tr>
    </thead>
  );
  const sha = (value: unknown) => (
    <code title={String(value)}>{String(value).slice(0, 10)}</code>
  );
  return (
    <div className="jp-runnable-compare">
      <CompareTable
        className="jp-runnable-compare-runs"
        header={header}
        runIds={runIds}
        rows={[
          {
            name: trans.__('status'),
            cells: comparison.runs.map(run => (
              <StatusBadge status={run.status} trans={trans} />
            ))
          },
          {
            name: trans.__('start'),
            cells: comparison.runs.map(run => formatStart(run.start))
          },
          {
            name: trans.__('duration'),
            cells: comparison.runs.map(run => formatDuration(run.duration_s))
          }
        ]}
      />
      <Section
        kind="parameters"
        title={trans.__('Parameters that differ')}
        rows={comparison.parameters}
        runIds={runIds}
        empty={trans.__('The runs have the same parameters.')}
        cell={valueText}
      />
      <Section
        kind="step_parameters"
        title={trans.__('Step parameters that differ')}
        rows={comparison.step_parameters}
        runIds={runIds}
        empty={trans.__('The steps ran with the same parameters.')}
        cell={valueText}
      />
      <Section
        kind="metrics"
        title={trans.__('Metrics')}
        rows={comparison.metrics}
        runIds={runIds}
        empty={trans.__('No metrics logged (metrics.log in a notebook).')}
        cell={value => {
          const metric = value as { value: number; points: number };
          return metric.points > 1
            ? trans.__('%1 (last of %2)', metric.value, metric.points)
            : String(metric.value);
        }}
      />
      <Section
        kind="steps"
        title={trans.__('Steps')}
        rows={comparison.steps}
        runIds={runIds}
        empty={trans.__('No steps.')}
        cell={value => {
          const step = value as { status: string; duration_s: number | null };
          return (
            <>
              <StatusBadge status={step.status as any} trans={trans} />{' '}
              {formatDuration(step.duration_s)}
            </>
          );
        }}
      />
      <Section
        kind="catalog"
        title={trans.__('Catalog entries whose content differs')}
        rows={comparison.catalog}
        runIds={runIds}
        empty={trans.__('The runs wrote the same catalog content.')}
        cell={sha}
      />
    </div>
  );
}

function CompareContent(props: CompareView.IOptions): JSX.Element {
  const [comparison, setComparison] = React.useState<IComparison | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    props.client
      .compare(props.pipelinePath, props.runIds)
      .then(setComparison)
      .catch(reason => setError((reason as Error).message));
  }, [props.pipelinePath, props.runIds.join(' ')]);
  if (error) {
    return (
      <div className="jp-runnable-run-error" role="alert">
        {props.trans.__('Could not compare the runs: %1', error)}
      </div>
    );
  }
  if (!comparison) {
    return <p>{props.trans.__('Comparing…')}</p>;
  }
  return (
    <Comparison
      comparison={comparison}
      onOpenRun={props.onOpenRun}
      trans={props.trans}
    />
  );
}

export class CompareView extends ReactWidget {
  constructor(private readonly _options: CompareView.IOptions) {
    super();
    this.addClass('jp-runnable-compare-view');
  }

  get pipelinePath(): string {
    return this._options.pipelinePath;
  }
  get runIds(): ReadonlyArray<string> {
    return this._options.runIds;
  }

  protected render(): JSX.Element {
    return <CompareContent {...this._options} />;
  }
}

export namespace CompareView {
  export interface IOptions {
    pipelinePath: string;
    runIds: string[];
    client: JobsClient;
    onOpenRun(runId: string): void;
    trans: TranslationBundle;
  }
}
