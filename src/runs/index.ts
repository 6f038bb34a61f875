/**
 * `runnable-jupyter:runs`: the run service (IRunService: runs and live step states from the
 * server's events) and the run panel with the run commands.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import {
  INotebookWidgetFactory,
  NotebookWidgetFactory
} from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { IPipelineEditorTracker, IRunService } from '../tokens';
import { addRunCommands } from './commands';
import { RunPanel } from './panel/RunPanel';
import { RunPanelModel } from './panelModel';
import { notifyFinishedRuns } from './runNotifications';
import { RunService } from './runService';
import { StatusAnnouncer } from './statusAnnouncer';
import { createStepActions } from './stepActions';

const PLUGIN_ID = 'runnable-jupyter:runs';

const runsPlugin: JupyterFrontEndPlugin<IRunService> = {
  id: PLUGIN_ID,
  description:
    'runnable-jupyter: runs pipelines on the server, follows their live status, and shows the run panel.',
  autoStart: true,
  provides: IRunService,
  optional: [
    IPipelineEditorTracker,
    ISettingRegistry,
    ICommandPalette,
    ILayoutRestorer,
    ILabShell,
    ITranslator,
    INotebookWidgetFactory
  ],
  activate: (
    app: JupyterFrontEnd,
    editors: IPipelineEditorTracker | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    labShell: ILabShell | null,
    translator: ITranslator | null,
    notebookFactory: NotebookWidgetFactory.IFactory | null
  ): IRunService => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    const service = new RunService({ events: app.serviceManager.events });
    const model = new RunPanelModel(service, editors);

    let confirmRunAll = true;
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => {
            confirmRunAll = settings.get('confirmRunAll').composite !== false;
            model.skipUnchanged =
              settings.get('skipUnchanged').composite === true;
          };
          apply();
          settings.changed.connect(apply);
          // The panel's checkbox persists as the setting (and the Settings Editor shows it).
          model.skipUnchangedChanged.connect((_, value) => {
            if ((settings.get('skipUnchanged').composite === true) !== value) {
              settings
                .set('skipUnchanged', value)
                .catch(reason =>
                  console.error(
                    'runnable-jupyter: could not save skipUnchanged',
                    reason
                  )
                );
            }
          });
        })
        .catch(reason =>
          console.error(
            `runnable-jupyter: could not load the ${PLUGIN_ID} settings`,
            reason
          )
        );
    }

    const panel = new RunPanel({
      model,
      commands: app.commands,
      actions: createStepActions(app, model, trans, {
        // The factory's renderers and editor settings draw outputs read-only.
        notebookFactory:
          notebookFactory instanceof NotebookWidgetFactory
            ? notebookFactory
            : null,
        translator
      }),
      trans
    });
    app.shell.add(panel, 'right', { rank: 600 });
    restorer?.add(panel, panel.id);
    // Run status reaches screen readers with the panel closed too: the region is the page's.
    new StatusAnnouncer(model, trans);

    const showPanel = () => {
      if (labShell && panel.isHidden) {
        labShell.expandRight();
      }
      app.shell.activateById(panel.id);
    };
    addRunCommands(app, {
      model,
      trans,
      confirmRunAll: () => confirmRunAll,
      showPanel,
      palette
    });
    notifyFinishedRuns(service, {
      trans,
      openRun: async (pipelinePath, runId) => {
        await app.commands.execute('docmanager:open', { path: pipelinePath });
        showPanel();
        await service.showRun(pipelinePath, runId);
      }
    });
    return service;
  }
};

/** The plugins of this part. */
export const runPlugins: JupyterFrontEndPlugin<any>[] = [runsPlugin];
