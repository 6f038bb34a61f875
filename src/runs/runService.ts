/**
 * The run model: runs of every pipeline seen, the run shown for each (latest, or one picked in
 * the history) and its live step states. Fed by the server's run-status events; a Poll refreshes
 * active runs when events go quiet (e.g. the event socket dropped).
 */
import { Event } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { Debouncer, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { IRunService, IStartRunOptions, IStepState, RunMode } from '../tokens';
import { IRunLog, IRunStatusEvent, IRunSummary, RunsClient } from './client';
import { startRunRequest } from './requests';
import {
  applyEvent,
  isRunFinished,
  normalizePath,
  parseRunStatusEvent,
  statesFromRunLog,
  summaryFromRunLog,
  upsertSummary
} from './stepStates';

/** How often the fallback poll refreshes an active run that sent no event meanwhile. */
const POLL_INTERVAL_MS = 3000;
const REFETCH_DEBOUNCE_MS = 250;

/** What the service knows about one pipeline's runs. */
interface IPipelineRuns {
  history: IRunSummary[];
  shownRunId: string | null;
  shownLog: IRunLog | null;
  states: Map<string, IStepState>;
  activeRunId: string | null;
  /** The user picked the shown run in the history: new runs do not replace it. */
  pinned: boolean;
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

  activeRunId(pipelinePath: string): string | null {
    return this._entry(pipelinePath).activeRunId;
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
    entry.pinned =
      runId !== entry.activeRunId && runId !== entry.history[0]?.run_id;
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
    // Let the new run's first events switch the shown run before the reply arrives.
    entry.pinned = false;
    const reply = await this._client.start(
      startRunRequest(path, steps, mode, parameters, options)
    );
    this._runPipelines.set(reply.run_id, path);
    if (entry.shownRunId !== reply.run_id) {
      this._switchShown(entry, reply.run_id, reply.run);
    } else {
      this._applyLog(entry, reply.run, entry.recentEvents.length);
    }
    entry.activeRunId = reply.run_id;
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
    if (path !== undefined) {
      this._entry(path).pinned = false;
    }
    await this._client.retry(runId);
    if (path !== undefined) {
      const entry = this._entry(path);
      entry.activeRunId = runId;
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
    if (event.kind === 'run') {
      if (isRunFinished(event.status)) {
        if (entry.activeRunId === event.run_id) {
          entry.activeRunId = null;
        }
      } else {
        entry.activeRunId = event.run_id;
      }
    }
    if (entry.shownRunId !== event.run_id) {
      if (entry.pinned || isRunFinished(event.status)) {
        this._changed.emit(path);
        return;
      }
      this._switchShown(entry, event.run_id, null);
    }
    entry.recentEvents.push(event);
    entry.states = applyEvent(entry.states, event);
    entry.lastEventMs = Date.now();
    this._changed.emit(path);
    this._markDirty(path);
  }

  private async _loadHistory(
    path: string,
    entry: IPipelineRuns
  ): Promise<void> {
    try {
      entry.history = await this._client.list(path);
      entry.error = null;
    } catch (error) {
      entry.error = String((error as Error).message ?? error);
      this._changed.emit(path);
      return;
    }
    for (const summary of entry.history) {
      this._runPipelines.set(summary.run_id, path);
    }
    const latest = entry.history[0];
    if (latest && !isRunFinished(latest.status)) {
      entry.activeRunId = latest.run_id;
    }
    if (entry.shownRunId === null && latest) {
      this._switchShown(entry, latest.run_id, null);
    }
    this._changed.emit(path);
    if (entry.shownRunId !== null) {
      await this._refresh(path, entry.shownRunId).catch(() => undefined);
    }
  }

  /** Fetch a run's log and update what depends on it (states when shown, active, history). */
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
    const wasActive = entry.activeRunId === runId;
    if (isRunFinished(log.status) && wasActive) {
      entry.activeRunId = null;
    }
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
        const runIds = new Set([entry.shownRunId, entry.activeRunId]);
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

  /** Fallback for missed events: refresh active runs that have been quiet for a while. */
  private async _pollActiveRuns(): Promise<void> {
    const quietSince = Date.now() - POLL_INTERVAL_MS;
    const refreshes: Promise<void>[] = [];
    for (const [path, entry] of this._pipelines) {
      if (entry.activeRunId !== null && entry.lastEventMs < quietSince) {
        refreshes.push(this._refresh(path, entry.activeRunId));
      }
    }
    // A rejection makes the poll back off.
    await Promise.all(refreshes);
  }

  private _hasActiveRun(): boolean {
    for (const entry of this._pipelines.values()) {
      if (entry.activeRunId !== null) {
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
        activeRunId: null,
        pinned: false,
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
