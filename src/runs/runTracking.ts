/**
 * Which run the panel and the graph follow when several runs of one pipeline overlap (started
 * from this tab, another tab or the CLI), and how the history stays current. No JupyterLab
 * imports: unit-tested with jest.
 *
 * - `own`: the user started (or retried) the shown run from this tab. The panel stays on it
 *   until the user starts another or picks one; other runs only show in the history.
 * - `latest`: nothing started here yet (or the user asked for the latest): the panel follows
 *   the newest run that makes progress, wherever it was started.
 * - `pinned`: the user picked an older run in the history; it stays shown.
 */
import type { RunStatus } from '../tokens';
import type { IRunSummary } from './dto';
import { isRunFinished } from './stepStates';

export type FollowMode = 'latest' | 'own' | 'pinned';

/** Whether an event of a run that is not the shown one makes it the shown one. */
export function switchesToEventRun(
  follow: FollowMode,
  eventStatus: string
): boolean {
  return follow === 'latest' && !isRunFinished(eventStatus);
}

/** How the panel follows runs after the user shows `runId` (history or "Show latest"). */
export function followAfterShowing(
  runId: string,
  ownRunIds: ReadonlySet<string>,
  latestRunId: string | null
): FollowMode {
  if (ownRunIds.has(runId)) {
    return 'own';
  }
  return runId === latestRunId ? 'latest' : 'pinned';
}

/**
 * A fresh listing of the runs, keeping the runs it does not have yet that are known to be in
 * progress (started while the listing was on its way), newest first.
 */
export function mergeHistory(
  current: ReadonlyArray<IRunSummary>,
  fetched: ReadonlyArray<IRunSummary>,
  inProgress: ReadonlySet<string>
): IRunSummary[] {
  const listed = new Set(fetched.map(run => run.run_id));
  const kept = current.filter(
    run => inProgress.has(run.run_id) && !listed.has(run.run_id)
  );
  return [...kept, ...fetched];
}

/** The history with a run's status as an event just told it (unchanged if not listed). */
export function withRunStatus(
  history: ReadonlyArray<IRunSummary>,
  runId: string,
  status: RunStatus
): IRunSummary[] {
  return history.map(run =>
    run.run_id === runId && run.status !== status ? { ...run, status } : run
  );
}

/**
 * The runs in progress after learning a run's status. `authoritative`: from an event or the
 * run's own log; a listing (possibly older than the last event) only adds runs never seen.
 * Returns whether the run just ended.
 */
export function trackRunStatus(
  running: Set<string>,
  seen: Set<string>,
  runId: string,
  status: RunStatus | string,
  authoritative: boolean
): boolean {
  const known = seen.has(runId);
  seen.add(runId);
  if (isRunFinished(status)) {
    return running.delete(runId);
  }
  if (authoritative || !known) {
    running.add(runId);
  }
  return false;
}
