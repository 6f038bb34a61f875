/**
 * The run model: runs of every pipeline seen, the run shown for each and its live step states,
 * and which runs are in progress. Several runs of one pipeline may overlap: the shown run is the
 * one started from this tab, else the latest, unless the user picked one (see runTracking.ts).
 * Fed by the server's run-status events; a Poll refreshes runs in progress when events go quiet
 * (e.g. the event socket dropped), another re-lists the history now and then, for runs started
 * where no event reaches this server (the CLI).
 */
import { Event } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { Debouncer, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IRunFinished,
  IRunService,
  IStartRunOptions,
  IStepState,
  RunMode,
  RunStatus
} from '../tokens';
import { IRunLog, IRunStatusEvent, IRunSummary, RunsClient } from './client';
import { startRunRequest } from './requests';
import {
  FollowMode,
  followAfterShowing,
  mergeHistory,
  switchesToEventRun,
  trackRunStatus,
  withRunStatus
} from './runTracking';
import {
  applyEvent,
  normalizePath,
  parseRunStatusEvent,
  statesFromRunLog,
  summaryFromRunLog,
  upsertSummary
} from './stepStates';

/** How often the fallback poll refreshes an active run that sent no event meanwhile. */
const POLL_INTERVAL_MS = 3000;
const REFETCH_DEBOUNCE_MS = 250;
/** How often the history is listed again (runs started from the CLI send no event here). */
const HISTORY_INTERVAL_MS = 10 * 1000;

/** What the service knows about one pipeline's runs. */
interface IPipelineRuns {
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

export class RunService implements IRunService, IDisposable {
  constructor(options: RunService.IOptions = {}) {
    this._client = options.client ?? new RunsClient();
    this._events = options.events ?? null;
    this._events?.stream.connect(this._onEvent, this);
    this._refetcher = new Debouncer(
      () => this._refetchDirty(),
      REFETCH_DEBOUNCE_MS
    );
    this._poll = new Poll({
      factory: () => this._pollActiveRuns(),
      frequency: { interval: POLL_INTERVAL_MS, backoff: true, max: 30 * 1000 },
      // Nothing to poll without an active run; pause while the page is hidden.
      standby: () => !this._hasActiveRun() || 'when-hidden',
      name: 'runnable-jupyter:runs'
    });
    this._historyPoll = new Poll({
      factory: () => this._relistHistories(),
      frequency: {
        interval: HISTORY_INTERVAL_MS,
        backoff: true,
        max: 60 * 1000
      },
      standby: () => this._pipelines.size === 0 || 'when-hidden',
      name: 'runnable-jupyter:run-history'
    });
  }

  /** Emits each run seen in progress once it has ended. */
  get runFinished(): ISignal<this, IRunFinished> {
    return this._runFinished;
  }

  get changed(): ISignal<this, string> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  stepStates(pipelinePath: string): ReadonlyMap<string, IStepState> {
    const entry = this._entry(pipelinePath);
    void this.load(pipelinePath);
    return entry.states;
  }

  /** The shown run while it is in progress (what "Cancel" stops), else null. */
  activeRunId(pipelinePath: string): string | null {
    const entry = this._entry(pipelinePath);
    const shown = entry.shownRunId;
    return shown !== null && entry.running.has(shown) ? shown : null;
  }

  /** The pipeline's runs in progress, wherever they were started, newest first. */
  runningRunIds(pipelinePath: string): ReadonlyArray<string> {
    const entry = this._entry(pipelinePath);
    const listed = entry.history
      .map(run => run.run_id)
      .filter(id => entry.running.has(id));
    const unlisted = [...entry.running].filter(id => !listed.includes(id));
    return [...unlisted.reverse(), ...listed];
  }

  /** The newest run started from this tab that is still in progress, else null. */
  ownRunningRunId(pipelinePath: string): string | null {
    const entry = this._entry(pipelinePath);
    const own = [...entry.own].reverse().find(id => entry.running.has(id));
    return own ?? null;
  }

  /** The log of the run shown for the pipeline (null before it is fetched). */
  shownRun(pipelinePath: string): IRunLog | null {
    return this._entry(pipelinePath).shownLog;
  }

  shownRunId(pipelinePath: string): string | null {
    return this._entry(pipelinePath).shownRunId;
  }

  /** The pipeline's runs, newest first. */
  history(pipelinePath: string): ReadonlyArray<IRunSummary> {
    return this._entry(pipelinePath).history;
  }

  /** The last error talking to the server about this pipeline, if any. */
  error(pipelinePath: string): string | null {
    return this._entry(pipelinePath).error;
  }

  /** Fetch the pipeline's history and show its latest run (once; `force` to reload). */
  load(pipelinePath: string, force = false): Promise<void> {
    const entry = this._entry(pipelinePath);
    if (!entry.loading || force) {
      entry.loading = this._loadHistory(normalizePath(pipelinePath), entry);
    }
    return entry.loading;
  }

  /** Show a run of the history (its step states go to the graph). */
  async showRun(pipelinePath: string, runId: string): Promise<void> {
    const path = normalizePath(pipelinePath);
    const entry = this._entry(path);
    entry.follow = followAfterShowing(
      runId,
      entry.own,
      entry.history[0]?.run_id ?? null
    );
    this._switchShown(entry, runId, null);
    this._changed.emit(path);
    await this._refresh(path, runId);
  }

  async startRun(
    pipelinePath: string,
    steps: ReadonlyArray<string>,
    mode: RunMode,
    parameters: Record<string, unknown> = {},
    options: IStartRunOptions = {}
  ): Promise<string> {
    const path = normalizePath(pipelinePath);
    const entry = this._entry(path);
    // Let the new run's first events switch the shown run before the reply arrives (an
    // event of another run meanwhile is undone by the reply).
    const follow = entry.follow;
    entry.follow = 'latest';
    let reply;
    try {
      reply = await this._client.start(
        startRunRequest(path, steps, mode, parameters, options)
      );
    } catch (error) {
      entry.follow = follow;
      throw error;
    }
    this._runPipelines.set(reply.run_id, path);
    entry.own.add(reply.run_id);
    entry.follow = 'own';
    if (entry.shownRunId !== reply.run_id) {
      this._switchShown(entry, reply.run_id, reply.run);
    } else {
      this._applyLog(entry, reply.run, entry.recentEvents.length);
    }
    this._track(path, entry, reply.run_id, reply.run.status, true);
    entry.history = upsertSummary(entry.history, summaryFromRunLog(reply.run));
    entry.error = null;
    this._changed.emit(path);
    this._markDirty(path);
    return reply.run_id;
  }

  async cancelRun(runId: string): Promise<void> {
    await this._client.cancel(runId);
    const path = this._runPipelines.get(runId);
    if (path !== undefined) {
      this._markDirty(path);
    }
  }

  async retryRun(runId: string): Promise<void> {
    const path = this._runPipelines.get(runId);
    await this._client.retry(runId);
    if (path !== undefined) {
      const entry = this._entry(path);
      entry.own.add(runId);
      entry.follow = 'own';
      this._track(path, entry, runId, 'running', true);
      if (entry.shownRunId !== runId) {
        this._switchShown(entry, runId, null);
      }
      this._changed.emit(path);
      this._markDirty(path);
    }
  }

  /** The step's output from `offset` on. */
  stepLog(runId: string, stepId: string, offset: number) {
    return this._client.stepLog(runId, stepId, offset);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._events?.stream.disconnect(this._onEvent, this);
    this._poll.dispose();
    this._historyPoll.dispose();
    this._refetcher.dispose();
    Signal.clearData(this);
  }

  /** A run-status event: update the step at once, refetch the run log shortly after. */
  private _onEvent(_: unknown, emission: Event.Emission): void {
    const event = parseRunStatusEvent(emission);
    if (event === null) {
      return;
    }
    const path = normalizePath(event.pipeline);
    const entry = this._entry(path);
    this._runPipelines.set(event.run_id, path);
    entry.lastEventMs = Date.now();
    if (event.kind === 'run') {
      this._track(path, entry, event.run_id, event.status, true);
      entry.history = withRunStatus(
        entry.history,
        event.run_id,
        event.status as RunStatus
      );
    }
    if (entry.shownRunId !== event.run_id) {
      if (!switchesToEventRun(entry.follow, event.status)) {
        // Another run (another tab, a retry...): its history entry is fetched again.
        const listed = entry.history.some(run => run.run_id === event.run_id);
        if (event.kind === 'run' || !listed) {
          entry.dirtyRuns.add(event.run_id);
          this._markDirty(path);
        }
        this._changed.emit(path);
        return;
      }
      this._switchShown(entry, event.run_id, null);
    }
    entry.recentEvents.push(event);
    entry.states = applyEvent(entry.states, event);
    this._changed.emit(path);
    this._markDirty(path);
  }

  private async _loadHistory(
    path: string,
    entry: IPipelineRuns
  ): Promise<void> {
    if (!(await this._list(path, entry))) {
      return;
    }
    const latest = entry.history[0];
    if (entry.shownRunId === null && latest) {
      this._switchShown(entry, latest.run_id, null);
    }
    this._changed.emit(path);
    if (entry.shownRunId !== null) {
      await this._refresh(path, entry.shownRunId).catch(() => undefined);
    }
  }

  /** List the pipeline's runs into its history; false when the server could not say. */
  private async _list(path: string, entry: IPipelineRuns): Promise<boolean> {
    let fetched: IRunSummary[];
    try {
      fetched = await this._client.list(path);
      entry.error = null;
    } catch (error) {
      entry.error = String((error as Error).message ?? error);
      this._changed.emit(path);
      return false;
    }
    for (const summary of fetched) {
      this._runPipelines.set(summary.run_id, path);
      this._track(path, entry, summary.run_id, summary.status, false);
    }
    entry.history = mergeHistory(entry.history, fetched, entry.running);
    return true;
  }

  /** Every loaded pipeline's history again, for runs that send no event here. */
  private async _relistHistories(): Promise<void> {
    const listings: Promise<void>[] = [];
    for (const [path, entry] of this._pipelines) {
      if (entry.loading !== null) {
        listings.push(
          this._list(path, entry).then(() => this._changed.emit(path))
        );
      }
    }
    await Promise.all(listings);
  }

  /** Record a run's status; a run seen in progress that ended is announced. */
  private _track(
    path: string,
    entry: IPipelineRuns,
    runId: string,
    status: RunStatus | string,
    authoritative: boolean
  ): void {
    if (
      trackRunStatus(entry.running, entry.seen, runId, status, authoritative)
    ) {
      this._runFinished.emit({
        pipelinePath: path,
        runId,
        status: status as RunStatus
      });
    }
  }

  /** Fetch a run's log and update what depends on it (states when shown, running, history). */
  private async _refresh(path: string, runId: string): Promise<void> {
    const entry = this._entry(path);
    const seen = entry.recentEvents.length;
    let log: IRunLog;
    try {
      log = await this._client.get(runId);
    } catch (error) {
      entry.error = String((error as Error).message ?? error);
      this._changed.emit(path);
      throw error;
    }
    entry.error = null;
    if (entry.shownRunId === runId) {
      this._applyLog(entry, log, seen);
    }
    this._track(path, entry, runId, log.status, true);
    entry.history = upsertSummary(entry.history, summaryFromRunLog(log));
    this._changed.emit(path);
  }

  /** Step states = the log's, then the events received since the fetch began. */
  private _applyLog(
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

  private _switchShown(
    entry: IPipelineRuns,
    runId: string,
    log: IRunLog | null
  ): void {
    entry.shownRunId = runId;
    entry.recentEvents = [];
    entry.shownLog = null;
    entry.states = new Map();
    if (log !== null) {
      this._applyLog(entry, log, 0);
    }
  }

  private _markDirty(path: string): void {
    this._dirty.add(path);
    this._refetcher.invoke().catch(() => undefined);
  }

  private async _refetchDirty(): Promise<void> {
    const paths = [...this._dirty];
    this._dirty.clear();
    await Promise.all(paths.map(path => this._refetchShown(path)));
  }

  /** One fetch at a time per pipeline; a request meanwhile triggers one more afterwards. */
  private async _refetchShown(path: string): Promise<void> {
    const entry = this._entry(path);
    if (entry.fetching) {
      entry.refetch = true;
      return;
    }
    entry.fetching = true;
    try {
      do {
        entry.refetch = false;
        const runIds = new Set([entry.shownRunId, ...entry.dirtyRuns]);
        entry.dirtyRuns.clear();
        for (const runId of runIds) {
          if (runId !== null) {
            await this._refresh(path, runId).catch(() => undefined);
          }
        }
      } while (entry.refetch);
    } finally {
      entry.fetching = false;
    }
  }

  /** Fallback for missed events: refresh runs in progress that have been quiet for a while. */
  private async _pollActiveRuns(): Promise<void> {
    const quietSince = Date.now() - POLL_INTERVAL_MS;
    const refreshes: Promise<void>[] = [];
    for (const [path, entry] of this._pipelines) {
      if (entry.lastEventMs < quietSince) {
        for (const runId of entry.running) {
          refreshes.push(this._refresh(path, runId));
        }
      }
    }
    // A rejection makes the poll back off.
    await Promise.all(refreshes);
  }

  private _hasActiveRun(): boolean {
    for (const entry of this._pipelines.values()) {
      if (entry.running.size > 0) {
        return true;
      }
    }
    return false;
  }

  private _entry(pipelinePath: string): IPipelineRuns {
    const path = normalizePath(pipelinePath);
    let entry = this._pipelines.get(path);
    if (!entry) {
      entry = {
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
      this._pipelines.set(path, entry);
    }
    return entry;
  }

  private readonly _client: RunsClient;
  private readonly _events: Event.IManager | null;
  private readonly _pipelines = new Map<string, IPipelineRuns>();
  /** Run id -> pipeline path, for cancel/retry which only get the run id. */
  private readonly _runPipelines = new Map<string, string>();
  private readonly _dirty = new Set<string>();
  private readonly _refetcher: Debouncer<void>;
  private readonly _poll: Poll;
  private readonly _historyPoll: Poll;
  private readonly _runFinished = new Signal<this, IRunFinished>(this);
  private readonly _changed = new Signal<this, string>(this);
  private _isDisposed = false;
}

export namespace RunService {
  export interface IOptions {
    client?: RunsClient;
    /** The server's event bus (`app.serviceManager.events`). */
    events?: Event.IManager;
  }
}
