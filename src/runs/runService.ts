/**
 * The run model: runs of every pipeline seen, the run shown for each and its live step states,
 * and which runs are in progress. Several runs of one pipeline may overlap: the shown run is the
 * one started from this tab, else the latest, unless the user picked one (see runTracking.ts).
 * Fed by the server's run-status events, sent for every run of a pipeline whoever started it
 * (this tab, another, the CLI); runRefreshing.ts fetches again when events go quiet.
 */
import { Event } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IRunFinished,
  IRunService,
  IStartRunOptions,
  IStepState,
  RunMode,
  RunStatus
} from '../tokens';
import type { IParametersReply } from '../jobs/dto';
import { IRunLog, IRunSummary, RunsClient } from './client';
import {
  applyLog,
  createPipelineRuns,
  IPipelineRuns,
  ownRunningRunId,
  runningRunIds,
  switchShown
} from './pipelineRuns';
import { startRunRequest } from './requests';
import { RunRefresher } from './runRefreshing';
import {
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
  summaryFromRunLog,
  upsertSummary
} from './stepStates';

export class RunService implements IRunService, IDisposable {
  constructor(options: RunService.IOptions = {}) {
    this._client = options.client ?? new RunsClient();
    this._events = options.events ?? null;
    this._events?.stream.connect(this._onEvent, this);
    this._refresher = new RunRefresher({
      pipelines: () => this._pipelines.entries(),
      refresh: (path, runId) => this._refresh(path, runId),
      relist: (path, entry) =>
        this._list(path, entry).then(() => this._changed.emit(path))
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
    return runningRunIds(this._entry(pipelinePath));
  }

  /** The newest run started from this tab that is still in progress, else null. */
  ownRunningRunId(pipelinePath: string): string | null {
    return ownRunningRunId(this._entry(pipelinePath));
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
    switchShown(entry, runId, null);
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
      switchShown(entry, reply.run_id, reply.run);
    } else {
      applyLog(entry, reply.run, entry.recentEvents.length);
    }
    this._track(path, entry, reply.run_id, reply.run.status, true);
    entry.history = upsertSummary(entry.history, summaryFromRunLog(reply.run));
    entry.error = null;
    this._changed.emit(path);
    this._markDirty(path);
    return reply.run_id;
  }

  /** The parameters the pipeline's notebooks declare (the run panel's typed form). */
  declaredParameters(pipelinePath: string): Promise<IParametersReply> {
    return this._client.parameters(pipelinePath);
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
        switchShown(entry, runId, null);
      }
      this._changed.emit(path);
      this._markDirty(path);
    }
  }

  /** A run's log as the server has it now. */
  runLog(runId: string): Promise<IRunLog> {
    return this._client.get(runId);
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
    this._refresher.dispose();
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
    if (!entry.history.some(run => run.run_id === event.run_id)) {
      // Fetched (so listed) even when another new run becomes the shown one before the fetch.
      entry.dirtyRuns.add(event.run_id);
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
      switchShown(entry, event.run_id, null);
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
      switchShown(entry, latest.run_id, null);
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
        status: status as RunStatus,
        startedHere: entry.own.has(runId)
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
      applyLog(entry, log, seen);
    }
    this._track(path, entry, runId, log.status, true);
    entry.history = upsertSummary(entry.history, summaryFromRunLog(log));
    this._changed.emit(path);
  }

  private _markDirty(path: string): void {
    this._refresher.markDirty(path);
  }

  private _entry(pipelinePath: string): IPipelineRuns {
    const path = normalizePath(pipelinePath);
    let entry = this._pipelines.get(path);
    if (!entry) {
      entry = createPipelineRuns();
      this._pipelines.set(path, entry);
    }
    return entry;
  }

  private readonly _client: RunsClient;
  private readonly _events: Event.IManager | null;
  private readonly _pipelines = new Map<string, IPipelineRuns>();
  /** Run id -> pipeline path, for cancel/retry which only get the run id. */
  private readonly _runPipelines = new Map<string, string>();
  private readonly _refresher: RunRefresher;
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
