/**
 * The state of one pipeline's Jobs view: its jobs, the job picked and that job's runs (their
 * run logs, for parameters and metrics), and the job actions. Lists again every few seconds
 * while a job run is in progress (scheduled runs start on the server without this tab).
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { IRunLog } from '../runs/dto';
import type { IRunFinished, IRunService } from '../tokens';
import { JobsClient } from './client';
import type { ICreateJobRequest, IJob, IJobsListReply } from './dto';
import { IRunRow, runRow } from './runTable';

const BUSY_INTERVAL_MS = 2000;
const IDLE_INTERVAL_MS = 15000;
const UNFINISHED = new Set(['pending', 'running']);

export class JobsModel implements IDisposable {
  constructor(
    readonly pipelinePath: string,
    readonly client: JobsClient,
    runs: IRunService | null
  ) {
    runs?.runFinished.connect(this._onRunFinished, this);
    this._runs = runs;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  get jobs(): ReadonlyArray<IJob> {
    return this._list?.jobs ?? [];
  }
  get invalid(): IJobsListReply['invalid'] {
    return this._list?.invalid ?? [];
  }
  get loaded(): boolean {
    return this._list !== null;
  }
  /** Why the jobs could not be listed, or an action failed. */
  get error(): string | null {
    return this._error;
  }
  get selectedJobId(): string | null {
    return this._selected;
  }
  get selectedJob(): IJob | null {
    return this.jobs.find(job => job.id === this._selected) ?? null;
  }
  /** The picked job's runs, newest first (those whose log could be read). */
  get runRows(): ReadonlyArray<IRunRow> {
    return this._rows;
  }

  select(jobId: string | null): void {
    this._selected = jobId;
    this._rows = [];
    this._changed.emit();
    void this.refresh();
  }

  /** List the jobs (and the picked job's runs) again, then again later. */
  async refresh(): Promise<void> {
    if (this._disposed) {
      return;
    }
    window.clearTimeout(this._timer);
    try {
      this._list = await this.client.list(this.pipelinePath);
      this._error = null;
      if (this._selected && !this.selectedJob) {
        this._selected = null;
        this._rows = [];
      }
      if (this._selected) {
        await this._loadRuns(this._selected);
      }
    } catch (reason) {
      this._error = (reason as Error).message;
    }
    if (this._disposed) {
      return;
    }
    this._changed.emit();
    this._timer = window.setTimeout(
      () => void this.refresh(),
      this._busy() ? BUSY_INTERVAL_MS : IDLE_INTERVAL_MS
    );
  }

  async setPaused(jobId: string, paused: boolean): Promise<void> {
    await this._act(() =>
      this.client.setPaused(this.pipelinePath, jobId, paused)
    );
  }

  async runNow(jobId: string): Promise<void> {
    this._selected = jobId;
    await this._act(() => this.client.run(this.pipelinePath, jobId));
  }

  async remove(jobId: string): Promise<void> {
    await this._act(() => this.client.delete(this.pipelinePath, jobId));
  }

  /** Create a job (the caller shows the server's refusal next to the fields) and pick it. */
  async create(request: ICreateJobRequest): Promise<IJob> {
    const job = await this.client.create(request);
    this._selected = job.id;
    this._rows = [];
    await this.refresh();
    return job;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    window.clearTimeout(this._timer);
    this._runs?.runFinished.disconnect(this._onRunFinished, this);
    Signal.clearData(this);
  }

  private async _act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      this._error = null;
    } catch (reason) {
      this._error = (reason as Error).message;
      this._changed.emit();
    }
    await this.refresh();
  }

  private async _loadRuns(jobId: string): Promise<void> {
    const summaries = await this.client.runs(this.pipelinePath, jobId);
    const logs = await Promise.all(
      summaries.map(async summary => {
        const known = this._logs.get(summary.run_id);
        if (
          known &&
          !UNFINISHED.has(known.status) &&
          known.status === summary.status
        ) {
          return known;
        }
        try {
          const log = await this.client.runLog(summary.run_id);
          this._logs.set(log.run_id, log);
          return log;
        } catch {
          return null; // deleted meanwhile (retention): left out
        }
      })
    );
    if (this._selected === jobId) {
      this._rows = logs
        .filter((log): log is IRunLog => log !== null)
        .map(runRow);
    }
  }

  private _onRunFinished(_: IRunService, finished: IRunFinished): void {
    if (finished.pipelinePath === this.pipelinePath) {
      void this.refresh();
    }
  }

  private _busy(): boolean {
    return (
      this.jobs.some(job => job.job_runs.some(run => run.in_progress)) ||
      this._rows.some(row => UNFINISHED.has(row.status))
    );
  }

  private _changed = new Signal<this, void>(this);
  private _disposed = false;
  private _list: IJobsListReply | null = null;
  private _error: string | null = null;
  private _selected: string | null = null;
  private _rows: IRunRow[] = [];
  private _logs = new Map<string, IRunLog>();
  private _timer = 0;
  private _runs: IRunService | null;
}
