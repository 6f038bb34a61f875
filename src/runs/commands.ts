/**
 * The run commands. Their menu entries and shortcuts are declared in schema/runs.json.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  fastForwardIcon,
  LabIcon,
  refreshIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { RunMode } from '../tokens';
import { CommandIDs } from './commandIds';
import { runPanelIcon } from './icons';
import { RunPanelModel } from './panelModel';

export interface IRunCommandOptions {
  model: RunPanelModel;
  trans: TranslationBundle;
  /** Whether "Run All" asks first (a setting). */
  confirmRunAll(): boolean;
  /** Reveal the run panel. */
  showPanel(): void;
  palette: ICommandPalette | null;
}

/** The icon in menus and toolbars, none in the command palette (JupyterLab's convention). */
function iconOutsidePalette(icon: LabIcon) {
  return (args: ReadonlyPartialJSONObject): LabIcon | undefined =>
    args.isPalette ? undefined : icon;
}

export function addRunCommands(
  app: JupyterFrontEnd,
  options: IRunCommandOptions
): void {
  const { model, trans } = options;
  const { commands } = app;

  const run = async (mode: RunMode): Promise<void> => {
    const runId = await model.run(mode);
    if (runId === null && model.actionError) {
      Notification.error(
        trans.__('The run did not start: %1', model.actionError),
        {
          autoClose: 8000
        }
      );
    } else if (runId === null && model.parametersProblem) {
      options.showPanel();
    }
  };

  const addRunCommand = (
    id: string,
    mode: RunMode,
    label: string,
    caption: string,
    icon = runIcon
  ) => {
    commands.addCommand(id, {
      label,
      caption,
      icon: iconOutsidePalette(icon),
      isEnabled: () => model.canRun(mode),
      execute: () => run(mode)
    });
  };
  addRunCommand(
    CommandIDs.runSelected,
    'only',
    trans.__('Run Selected'),
    trans.__('Run the selected steps only')
  );
  addRunCommand(
    CommandIDs.runSelectedUpstream,
    'upstream',
    trans.__('Run Selected with Upstream'),
    trans.__('Run the selected steps and every step they depend on'),
    fastForwardIcon
  );
  addRunCommand(
    CommandIDs.runSelectedDownstream,
    'downstream',
    trans.__('Run Selected with Downstream'),
    trans.__('Run the selected steps and every step that depends on them'),
    fastForwardIcon
  );

  commands.addCommand(CommandIDs.runAll, {
    label: trans.__('Run All'),
    caption: trans.__('Run every step of the pipeline'),
    icon: iconOutsidePalette(fastForwardIcon),
    isEnabled: () => model.canRun('all'),
    execute: async () => {
      if (options.confirmRunAll()) {
        const answer = await showDialog({
          title: trans.__('Run All Steps?'),
          body: trans.__(
            'Run all %1 steps of %2?',
            model.editor?.steps.length ?? 0,
            model.pipelinePath ?? ''
          ),
          buttons: [
            Dialog.cancelButton({ label: trans.__('Cancel') }),
            Dialog.okButton({ label: trans.__('Run All') })
          ]
        });
        if (!answer.button.accept) {
          return;
        }
      }
      await run('all');
    }
  });

  commands.addCommand(CommandIDs.cancelRun, {
    label: trans.__('Cancel Run'),
    caption: trans.__(
      'Stop the run in progress: running steps are stopped, pending ones dropped'
    ),
    icon: iconOutsidePalette(stopIcon),
    isEnabled: () => model.canCancel(),
    execute: () => model.cancel()
  });

  commands.addCommand(CommandIDs.retryRun, {
    label: trans.__('Retry'),
    caption: trans.__(
      'Run the failed and cancelled steps of the shown run again'
    ),
    icon: iconOutsidePalette(refreshIcon),
    isEnabled: () => model.canRetry(),
    execute: () => model.retry()
  });

  commands.addCommand(CommandIDs.showRunPanel, {
    label: trans.__('Show Pipeline Runs'),
    caption: trans.__('Show the run panel of the active pipeline'),
    icon: iconOutsidePalette(runPanelIcon),
    execute: () => options.showPanel()
  });

  const stateful = [
    CommandIDs.runSelected,
    CommandIDs.runSelectedUpstream,
    CommandIDs.runSelectedDownstream,
    CommandIDs.runAll,
    CommandIDs.cancelRun,
    CommandIDs.retryRun
  ];
  // Menus and palette re-read isEnabled whenever the panel's state changes.
  model.changed.connect(() =>
    stateful.forEach(id => commands.notifyCommandChanged(id))
  );

  const category = trans.__('Pipeline');
  for (const command of [...stateful, CommandIDs.showRunPanel]) {
    options.palette?.addItem({ command, category });
  }
}
