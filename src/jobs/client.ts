/**
 * Typed REST client of the jobs routes and what the Jobs view reads besides them (declared
 * parameters, schedule previews, a job's runs, run logs, comparisons).
 */
import { ApiClient } from '../api';
import type { IRunListReply, IRunLog, IRunSummary } from '../runs/dto';
import {
  IComparison,
  ICreateJobRequest,
  IJob,
  IJobRunReply,
  IJobsListReply,
  IParametersReply,
  ISchedulePreview
} from './dto';

/** A run summary with the job link `GET runs?job=` adds. */
export interface IJobRunSummary extends IRunSummary {
  job?: {
    id: string;
    job_run: string;
    grid_point: Record<string, unknown>;
    due?: string | null;
  } | null;
}

export class JobsClient extends ApiClient {
  list(pipeline: string): Promise<IJobsListReply> {
    return this._request(`jobs?${new URLSearchParams({ pipeline })}`);
  }

  create(request: ICreateJobRequest): Promise<IJob> {
    return this._request('jobs', 'POST', request);
  }

  setPaused(pipeline: string, job: string, paused: boolean): Promise<IJob> {
    return this._request(jobPath(pipeline, job), 'PATCH', { paused });
  }

  delete(pipeline: string, job: string): Promise<unknown> {
    return this._request(jobPath(pipeline, job), 'DELETE');
  }

  run(pipeline: string, job: string): Promise<IJobRunReply> {
    return this._request(jobPath(pipeline, job, '/run'), 'POST');
  }

  /** The job's runs, newest first. */
  async runs(pipeline: string, job: string): Promise<IJobRunSummary[]> {
    const reply = await this._request<IRunListReply>(
      `runs?${new URLSearchParams({ pipeline, job })}`
    );
    return reply.runs as IJobRunSummary[];
  }

  runLog(runId: string): Promise<IRunLog> {
    return this._request(`runs/${encodeURIComponent(runId)}`);
  }

  parameters(pipeline: string): Promise<IParametersReply> {
    return this._request(`parameters?${new URLSearchParams({ pipeline })}`);
  }

  schedulePreview(cron: string, timezone: string): Promise<ISchedulePreview> {
    return this._request(`schedule?${new URLSearchParams({ cron, timezone })}`);
  }

  compare(
    pipeline: string,
    runIds: ReadonlyArray<string>
  ): Promise<IComparison> {
    const query = new URLSearchParams({ pipeline });
    runIds.forEach(runId => query.append('run', runId));
    return this._request(`compare?${query}`);
  }
}

function jobPath(pipeline: string, job: string, suffix = ''): string {
  return `jobs/${encodeURIComponent(job)}${suffix}?${new URLSearchParams({ pipeline })}`;
}
