/**
 * Typed REST client of the runs routes (`/runnable-jupyter/api/runs...`).
 */
import { ApiClient } from '../api';
import type { IParametersReply } from '../jobs/dto';
import {
  IRetryReply,
  IRunListReply,
  IRunLog,
  IRunSummary,
  IStartRunReply,
  IStartRunRequest,
  IStepLogReply
} from './dto';

export * from './dto';

export class RunsClient extends ApiClient {
  /** Start a run; the server answers at once (202) with the new run's log. */
  start(request: IStartRunRequest): Promise<IStartRunReply> {
    return this._request<IStartRunReply>('runs', 'POST', request);
  }

  /** The pipeline's runs, newest first. */
  async list(pipeline: string): Promise<IRunSummary[]> {
    const reply = await this._request<IRunListReply>(
      `runs?pipeline=${encodeURIComponent(pipeline)}`
    );
    return reply.runs;
  }

  get(runId: string): Promise<IRunLog> {
    return this._request<IRunLog>(runPath(runId));
  }

  /** The step's output from `offset` on (stdout/stderr as it happens). */
  stepLog(
    runId: string,
    stepId: string,
    offset: number
  ): Promise<IStepLogReply> {
    return this._request<IStepLogReply>(
      `${runPath(runId)}/steps/${encodeURIComponent(stepId)}/log?offset=${offset}`
    );
  }

  /** The parameters the pipeline's notebooks declare, typed (`GET parameters`). */
  parameters(pipeline: string): Promise<IParametersReply> {
    return this._request<IParametersReply>(
      `parameters?${new URLSearchParams({ pipeline })}`
    );
  }

  async cancel(runId: string): Promise<void> {
    await this._request(`${runPath(runId)}/cancel`, 'POST');
  }

  retry(runId: string, force = false): Promise<IRetryReply> {
    return this._request<IRetryReply>(`${runPath(runId)}/retry`, 'POST', {
      force
    });
  }
}

function runPath(runId: string): string {
  return `runs/${encodeURIComponent(runId)}`;
}
