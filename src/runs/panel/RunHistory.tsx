/**
 * The pipeline's runs, newest first; picking one shows its step states on the panel and graph.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { StatusBadge } from '../../components/StatusBadge';
import { durationBetween, formatDuration } from '../../duration';
import { IRunSummary } from '../dto';
import { formatStart } from '../format';

function selectionText(run: IRunSummary, trans: TranslationBundle): string {
  if (run.mode === 'all' || run.selection.length === 0) {
    return trans.__('all steps');
  }
  const steps = run.selection.join(', ');
  switch (run.mode) {
    case 'upstream':
      return trans.__('%1 with upstream', steps);
    case 'downstream':
      return trans.__('%1 with downstream', steps);
    default:
      return steps;
  }
}

export interface IRunHistoryProps {
  runs: ReadonlyArray<IRunSummary>;
  shownRunId: string | null;
  onShow(runId: string): void;
  trans: TranslationBundle;
}

export function RunHistory(props: IRunHistoryProps): JSX.Element {
  const { runs, trans } = props;
  return (
    <div className="jp-runnable-run-history">
      <h3 className="jp-runnable-run-section-title">{trans.__('History')}</h3>
      {runs.length === 0 ? (
        <p className="jp-runnable-run-empty">{trans.__('No runs yet.')}</p>
      ) : (
        <ul className="jp-runnable-run-history-list">
          {runs.map(run => {
            const selection = selectionText(run, trans);
            return (
              <li key={run.run_id}>
                <button
                  className={`jp-runnable-run-history-item${run.run_id === props.shownRunId ? ' jp-mod-selected' : ''}`}
                  data-run-id={run.run_id}
                  data-status={run.status}
                  aria-pressed={run.run_id === props.shownRunId}
                  title={run.run_id}
                  onClick={() => props.onShow(run.run_id)}
                >
                  <StatusBadge status={run.status} trans={trans} />
                  <span className="jp-runnable-run-history-start">
                    {formatStart(run.start)}
                  </span>
                  <span className="jp-runnable-run-history-duration">
                    {formatDuration(durationBetween(run.start, run.end))}
                  </span>
                  <span className="jp-runnable-run-history-selection">
                    {selection}
                  </span>
                  <span className="jp-runnable-run-history-id">
                    {run.run_id}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
