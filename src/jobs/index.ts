/**
 * `runnable-jupyter:jobs`: the Jobs view of a pipeline (`runnable-jupyter:open-jobs`, "Open
 * Pipeline Jobs": the run panel's header, the Run menu, the graph's context menu, the palette;
 * schema/jobs.json) and the compare view of two or more runs (`runnable-jupyter:compare-runs`,
 * from a job's runs table and the run panel's history).
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  Notification,
  showDialog,
  WidgetTracker
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';

import {
  commandPath,
  hasCommandPath,
  offerViewCommand,
  openInMain,
  pipelineView
} from '../components/mainArea';
import { IPipelineEditorTracker, IRunService } from '../tokens';
import { JobsClient } from './client';
import { CompareView } from './CompareView';
import { toCsv } from './csv';
import { JobsModel } from './jobsModel';
import { IJobsViewHost, JobsView } from './JobsView';

export const OPEN_JOBS = 'runnable-jupyter:open-jobs';
export const COMPARE_RUNS = 'runnable-jupyter:compare-runs';
const SHOW_RUN_PANEL = 'runnable-jupyter:show-run-panel';

/** A clock over a grid of points (theme-coloured via jp-icon3). */
export const jobsIcon = new LabIcon({
  name: 'runnable-jupyter:jobs',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm-1 3v6l5 3 1-1.7-4-2.3V7z"/>
  </g>
</svg>`
});

/** The CSV of a job's runs: next to the pipeline, `PIPELINE_NAME.JOB.runs.csv`. */
export function csvPath(pipelinePath: string, jobId: string): string {
  const base = PathExt.basename(pipelinePath).replace(/\.pipeline\.json$/, '');
  return PathExt.join(
    PathExt.dirname(pipelinePath),
    `${base}.${jobId}.runs.csv`
  );
}

type JobsWidget = MainAreaWidget<JobsView>;

const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'runnable-jupyter:jobs',
  description:
    'runnable-jupyter: jobs of a pipeline (parameter sweeps, schedules), their runs, metrics and comparisons.',
  autoStart: true,
  optional: [
    IPipelineEditorTracker,
    IRunService,
    ICommandPalette,
    ILayoutRestorer,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    editors: IPipelineEditorTracker | null,
    runs: IRunService | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    const client = new JobsClient();
    const tracker = new WidgetTracker<JobsWidget>({
      namespace: 'runnable-jobs'
    });
    const contents = app.serviceManager.contents;

    const openRun = async (path: string, runId: string) => {
      await app.commands.execute('docmanager:open', { path });
      await runs?.showRun(path, runId);
      if (app.commands.hasCommand(SHOW_RUN_PANEL)) {
        await app.commands.execute(SHOW_RUN_PANEL);
      }
    };

    const host: IJobsViewHost = {
      openRun: (path, runId) =>
        void openRun(path, runId).catch(reason =>
          Notification.error(
            trans.__(
              'Could not open run %1: %2',
              runId,
              (reason as Error).message
            )
          )
        ),
      compare: (path, runIds) =>
        void app.commands.execute(COMPARE_RUNS, { path, runIds }),
      exportCsv: (path, jobId, header, rows) => {
        const target = csvPath(path, jobId);
        contents
          .save(target, {
            type: 'file',
            format: 'text',
            content: toCsv(header, rows)
          })
          .then(() =>
            Notification.success(
              trans.__('Wrote %1 (%2 runs)', target, rows.length),
              {
                autoClose: 5000,
                actions: [
                  {
                    label: trans.__('Open'),
                    callback: () =>
                      void app.commands.execute('docmanager:open', {
                        path: target
                      })
                  }
                ]
              }
            )
          )
          .catch(reason =>
            Notification.error(
              trans.__(
                'Could not write %1: %2',
                target,
                (reason as Error).message
              )
            )
          );
      },
      confirmDelete: async jobId => {
        const answer = await showDialog({
          title: trans.__('Delete job %1?', jobId),
          body: trans.__(
            'Its job file and schedule are deleted; the runs it made stay in the history.'
          ),
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({ label: trans.__('Delete') })
          ]
        });
        return answer.button.accept;
      },
      loadSteps: async path => {
        const model = await contents.get(path, {
          type: 'file',
          format: 'text',
          content: true
        });
        const document = JSON.parse(String(model.content));
        return Array.isArray(document?.steps)
          ? document.steps.map((step: { id?: unknown }) =>
              String(step?.id ?? '')
            )
          : [];
      }
    };

    const create = (path: string): JobsWidget => {
      const model = new JobsModel(path, client, runs);
      const widget = pipelineView(
        new JobsView({ model, client, host, trans }),
        {
          kind: 'jobs',
          path,
          label: trans.__('Jobs: %1', PathExt.basename(path)),
          caption: trans.__('Jobs of %1', path),
          icon: jobsIcon,
          refresh: {
            tooltip: trans.__('Refresh the jobs'),
            onClick: () => void model.refresh()
          }
        }
      );
      void model.refresh();
      return widget;
    };

    app.commands.addCommand(OPEN_JOBS, {
      label: trans.__('Open Pipeline Jobs'),
      caption: trans.__(
        "Show the pipeline's jobs (parameter sweeps and schedules), create one, and see their runs and metrics"
      ),
      icon: args => (args.isPalette ? undefined : jobsIcon),
      isEnabled: args => hasCommandPath(args, editors),
      execute: async args => {
        const path = commandPath(args, editors);
        if (!path) {
          return;
        }
        return openInMain(app, {
          tracker,
          matches: open => open.content.model.pipelinePath === path,
          create: () => create(path),
          reopened: open => void open.content.model.refresh()
        });
      }
    });

    app.commands.addCommand(COMPARE_RUNS, {
      label: args =>
        Array.isArray(args.runIds)
          ? trans.__('Compare %1 Runs', args.runIds.length)
          : trans.__('Compare Runs'),
      caption: trans.__(
        'Compare runs: the parameters that differ, metrics, status, step durations and catalog entries whose content differs'
      ),
      isEnabled: args => Array.isArray(args.runIds) && args.runIds.length >= 2,
      execute: args => {
        const path = commandPath(args, editors);
        const runIds = (args.runIds as unknown[]).map(String);
        const content = new CompareView({
          pipelinePath: path,
          runIds,
          client,
          onOpenRun: runId => host.openRun(path, runId),
          trans
        });
        const widget = new MainAreaWidget({ content });
        widget.id = `jp-runnable-compare-${Date.now()}`;
        widget.addClass('jp-runnable-compare-panel');
        widget.title.label = trans.__('Compare %1 runs', runIds.length);
        widget.title.caption = trans.__('%1: %2', path, runIds.join(', '));
        widget.title.icon = jobsIcon;
        widget.title.closable = true;
        app.shell.add(widget, 'main', { mode: 'tab-after' });
        app.shell.activateById(widget.id);
        return widget;
      }
    });

    offerViewCommand(app, {
      command: OPEN_JOBS,
      tracker,
      pathOf: widget => widget.content.model.pipelinePath,
      editors,
      palette,
      restorer,
      trans
    });
  }
};

/** The plugins of this part. */
export const jobPlugins: JupyterFrontEndPlugin<any>[] = [jobsPlugin];
