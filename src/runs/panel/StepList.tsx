/**
 * The steps of the active pipeline: a checkbox each (the graph selection), the live status of
 * the shown run, and links to the executed notebook and the step's log.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { StatusBadge } from '../../components/StatusBadge';
import { elapsedSeconds, formatDuration } from '../../duration';
import { stepProgressLabel } from '../../status';
import { IStepInfo, IStepState } from '../../tokens';
import type { IRunLog, IRunSummary } from '../dto';
import type { ILastKnownState } from '../lastKnownStates';
import {
  addedSelection,
  runProgress,
  StatusGroup,
  StepListRow,
  stepListRows,
  stepRowIndex
} from '../stepListModel';
import { isStepFinished } from '../stepStates';
import { StepGroupHeader } from './StepGroupHeader';
import { useLastKnownStates } from './useLastKnownStates';
import { WindowedList } from './WindowedList';
import { StepError, TracebackRenderer } from './StepError';

export interface IStepActions {
  openOutput(stepId: string, state: IStepState): void;
  showLog(stepId: string, state?: IStepState): void;
  /** Draws a failed step's traceback with JupyterLab's renderers. */
  renderTraceback: TracebackRenderer;
}

/** The current time, ticking every second while `active`. */
function useNow(active: boolean): number {
  const [now, setNow] = React.useState(() => Date.now());
  React.useEffect(() => {
    if (!active) {
      return;
    }
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

interface IStepRowProps {
  step: IStepInfo;
  /** The row's place in the windowed list (`data-index`) and its measuring ref. */
  index: number;
  measureRef(element: HTMLLIElement | null): void;
  state: IStepState | undefined;
  /** The status in the newest earlier run that ran the step, when the shown run does not. */
  lastKnown: ILastKnownState | undefined;
  checked: boolean;
  now: number;
  canShowLog: boolean;
  onCheck(checked: boolean): void;
  actions: IStepActions;
  trans: TranslationBundle;
}

function StepRow(props: IStepRowProps): JSX.Element {
  const { step, state, trans } = props;
  const status = state?.status;
  const running = status === 'running';
  const time = running
    ? formatDuration(elapsedSeconds(state?.start, props.now))
    : formatDuration(state?.durationS);
  const progress = stepProgressLabel(state, trans);
  const checkboxId = `jp-runnable-run-step-check-${step.id}`;
  return (
    <li
      ref={props.measureRef}
      data-index={props.index}
      className={`jp-runnable-run-step${props.checked ? ' jp-mod-selected' : ''}`}
      data-step-id={step.id}
      data-status={status ?? 'none'}
    >
      <div className="jp-runnable-run-step-main">
        <input
          id={checkboxId}
          type="checkbox"
          className="jp-runnable-run-step-check"
          checked={props.checked}
          onChange={event => props.onCheck(event.target.checked)}
        />
        <label
          htmlFor={checkboxId}
          className="jp-runnable-run-step-name"
          title={step.notebook}
        >
          {step.id}
        </label>
        {props.lastKnown ? (
          <span
            className="jp-runnable-run-step-last"
            data-status={props.lastKnown.status}
            data-run-id={props.lastKnown.runId}
            title={trans.__(
              'Not run by the shown run; its status in run %1, the latest that ran it.',
              props.lastKnown.runId
            )}
          >
            <StatusBadge status={props.lastKnown.status} trans={trans} />
          </span>
        ) : (
          status && <StatusBadge status={status} trans={trans} />
        )}
        <span className="jp-runnable-run-step-time">{time}</span>
      </div>
      {progress && (
        <div className="jp-runnable-run-step-progress">{progress}</div>
      )}
      {status === 'cached' && state?.cachedFrom && (
        <div
          className="jp-runnable-run-step-cached-from"
          data-run-id={state.cachedFrom.runId}
          title={trans.__(
            'Unchanged since run %1 (attempt %2): its result was reused, the step did not run.',
            state.cachedFrom.runId,
            state.cachedFrom.attempt
          )}
        >
          {trans.__('reused from run %1', state.cachedFrom.runId)}
        </div>
      )}
      {state?.error && (
        <StepError
          error={state.error}
          renderTraceback={props.actions.renderTraceback}
          trans={trans}
        />
      )}
      {status && status !== 'not_selected' && (
        <div className="jp-runnable-run-step-links">
          {state?.outputNotebook && (running || isStepFinished(status)) && (
            <button
              className="jp-runnable-link-button jp-runnable-open-output"
              onClick={() => props.actions.openOutput(step.id, state)}
            >
              {trans.__('Open Output')}
            </button>
          )}
          {props.canShowLog && status !== 'pending' && (
            <button
              className="jp-runnable-link-button jp-runnable-show-log"
              onClick={() => props.actions.showLog(step.id, state)}
            >
              {trans.__('Show Log')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

export interface IStepListProps {
  steps: ReadonlyArray<IStepInfo>;
  states: ReadonlyMap<string, IStepState>;
  /** The pipeline's runs and how to read one: each step's last known status comes from them. */
  history: ReadonlyArray<IRunSummary>;
  shownRunId: string | null;
  fetchRunLog(runId: string): Promise<IRunLog>;
  selection: ReadonlyArray<string>;
  canShowLog: boolean;
  onCheck(stepId: string, checked: boolean): void;
  onCheckAll(checked: boolean): void;
  actions: IStepActions;
  trans: TranslationBundle;
}

export function StepList(props: IStepListProps): JSX.Element {
  const { steps, states, selection, trans } = props;
  const anyRunning = steps.some(
    step => states.get(step.id)?.status === 'running'
  );
  const now = useNow(anyRunning);
  const [folded, setFolded] = React.useState<ReadonlySet<StatusGroup>>(
    () => new Set()
  );
  const rows = React.useMemo(
    () => stepListRows(steps, states, folded),
    [steps, states, folded]
  );
  const selected = React.useMemo(() => new Set(selection), [selection]);
  // The list re-measures every row whenever its key function changes: keep one function for as
  // long as the rows' keys are the same (status events change states, rarely the rows' order).
  const rowsRef = React.useRef(rows);
  rowsRef.current = rows;
  const keys = React.useMemo(() => rows.map(rowKey).join('\n'), [rows]);
  const keyOfIndex = React.useCallback(
    (index: number) => rowKey(rowsRef.current[index]),
    [keys]
  );
  const scrollTo = useScrollToSelected(selection);
  const lastKnown = useLastKnownStates(
    props.fetchRunLog,
    props.history,
    props.shownRunId,
    steps,
    states
  );
  if (steps.length === 0) {
    return (
      <p className="jp-runnable-run-empty">
        {trans.__(
          'This pipeline has no steps yet. Add notebooks to it from the file browser.'
        )}
      </p>
    );
  }
  const allChecked = steps.every(step => selected.has(step.id));
  const progress = runProgress(steps, states);
  const toggle = (group: StatusGroup) => {
    const next = new Set(folded);
    if (!next.delete(group)) {
      next.add(group);
    }
    setFolded(next);
  };
  return (
    <div className="jp-runnable-run-steps">
      <div className="jp-runnable-run-steps-header">
        <label className="jp-runnable-run-check-all">
          <input
            type="checkbox"
            checked={allChecked}
            onChange={event => props.onCheckAll(event.target.checked)}
          />
          {trans.__('Select all steps')}
        </label>
        {anyRunning || progress.done < progress.total ? (
          <span
            className="jp-runnable-run-steps-done"
            data-done={progress.done}
            data-total={progress.total}
          >
            {trans.__('%1 of %2 done', progress.done, progress.total)}
          </span>
        ) : null}
      </div>
      <WindowedList
        className="jp-runnable-run-step-list"
        count={rows.length}
        rowKey={keyOfIndex}
        scrollRequest={
          scrollTo === null
            ? null
            : { index: stepRowIndex(rows, scrollTo.stepId), seq: scrollTo.seq }
        }
        ariaLabel={trans.__('Steps')}
        renderRow={(index, measureRef) => {
          const row = rows[index];
          if (row.kind === 'group') {
            return (
              <StepGroupHeader
                key={rowKey(row)}
                index={index}
                measureRef={measureRef}
                row={row}
                onToggle={() => toggle(row.group)}
                trans={trans}
              />
            );
          }
          const step = row.step;
          return (
            <StepRow
              key={step.id}
              index={index}
              measureRef={measureRef}
              step={step}
              state={states.get(step.id)}
              lastKnown={lastKnown.get(step.id)}
              checked={selected.has(step.id)}
              now={now}
              canShowLog={props.canShowLog}
              onCheck={checked => props.onCheck(step.id, checked)}
              actions={props.actions}
              trans={trans}
            />
          );
        }}
      />
    </div>
  );
}

function rowKey(row: StepListRow): string {
  return row.kind === 'group' ? `group:${row.group}` : `step:${row.step.id}`;
}

/** The step to bring into view: the one a selection change (the graph's too) added. */
function useScrollToSelected(
  selection: ReadonlyArray<string>
): { stepId: string; seq: number } | null {
  const previous = React.useRef<ReadonlyArray<string>>(selection);
  const [target, setTarget] = React.useState<{
    stepId: string;
    seq: number;
  } | null>(null);
  React.useEffect(() => {
    const added = addedSelection(previous.current, selection);
    previous.current = selection;
    if (added !== null) {
      setTarget(last => ({ stepId: added, seq: (last?.seq ?? 0) + 1 }));
    }
  }, [selection]);
  return target;
}
