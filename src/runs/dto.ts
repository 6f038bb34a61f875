/**
 * JSON shapes of the runs REST routes and of the live run-status event. They mirror the
 * engine's pydantic models in `runnable_jupyter/runlog.py`; paths are relative to the server root.
 * Kept free of imports other than types so the pure logic that uses them is testable with jest.
 */
import type { RunMode, RunStatus, StepStatus } from '../tokens';

export interface IErrorInfo {
  name: string;
  message: string;
  /** As the kernel gave it: with ANSI colour escapes (plain in older run logs). */
  traceback?: string;
  cell_index?: number | null;
  /** The failing cell's first lines as the notebook holds them; newer run logs. */
  cell_source?: string | null;
}

export interface ICatalogAccess {
  name: string;
  sha256: string;
  size: number;
  path?: string;
  time?: string;
}

/** One execution of a step (`Attempt`). */
export interface IStepAttempt {
  number: number;
  status: StepStatus;
  start: string | null;
  end: string | null;
  duration_s: number | null;
  output_notebook: string | null;
  log_file: string | null;
  skipped_cells: number[];
  /** [current cell, number of code cells] while running. */
  cell_progress: [number, number] | null;
  /** When the first code cell started (until then the kernel was starting); newer run logs. */
  kernel_ready?: string | null;
  catalog_reads: ICatalogAccess[];
  catalog_writes: ICatalogAccess[];
  error: IErrorInfo | null;
}

/** A step of a run (`StepRecord`). */
export interface IStepRecord {
  id: string;
  notebook: string;
  status: StepStatus;
  source_sha256?: string | null;
  kernel?: string | null;
  parameters: Record<string, unknown>;
  depends_on: string[];
  attempts: IStepAttempt[];
  /** sha256 of what the step's result depends on besides the catalog (set once run or cached). */
  fingerprint?: string | null;
  /** For a `cached` step: the earlier execution it reused. */
  cached_from?: ICachedFrom | null;
}

/** The execution a cached step reused: its run and that step's attempt number there. */
export interface ICachedFrom {
  run_id: string;
  attempt: number;
}

/** One pass over the run's steps: the first run or a retry (`RunAttempt`). */
export interface IRunAttempt {
  number: number;
  start: string | null;
  end: string | null;
  steps: string[];
}

/** The run log (`RunLog`), as `GET runs/{run_id}` answers. */
export interface IRunLog {
  schema_version: number;
  run_id: string;
  pipeline: string;
  pipeline_sha256: string;
  pipeline_structure: Record<string, string[]>;
  selection: string[];
  mode: RunMode;
  parameters: Record<string, unknown>;
  /** The run reuses unchanged steps (its retries too). */
  skip_unchanged?: boolean;
  status: RunStatus;
  start: string | null;
  end: string | null;
  attempts: IRunAttempt[];
  environment?: Record<string, unknown>;
  catalog_dir: string;
  run_dir: string;
  steps: Record<string, IStepRecord>;
}

/** One entry of `GET runs?pipeline=`. */
export interface IRunSummary {
  run_id: string;
  status: RunStatus;
  start: string | null;
  end: string | null;
  selection: string[];
  mode: RunMode;
  counts: Partial<Record<StepStatus, number>>;
  /** When each attempt ran (the first run, each retry); absent from older servers' answers. */
  attempts?: Omit<IRunAttempt, 'steps'>[];
}

export interface IRunListReply {
  runs: IRunSummary[];
  /** Cursor of the next page (`before=`) when `limit` cut the list; null otherwise. */
  next: string | null;
}

export interface IStartRunRequest {
  pipeline: string;
  steps: string[];
  mode: RunMode;
  parameters: Record<string, unknown>;
  /** Mark steps unchanged since an earlier successful execution `cached` instead of running them. */
  skip_unchanged?: boolean;
}

export interface IStartRunReply {
  run_id: string;
  run: IRunLog;
}

export interface IRetryReply {
  run_id: string;
  attempt: number;
}

export interface IStepLogReply {
  text: string;
  /** Offset to ask for next. */
  offset: number;
  /** True once the step finished and the log will not grow. */
  complete: boolean;
}

/** Schema id of the server's live run-status events (jupyter_events). */
export const RUN_STATUS_SCHEMA_ID =
  'https://events.runnable-jupyter.org/run-status';

/** Data of a run-status event (see docs/architecture.md). */
export interface IRunStatusEvent {
  pipeline: string;
  run_id: string;
  kind: 'run' | 'step' | 'progress';
  step_id: string;
  status: string;
  cell?: number;
  cells?: number;
  error_name?: string;
  error_message?: string;
  /** ISO time of the change, when the server sends it. */
  time?: string;
}
