/**
 * The pipeline's runs, newest first; picking one shows its step states on the panel and graph.
 * With `onCompare`, each run has a checkbox and two or more checked runs can be compared.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { StatusBadge } from '../../components/StatusBadge';
import { useCheckedSet } from '../../components/useCheckedSet';
import { attemptDurations, formatAttemptDurations } from '../../duration';
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
  /** Compare the checked runs (the compare view of the Jobs plugin); no checkboxes without. */
  onCompare?(runIds: string[]): void;
  trans: TranslationBundle;
}

export function RunHistory(props: IRunHistoryProps): JSX.Element {
  const { runs, trans, onCompare } = props;
  const [checked, toggle] = useCheckedSet();
  const compared = runs.filter(run => checked.has(run.run_id));
  return (
    <div className="jp-runnable-run-history">
      <h3 className="jp-runnable-run-section-title">
        {trans.__('History')}
        {onCompare && compared.length >= 2 && (
          <button
            className="jp-runnable-link-button jp-runnable-run-history-compare"
            onClick={() => onCompare(compared.map(run => run.run_id))}
          >
            {trans.__('Compare %1 runs', compared.length)}
          </button>
        )}
      </h3>
      {runs.length === 0 ? (
        <p className="jp-runnable-run-empty">{trans.__('No runs yet.')}</p>
      ) : (
        <ul className="jp-runnable-run-history-list">
          {runs.map(run => {
            const selection = selectionText(run, trans);
            return (
              <li
                key={run.run_id}
                className={
                  onCompare ? 'jp-runnable-run-history-row' : undefined
                }
              >
                {onCompare && (
                  <input
                    type="checkbox"
                    className="jp-runnable-run-history-check"
                    aria-label={trans.__(
                      'Select run %1 to compare',
                      run.run_id
                    )}
                    checked={checked.has(run.run_id)}
                    onChange={event =>
                      toggle(run.run_id, event.currentTarget.checked)
                    }
                  />
                )}
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
                    {formatAttemptDurations(attemptDurations(run))}
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
