/**
 * What the run service knows about one pipeline's runs, and the changes to the shown run: which
 * run is shown, its log and live step states (the log's, then the events received since its
 * fetch began). No JupyterLab imports: unit-tested through the run service.
 */
import type { IStepState } from '../tokens';
import type { IRunLog, IRunStatusEvent, IRunSummary } from './dto';
import type { FollowMode } from './runTracking';
import { applyEvent, statesFromRunLog } from './stepStates';

export interface IPipelineRuns {
  history: IRunSummary[];
  shownRunId: string | null;
  shownLog: IRunLog | null;
  states: Map<string, IStepState>;
  /** Runs in progress (from events, run logs and listings), and every run whose status is known. */
  running: Set<string>;
  seen: Set<string>;
  /** Runs started or retried from this tab. */
  own: Set<string>;
  follow: FollowMode;
  /** Runs other than the shown one to fetch again (their history entry changed). */
  dirtyRuns: Set<string>;
  /** Events of the shown run received since the last fetch began, re-applied on its result. */
  recentEvents: IRunStatusEvent[];
  lastEventMs: number;
  loading: Promise<void> | null;
  fetching: boolean;
  refetch: boolean;
  error: string | null;
}

export function createPipelineRuns(): IPipelineRuns {
  return {
    history: [],
    shownRunId: null,
    shownLog: null,
    states: new Map(),
    running: new Set(),
    seen: new Set(),
    own: new Set(),
    follow: 'latest',
    dirtyRuns: new Set(),
    recentEvents: [],
    lastEventMs: 0,
    loading: null,
    fetching: false,
    refetch: false,
    error: null
  };
}

/** Step states = the log's, then the events received since its fetch began (`seenEvents`). */
export function applyLog(
  entry: IPipelineRuns,
  log: IRunLog,
  seenEvents: number
): void {
  entry.shownLog = log;
  entry.recentEvents = entry.recentEvents.slice(seenEvents);
  entry.states = entry.recentEvents.reduce<Map<string, IStepState>>(
    (states, event) => applyEvent(states, event),
    statesFromRunLog(log)
  );
}

/** Show another run (its log when known, else nothing until it is fetched). */
export function switchShown(
  entry: IPipelineRuns,
  runId: string,
  log: IRunLog | null
): void {
  entry.shownRunId = runId;
  entry.recentEvents = [];
  entry.shownLog = null;
  entry.states = new Map();
  if (log !== null) {
    applyLog(entry, log, 0);
  }
}

/** The pipeline's runs in progress, newest first (those not listed yet before the others). */
export function runningRunIds(entry: IPipelineRuns): string[] {
  const listed = entry.history
    .map(run => run.run_id)
    .filter(id => entry.running.has(id));
  const unlisted = [...entry.running].filter(id => !listed.includes(id));
  return [...unlisted.reverse(), ...listed];
}

/** The newest run started from this tab that is still in progress, else null. */
export function ownRunningRunId(entry: IPipelineRuns): string | null {
  return [...entry.own].reverse().find(id => entry.running.has(id)) ?? null;
}
