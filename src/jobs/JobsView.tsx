/**
 * The Jobs view of one pipeline: its jobs (with their actions), the picked job's runs, and the
 * New Job dialog. A ReactWidget over `JobsModel`; what it opens elsewhere (a run in the run
 * panel, the compare view, a CSV file) goes through `IJobsViewHost`.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { JobsClient } from './client';
import { JobList } from './JobList';
import { JobRuns } from './JobRuns';
import type { JobsModel } from './jobsModel';
import { NewJobDialog } from './NewJobDialog';

/** What the view asks of JupyterLab. */
export interface IJobsViewHost {
  openRun(pipelinePath: string, runId: string): void;
  compare(pipelinePath: string, runIds: string[]): void;
  exportCsv(
    pipelinePath: string,
    jobId: string,
    header: string[],
    rows: unknown[][]
  ): void;
  confirmDelete(jobId: string): Promise<boolean>;
  loadSteps(pipelinePath: string): Promise<string[]>;
}

function JobsViewContent(props: {
  model: JobsModel;
  client: JobsClient;
  host: IJobsViewHost;
  creating: boolean;
  onCreating(open: boolean): void;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, host, trans } = props;
  const path = model.pipelinePath;
  const job = model.selectedJob;
  return (
    <div className="jp-runnable-jobs">
      <div className="jp-runnable-jobs-toolbar">
        <button
          className="jp-mod-styled jp-mod-accept jp-runnable-jobs-new"
          onClick={() => props.onCreating(true)}
        >
          {trans.__('New Job…')}
        </button>
        <span className="jp-runnable-jobs-pipeline" title={path}>
          {path}
        </span>
      </div>
      {model.error && (
        <div className="jp-runnable-run-error" role="alert">
          {model.error}
        </div>
      )}
      {!model.loaded && !model.error ? (
        <p>{trans.__('Loading the jobs…')}</p>
      ) : (
        <JobList
          jobs={model.jobs}
          selectedJobId={model.selectedJobId}
          actions={{
            select: jobId => model.select(jobId),
            runNow: jobId => void model.runNow(jobId),
            setPaused: (jobId, paused) => void model.setPaused(jobId, paused),
            remove: jobId =>
              void host
                .confirmDelete(jobId)
                .then(yes => (yes ? model.remove(jobId) : undefined))
          }}
          trans={trans}
        />
      )}
      {model.invalid.map(invalid => (
        <div className="jp-runnable-jobs-invalid" key={invalid.id} role="alert">
          {trans.__('%1 is not a valid job and never runs:', invalid.file)}
          <ul>
            {invalid.problems.map(problem => (
              <li key={problem.pointer + problem.message}>
                {problem.pointer ? `${problem.pointer}: ` : ''}
                {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {job && (
        <JobRuns
          key={job.id}
          jobId={job.id}
          gridNames={job.grid_names}
          rows={model.runRows}
          onOpenRun={runId => host.openRun(path, runId)}
          onCompare={runIds => host.compare(path, runIds)}
          onExport={(header, rows) =>
            host.exportCsv(path, job.id, header, rows)
          }
          trans={trans}
        />
      )}
      {props.creating && (
        <NewJobDialog
          model={model}
          client={props.client}
          loadSteps={() => host.loadSteps(path)}
          onClose={() => props.onCreating(false)}
          trans={trans}
        />
      )}
    </div>
  );
}

export class JobsView extends ReactWidget {
  constructor(private readonly _options: JobsView.IOptions) {
    super();
    this.addClass('jp-runnable-jobs-view');
  }

  get model(): JobsModel {
    return this._options.model;
  }

  dispose(): void {
    this._options.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._options.model.changed}>
        {() => (
          <JobsViewContent
            {...this._options}
            creating={this._creating}
            onCreating={open => {
              this._creating = open;
              this.update();
            }}
          />
        )}
      </UseSignal>
    );
  }

  private _creating = false;
}

export namespace JobsView {
  export interface IOptions {
    model: JobsModel;
    client: JobsClient;
    host: IJobsViewHost;
    trans: TranslationBundle;
  }
}
