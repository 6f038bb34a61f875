/**
 * A job's runs: a table of parameters × metrics × status × duration, sortable by any column,
 * exportable as CSV next to the pipeline; a chart of a metric against a parameter; two or more
 * checked runs compared. Clicking a run opens it in the run panel.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { StatusBadge } from '../components/StatusBadge';
import { useCheckedSet } from '../components/useCheckedSet';
import { formatDuration } from '../duration';
import { formatStart } from '../runs/format';
import { MetricChart } from './MetricChart';
import {
  cellOf,
  columnHeader,
  columnIds,
  IRunRow,
  runColumns
} from './runTable';
import { ISortKey, nextSortKey, sortRows } from './sorting';
import { valueText } from './typedValues';

export interface IJobRunsProps {
  jobId: string;
  gridNames: ReadonlyArray<string>;
  rows: ReadonlyArray<IRunRow>;
  onOpenRun(runId: string): void;
  onCompare(runIds: string[]): void;
  /** Write the table as CSV (header, rows) and say where. */
  onExport(header: string[], rows: unknown[][]): void;
  trans: TranslationBundle;
}

function cellDisplay(
  row: IRunRow,
  column: string,
  trans: TranslationBundle
): React.ReactNode {
  switch (column) {
    case 'status':
      return <StatusBadge status={row.status} trans={trans} />;
    case 'duration':
      return formatDuration(row.durationS);
    case 'start':
      return formatStart(row.start);
    default: {
      const value = cellOf(row, column);
      return typeof value === 'number' && column.startsWith('metric:')
        ? String(Number(value.toPrecision(6)))
        : valueText(value);
    }
  }
}

export function JobRuns(props: IJobRunsProps): JSX.Element {
  const { rows, trans } = props;
  const [sortKey, setSortKey] = React.useState<ISortKey | null>(null);
  const [checked, toggle] = useCheckedSet();
  const columns = runColumns(rows, props.gridNames);
  const ids = columnIds(columns);
  const sorted = sortKey ? sortRows(rows, sortKey, cellOf) : [...rows];
  const compared = sorted
    .filter(row => checked.has(row.runId))
    .map(row => row.runId);
  const exportCsv = () =>
    props.onExport(
      ids.map(columnHeader),
      sorted.map(row => ids.map(column => cellOf(row, column)))
    );
  return (
    <section className="jp-runnable-job-runs" data-job-id={props.jobId}>
      <div className="jp-runnable-job-runs-toolbar">
        <h3>{trans.__('Runs of %1', props.jobId)}</h3>
        <button
          className="jp-runnable-link-button"
          data-action="compare"
          disabled={compared.length < 2}
          onClick={() => props.onCompare(compared)}
        >
          {trans.__('Compare %1 runs', compared.length)}
        </button>
        <button
          className="jp-runnable-link-button"
          data-action="export"
          disabled={rows.length === 0}
          onClick={exportCsv}
        >
          {trans.__('Export CSV')}
        </button>
      </div>
      {rows.length === 0 ? (
        <p className="jp-runnable-jobs-empty">
          {trans.__('No runs yet: Run now starts one run per grid point.')}
        </p>
      ) : (
        <>
          <div className="jp-runnable-job-runs-scroll">
            <table className="jp-runnable-job-runs-table">
              <thead>
                <tr>
                  <th />
                  {ids.map(column => {
                    const direction =
                      sortKey?.column === column ? sortKey.direction : 'none';
                    return (
                      <th
                        key={column}
                        aria-sort={direction}
                        data-column={column}
                      >
                        <button
                          className="jp-runnable-job-sort"
                          onClick={() =>
                            setSortKey(nextSortKey(sortKey, column))
                          }
                        >
                          {columnHeader(column)}
                          {direction === 'ascending'
                            ? ' ▲'
                            : direction === 'descending'
                              ? ' ▼'
                              : ''}
                        </button>
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {sorted.map(row => (
                  <tr
                    key={row.runId}
                    data-run-id={row.runId}
                    onClick={() => props.onOpenRun(row.runId)}
                    title={trans.__('Open run %1 in the run panel', row.runId)}
                  >
                    <td onClick={event => event.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label={trans.__(
                          'Select run %1 to compare',
                          row.runId
                        )}
                        checked={checked.has(row.runId)}
                        onChange={event =>
                          toggle(row.runId, event.currentTarget.checked)
                        }
                      />
                    </td>
                    {ids.map(column => (
                      <td key={column} data-column={column}>
                        {cellDisplay(row, column, trans)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MetricChart
            rows={rows}
            parameters={columns.parameters}
            metrics={columns.metrics}
            onOpenRun={props.onOpenRun}
            trans={trans}
          />
        </>
      )}
    </section>
  );
}
