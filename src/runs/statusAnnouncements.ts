/**
 * What the run panel announces to screen readers as a run goes on: steps that ended (failures
 * by name, "train_forest failed"; successes counted) and the run's end, gathered between two
 * announcements so that 1,000 steps make one sentence a second, not a thousand. No JupyterLab
 * imports: unit-tested with jest.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IStepState, RunStatus, StepStatus } from '../tokens';
import { isRunFinished, isStepFinished } from './stepStates';

/** At most this many steps are named per status; more are counted. */
const NAMED_STEPS = 3;

/** The shown run as the announcer last saw it. */
export interface IRunSnapshot {
  runId: string;
  status: RunStatus | null;
  steps: ReadonlyMap<string, StepStatus>;
}

/** Changes seen since the last announcement. */
export interface IPendingAnnouncement {
  /** Steps that ended, by their final status, in the order they ended. */
  ended: Map<StepStatus, string[]>;
  runEnd: RunStatus | null;
}

export function snapshot(
  runId: string,
  status: RunStatus | null,
  states: ReadonlyMap<string, IStepState>
): IRunSnapshot {
  const steps = new Map<string, StepStatus>();
  for (const [id, state] of states) {
    steps.set(id, state.status);
  }
  return { runId, status, steps };
}

export function emptyAnnouncement(): IPendingAnnouncement {
  return { ended: new Map(), runEnd: null };
}

/**
 * Add what changed from `before` to `after` to `pending`: steps that reached a final status
 * (not `not_selected`: never part of the run) and the run's end. Another run is a new start,
 * announced from its own changes on.
 */
export function gatherChanges(
  pending: IPendingAnnouncement,
  before: IRunSnapshot | null,
  after: IRunSnapshot
): void {
  if (!before || before.runId !== after.runId) {
    return;
  }
  for (const [id, status] of after.steps) {
    const was = before.steps.get(id);
    // Only a step seen going on ends: a run log that arrives finished is history, not news.
    const wasLive =
      was === 'pending' ||
      was === 'running' ||
      (was === undefined &&
        before.status !== null &&
        !isRunFinished(before.status));
    if (wasLive && status !== 'not_selected' && isStepFinished(status)) {
      const ids = pending.ended.get(status) ?? [];
      ids.push(id);
      pending.ended.set(status, ids);
    }
  }
  if (
    after.status &&
    isRunFinished(after.status) &&
    !(before.status && isRunFinished(before.status))
  ) {
    pending.runEnd = after.status;
  }
}

function stepStatusWord(status: StepStatus, trans: TranslationBundle): string {
  switch (status) {
    case 'failed':
      return trans.__('failed');
    case 'upstream_failed':
      return trans.__('did not run (upstream failed)');
    case 'cancelled':
      return trans.__('cancelled');
    case 'cached':
      return trans.__('reused (cached)');
    case 'mocked':
      return trans.__('mocked');
    default:
      return trans.__('succeeded');
  }
}

function runEndText(status: RunStatus, trans: TranslationBundle): string {
  switch (status) {
    case 'succeeded':
      return trans.__('The run succeeded.');
    case 'failed':
      return trans.__('The run failed.');
    case 'cancelled':
      return trans.__('The run was cancelled.');
    case 'interrupted':
      return trans.__('The run was interrupted.');
    default:
      return trans.__('The run ended: %1.', status);
  }
}

/** Failures first, then the rest; successes only counted unless few. */
const ORDER: StepStatus[] = [
  'failed',
  'upstream_failed',
  'cancelled',
  'succeeded',
  'cached',
  'mocked'
];

/** The sentence for the changes gathered, or '' when there is nothing to say. */
export function announcementText(
  pending: IPendingAnnouncement,
  trans: TranslationBundle
): string {
  const parts: string[] = [];
  for (const status of ORDER) {
    const ids = pending.ended.get(status) ?? [];
    if (ids.length === 0) {
      continue;
    }
    const word = stepStatusWord(status, trans);
    if (ids.length <= NAMED_STEPS) {
      parts.push(trans.__('%1 %2.', ids.join(', '), word));
    } else {
      parts.push(
        trans.__(
          '%1 steps %2 (%3 and others).',
          ids.length,
          word,
          ids.slice(0, NAMED_STEPS).join(', ')
        )
      );
    }
  }
  if (pending.runEnd) {
    parts.push(runEndText(pending.runEnd, trans));
  }
  return parts.join(' ');
}
