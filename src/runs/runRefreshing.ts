/**
 * When the run service fetches run logs and listings again: shortly after events (debounced,
 * one fetch at a time per pipeline), every few seconds for runs in progress whose events went
 * quiet (e.g. the event socket dropped), and now and then for the whole history (a fallback:
 * the server sends events for every run, whoever started it).
 */
import { IDisposable } from '@lumino/disposable';
import { Debouncer, Poll } from '@lumino/polling';

import type { IPipelineRuns } from './pipelineRuns';

/** How often the fallback poll refreshes an active run that sent no event meanwhile. */
export const POLL_INTERVAL_MS = 3000;
const REFETCH_DEBOUNCE_MS = 250;
/** How often the history is listed again; it also keeps the server watching the pipeline. */
export const HISTORY_INTERVAL_MS = 60 * 1000;

export interface IRefreshTarget {
  /** Every pipeline the service knows, with its runs. */
  pipelines(): Iterable<[string, IPipelineRuns]>;
  /** Fetch a run's log and update what depends on it. */
  refresh(path: string, runId: string): Promise<void>;
  /** List a pipeline's runs again. */
  relist(path: string, entry: IPipelineRuns): Promise<void>;
}

export class RunRefresher implements IDisposable {
  constructor(private readonly _target: IRefreshTarget) {
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
        max: 5 * 60 * 1000
      },
      standby: () => this._isEmpty() || 'when-hidden',
      name: 'runnable-jupyter:run-history'
    });
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Fetch the pipeline's shown run and its dirty runs again, shortly. */
  markDirty(path: string): void {
    this._dirty.add(path);
    this._refetcher.invoke().catch(() => undefined);
  }

  /** One fetch at a time per pipeline; a request meanwhile triggers one more afterwards. */
  async refetchShown(path: string, entry: IPipelineRuns): Promise<void> {
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
            await this._target.refresh(path, runId).catch(() => undefined);
          }
        }
      } while (entry.refetch);
    } finally {
      entry.fetching = false;
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    // Poll.dispose() leaves the next tick's timer scheduled (up to minutes away, keeping a
    // test process alive); stop() clears it before its first await.
    void this._poll.stop();
    void this._historyPoll.stop();
    this._poll.dispose();
    this._historyPoll.dispose();
    this._refetcher.dispose();
  }

  private async _refetchDirty(): Promise<void> {
    const paths = new Set(this._dirty);
    this._dirty.clear();
    const fetches: Promise<void>[] = [];
    for (const [path, entry] of this._target.pipelines()) {
      if (paths.has(path)) {
        fetches.push(this.refetchShown(path, entry));
      }
    }
    await Promise.all(fetches);
  }

  /** Fallback for missed events: refresh runs in progress that have been quiet for a while. */
  private async _pollActiveRuns(): Promise<void> {
    const quietSince = Date.now() - POLL_INTERVAL_MS;
    const refreshes: Promise<void>[] = [];
    for (const [path, entry] of this._target.pipelines()) {
      if (entry.lastEventMs < quietSince) {
        for (const runId of entry.running) {
          refreshes.push(this._target.refresh(path, runId));
        }
      }
    }
    // A rejection makes the poll back off.
    await Promise.all(refreshes);
  }

  /** Every loaded pipeline's history again. */
  private async _relistHistories(): Promise<void> {
    const listings: Promise<void>[] = [];
    for (const [path, entry] of this._target.pipelines()) {
      if (entry.loading !== null) {
        listings.push(this._target.relist(path, entry));
      }
    }
    await Promise.all(listings);
  }

  private _hasActiveRun(): boolean {
    for (const [, entry] of this._target.pipelines()) {
      if (entry.running.size > 0) {
        return true;
      }
    }
    return false;
  }

  private _isEmpty(): boolean {
    return this._target.pipelines()[Symbol.iterator]().next().done === true;
  }

  private readonly _dirty = new Set<string>();
  private readonly _refetcher: Debouncer<void>;
  private readonly _poll: Poll;
  private readonly _historyPoll: Poll;
  private _isDisposed = false;
}
