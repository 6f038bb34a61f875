/**
 * Pure functions that turn run logs and live run-status events into step states.
 * No JupyterLab imports: unit-tested with jest.
 */
import type { IStepState, RunStatus, StepStatus } from '../tokens';
import {
  IRunLog,
  IRunStatusEvent,
  IRunSummary,
  RUN_STATUS_SCHEMA_ID
} from './dto';

export type StepStates = ReadonlyMap<string, IStepState>;

const STEP_STATUSES: ReadonlySet<string> = new Set<StepStatus>([
  'pending',
  'running',
  'succeeded',
  'failed',
  'upstream_failed',
  'cancelled',
  'cached',
  'mocked',
  'not_selected'
]);

const FINISHED_RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>([
  'succeeded',
  'failed',
  'cancelled',
  'interrupted'
]);

/** A step status that will not change any more in this attempt. */
export function isStepFinished(status: StepStatus): boolean {
  return status !== 'pending' && status !== 'running';
}

export function isRunFinished(status: RunStatus | string): boolean {
  return FINISHED_RUN_STATUSES.has(status);
}

/** A run with failed or cancelled steps can be retried once it is over. */
export function canRetry(log: IRunLog | null): boolean {
  return (
    log !== null &&
    isRunFinished(log.status) &&
    log.status !== 'succeeded' &&
    Object.values(log.steps).some(
      step =>
        step.status === 'failed' ||
        step.status === 'cancelled' ||
        step.status === 'upstream_failed' ||
        step.status === 'pending'
    )
  );
}

/** Paths from the server and from the editor compare equal once normalised. */
export function normalizePath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '');
}

/** The state of every step, from a run log (the last attempt of each step). */
export function statesFromRunLog(log: IRunLog): Map<string, IStepState> {
  const states = new Map<string, IStepState>();
  for (const [id, record] of Object.entries(log.steps)) {
    const attempt = record.attempts[record.attempts.length - 1];
    const state: IStepState = { status: record.status };
    if (attempt) {
      state.start = attempt.start;
      state.durationS = attempt.duration_s;
      state.cell = attempt.cell_progress?.[0] ?? null;
      state.cells = attempt.cell_progress?.[1] ?? null;
      state.outputNotebook = attempt.output_notebook;
      state.error = attempt.error
        ? {
            name: attempt.error.name,
            message: attempt.error.message,
            cellIndex: attempt.error.cell_index ?? null,
            cellSource: attempt.error.cell_source ?? null,
            traceback: attempt.error.traceback
          }
        : null;
    }
    if (record.status === 'cached' && record.cached_from) {
      state.cachedFrom = {
        runId: record.cached_from.run_id,
        attempt: record.cached_from.attempt
      };
    }
    states.set(id, state);
  }
  return states;
}

/**
 * The run-status event inside a jupyter_events emission, or null when the emission is
 * something else. jupyter_server flattens the event data next to `schema_id`; a nested
 * `data` object is accepted too.
 */
export function parseRunStatusEvent(emission: unknown): IRunStatusEvent | null {
  if (typeof emission !== 'object' || emission === null) {
    return null;
  }
  const record = emission as Record<string, unknown>;
  if (record.schema_id !== RUN_STATUS_SCHEMA_ID) {
    return null;
  }
  const data = (
    typeof record.data === 'object' && record.data !== null
      ? record.data
      : record
  ) as Record<string, unknown>;
  const kind = data.kind;
  if (
    typeof data.run_id !== 'string' ||
    typeof data.pipeline !== 'string' ||
    (kind !== 'run' && kind !== 'step' && kind !== 'progress')
  ) {
    return null;
  }
  const [errorName, errorMessage] = eventError(data);
  return {
    pipeline: data.pipeline,
    run_id: data.run_id,
    kind,
    step_id: typeof data.step_id === 'string' ? data.step_id : '',
    status: typeof data.status === 'string' ? data.status : '',
    cell: typeof data.cell === 'number' ? data.cell : undefined,
    cells: typeof data.cells === 'number' ? data.cells : undefined,
    error_name: errorName,
    error_message: errorMessage,
    time: typeof data.time === 'string' ? data.time : undefined
  };
}

/** The event's `error_name` and `error_message` (set on failed steps). */
function eventError(data: Record<string, unknown>): [string?, string?] {
  if (typeof data.error_name === 'string' && data.error_name) {
    return [
      data.error_name,
      typeof data.error_message === 'string' ? data.error_message : ''
    ];
  }
  return [];
}

/**
 * The step states after one event of the shown run (a new map; the input is untouched).
 * `now` is the client's clock, used when the event carries no time.
 */
export function applyEvent(
  states: StepStates,
  event: IRunStatusEvent,
  now: Date = new Date()
): Map<string, IStepState> {
  const next = new Map(states);
  if (event.kind === 'run' || !event.step_id) {
    return next;
  }
  const previous: IStepState = next.get(event.step_id) ?? { status: 'pending' };
  const time = event.time ?? now.toISOString();
  if (event.kind === 'progress') {
    next.set(event.step_id, {
      ...previous,
      status: 'running',
      start: previous.start ?? time,
      cell: event.cell ?? previous.cell,
      cells: event.cells ?? previous.cells
    });
    return next;
  }
  if (!STEP_STATUSES.has(event.status)) {
    return next;
  }
  const status = event.status as StepStatus;
  if (status === 'pending' || status === 'running') {
    // A new attempt starts: forget the previous one's outcome.
    next.set(event.step_id, {
      status,
      start: status === 'running' ? time : null,
      durationS: null,
      cell: null,
      cells: null,
      error: null,
      outputNotebook: previous.outputNotebook,
      cachedFrom: null
    });
    return next;
  }
  const durationS =
    previous.status === 'running' && previous.start
      ? Math.max(0, (Date.parse(time) - Date.parse(previous.start)) / 1000)
      : previous.durationS;
  next.set(event.step_id, {
    ...previous,
    status,
    durationS,
    error: event.error_name
      ? { name: event.error_name, message: event.error_message ?? '' }
      : status === 'failed'
        ? previous.error
        : null,
    // Which run a cached step reused comes with the run log (refetched after the event).
    cachedFrom: status === 'cached' ? (previous.cachedFrom ?? null) : null
  });
  return next;
}

/** The history entry of a run, from its log (as `GET runs?pipeline=` lists them). */
export function summaryFromRunLog(log: IRunLog): IRunSummary {
  const counts: Partial<Record<StepStatus, number>> = {};
  for (const record of Object.values(log.steps)) {
    counts[record.status] = (counts[record.status] ?? 0) + 1;
  }
  return {
    run_id: log.run_id,
    status: log.status,
    start: log.start,
    end: log.end,
    selection: log.selection,
    mode: log.mode,
    counts
  };
}

/** The history with `summary` replacing the entry of the same run, or first when new. */
export function upsertSummary(
  history: ReadonlyArray<IRunSummary>,
  summary: IRunSummary
): IRunSummary[] {
  const index = history.findIndex(entry => entry.run_id === summary.run_id);
  if (index < 0) {
    return [summary, ...history];
  }
  const next = [...history];
  next[index] = summary;
  return next;
}
