/**
 * JSON shapes of the jobs REST routes (`jobs`, `jobs/{id}`, `parameters`, `schedule`,
 * `compare`), as `runnable_jupyter/openapi.yaml` describes them. Types only: testable with jest.
 */
import type { RunMode, RunStatus, StepStatus } from '../tokens';

export type MissedPolicy = 'skip' | 'run_once';

export interface IJobSchedule {
  cron: string;
  timezone: string;
  missed: MissedPolicy;
}

/** A grid as written: parameter sets, or value lists whose product is the grid. */
export type JobGrid = Record<string, unknown>[] | Record<string, unknown[]>;

/** A job file's fields, defaults filled in. */
export interface IJobDefinition {
  version: number;
  description: string;
  steps: string[];
  mode: RunMode;
  parameters: Record<string, unknown>;
  grid: JobGrid | null;
  schedule: IJobSchedule | null;
  paused: boolean;
  skip_unchanged: boolean;
  max_parallel_runs: number | null;
}

/** One job run (a firing or a "run now": one run per grid point). */
export interface IJobRunRecord {
  id: string;
  trigger: string;
  due: string | null;
  missed: boolean;
  start: string;
  points: number;
  host?: string;
  error?: string | null;
  in_progress: boolean;
  /** Its runs by status. */
  counts: Partial<Record<RunStatus, number>>;
}

export interface IJob {
  id: string;
  pipeline: string;
  file: string;
  definition: IJobDefinition;
  grid_size: number;
  grid_names: string[];
  paused: boolean;
  /** ISO (UTC) time of the next scheduled run; null without a schedule or when paused. */
  next_run: string | null;
  since: string | null;
  last_due: string | null;
  /** Newest first. */
  job_runs: IJobRunRecord[];
}

export interface IJobProblem {
  pointer: string;
  step: string | null;
  message: string;
}

export interface IJobsListReply {
  jobs: IJob[];
  invalid: { id: string; file: string; problems: IJobProblem[] }[];
}

/** `POST jobs`: the fields a job is created with (left out: the defaults). */
export interface ICreateJobRequest {
  pipeline: string;
  name: string;
  steps?: string[];
  mode?: RunMode;
  parameters?: Record<string, unknown>;
  grid?: JobGrid;
  schedule?: IJobSchedule;
}

export interface IJobRunReply {
  job_run: string;
  id: string;
  points: number;
  limit: number;
  runs: { run_id: string; grid_point: Record<string, unknown> }[];
}

/** A parameter's type as `GET parameters` infers it. */
export type ParameterType =
  'int' | 'float' | 'bool' | 'str' | 'list' | 'dict' | 'any';

export interface IDeclaredParameter {
  name: string;
  type: ParameterType;
  /** What a run gets without overrides; null when the notebook's default is an expression. */
  default: unknown;
  default_text: string;
  help: string;
  steps: string[];
}

export interface IParametersReply {
  pipeline: string;
  parameters: IDeclaredParameter[];
  problems: { step: string; message: string }[];
}

export interface ISchedulePreview {
  cron: string;
  timezone: string;
  /** ISO times in the schedule's time zone (with its offset). */
  next: string[];
}

/** `GET compare`: what differs between runs. */
export interface IComparison {
  runs: {
    run_id: string;
    status: RunStatus;
    start: string | null;
    duration_s: number | null;
    parameters: Record<string, unknown>;
    rerun_of?: string | null;
  }[];
  /** name -> run id -> value, only names whose value differs. */
  parameters: Record<string, Record<string, unknown>>;
  step_parameters: Record<string, Record<string, unknown>>;
  /** "step.name" -> run id -> last value and points on its curve. */
  metrics: Record<string, Record<string, { value: number; points: number }>>;
  /** step id -> run id -> status and total duration. */
  steps: Record<
    string,
    Record<string, { status: StepStatus; duration_s: number | null }>
  >;
  /** entry name -> run id -> sha256 written, only entries whose content differs. */
  catalog: Record<string, Record<string, string>>;
}
