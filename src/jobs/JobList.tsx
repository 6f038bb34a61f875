/**
 * The pipeline's jobs: schedule in words, next run, paused state, the last job run's outcome,
 * and the actions run now, pause/resume and delete. Picking a job shows its runs below.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IJob, IJobRunRecord } from './dto';
import { describeSchedule } from './scheduleText';

export interface IJobActions {
  select(jobId: string): void;
  runNow(jobId: string): void;
  setPaused(jobId: string, paused: boolean): void;
  remove(jobId: string): void;
}

function outcomeText(
  run: IJobRunRecord | undefined,
  trans: TranslationBundle
): string {
  if (!run) {
    return trans.__('never run');
  }
  if (run.error) {
    return trans.__('could not start: %1', run.error);
  }
  const counts = run.counts;
  const done =
    (counts.succeeded ?? 0) +
    (counts.failed ?? 0) +
    (counts.cancelled ?? 0) +
    (counts.interrupted ?? 0);
  const parts = [
    counts.succeeded ? trans.__('%1 succeeded', counts.succeeded) : '',
    counts.failed ? trans.__('%1 failed', counts.failed) : '',
    counts.cancelled ? trans.__('%1 cancelled', counts.cancelled) : '',
    counts.interrupted ? trans.__('%1 interrupted', counts.interrupted) : ''
  ].filter(Boolean);
  if (run.in_progress) {
    return trans.__('running: %1 of %2 runs done', done, run.points);
  }
  return parts.join(', ') || trans.__('no runs');
}

function outcomeStatus(run: IJobRunRecord | undefined): string {
  if (!run) {
    return 'none';
  }
  if (run.in_progress) {
    return 'running';
  }
  return run.error || run.counts.failed || run.counts.interrupted
    ? 'failed'
    : 'succeeded';
}

/** The next run as wall time in the job's time zone (the zone the cron is read in). */
function nextRunText(job: IJob): string {
  const zone = job.definition.schedule?.timezone;
  if (!job.next_run || !zone) {
    return '—';
  }
  try {
    const when = new Date(job.next_run).toLocaleString(undefined, {
      timeZone: zone,
      dateStyle: 'medium',
      timeStyle: 'short'
    });
    return `${when} (${zone})`;
  } catch {
    return new Date(job.next_run).toLocaleString(); // a zone this browser does not know
  }
}

function scheduleText(job: IJob, trans: TranslationBundle): string {
  const schedule = job.definition.schedule;
  if (!schedule) {
    return trans.__('on demand');
  }
  return (
    describeSchedule(schedule.cron, schedule.timezone) ??
    `${schedule.cron} (${schedule.timezone})`
  );
}

export function JobList(props: {
  jobs: ReadonlyArray<IJob>;
  selectedJobId: string | null;
  actions: IJobActions;
  trans: TranslationBundle;
}): JSX.Element {
  const { jobs, actions, trans } = props;
  if (jobs.length === 0) {
    return (
      <p className="jp-runnable-jobs-empty">
        {trans.__(
          'No jobs yet: a job runs the pipeline for each point of a parameter grid, now or on a schedule. Create one with New Job….'
        )}
      </p>
    );
  }
  return (
    <table className="jp-runnable-jobs-table">
      <thead>
        <tr>
          <th>{trans.__('Job')}</th>
          <th>{trans.__('Runs')}</th>
          <th>{trans.__('Schedule')}</th>
          <th>{trans.__('Next run')}</th>
          <th>{trans.__('Last job run')}</th>
          <th>{trans.__('Actions')}</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map(job => {
          const last = job.job_runs[0];
          const running = last?.in_progress ?? false;
          return (
            <tr
              key={job.id}
              data-job-id={job.id}
              className={
                job.id === props.selectedJobId ? 'jp-mod-selected' : undefined
              }
              onClick={() => actions.select(job.id)}
            >
              <td className="jp-runnable-jobs-name" title={job.file}>
                {job.id}
                {job.paused && (
                  <span className="jp-runnable-jobs-paused">
                    {trans.__('paused')}
                  </span>
                )}
              </td>
              <td>{trans._n('%1 run', '%1 runs', job.grid_size)}</td>
              <td className="jp-runnable-jobs-schedule">
                {scheduleText(job, trans)}
              </td>
              <td>{nextRunText(job)}</td>
              <td
                className="jp-runnable-jobs-outcome"
                data-status={outcomeStatus(last)}
                title={last?.id ?? ''}
              >
                {outcomeText(last, trans)}
              </td>
              <td
                className="jp-runnable-jobs-actions"
                onClick={event => event.stopPropagation()}
              >
                <button
                  className="jp-runnable-link-button"
                  data-action="run"
                  disabled={running}
                  onClick={() => actions.runNow(job.id)}
                >
                  {trans.__('Run now')}
                </button>
                <button
                  className="jp-runnable-link-button"
                  data-action={job.paused ? 'resume' : 'pause'}
                  onClick={() => actions.setPaused(job.id, !job.paused)}
                >
                  {job.paused ? trans.__('Resume') : trans.__('Pause')}
                </button>
                <button
                  className="jp-runnable-link-button"
                  data-action="delete"
                  onClick={() => actions.remove(job.id)}
                >
                  {trans.__('Delete')}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
