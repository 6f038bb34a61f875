/**
 * The editor's commands. Their menus, context menus, toolbar entries and shortcuts are declared
 * in schema/editor.json.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  deleteIcon,
  fileIcon,
  redoIcon,
  undoIcon
} from '@jupyterlab/ui-components';
import { LabIcon } from '@jupyterlab/ui-components';

import { IPipelineEditorTracker } from '../tokens';
import { addToPipeline, createPipelineFile } from './addToPipeline';
import { joinPath, removeElements } from './graphOps';
import { pipelineIcon } from './icons';
import { FACTORY_NAME, PipelineEditor } from './widget';

export namespace CommandIDs {
  export const createPipeline = 'runnable-jupyter:create-pipeline';
  export const addToPipeline = 'runnable-jupyter:add-to-pipeline';
  export const autoLayout = 'runnable-jupyter:auto-layout';
  export const fitView = 'runnable-jupyter:fit-view';
  export const deleteSelection = 'runnable-jupyter:delete-selection';
  export const openStepNotebook = 'runnable-jupyter:open-step-notebook';
  export const undo = 'runnable-jupyter:undo-pipeline-edit';
  export const redo = 'runnable-jupyter:redo-pipeline-edit';
}

const layoutIcon = new LabIcon({
  name: 'runnable-jupyter:auto-layout',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><rect x="2" y="9" width="5" height="6" rx="1"/><rect x="10" y="3" width="5" height="6" rx="1"/><rect x="10" y="15" width="5" height="6" rx="1"/><rect x="18" y="9" width="4" height="6" rx="1"/></g></svg>'
});

const fitIcon = new LabIcon({
  name: 'runnable-jupyter:fit-view',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><path class="jp-icon3" fill="#616161" d="M3 3h7v2H5v5H3zm11 0h7v7h-2V5h-5zM3 14h2v5h5v2H3zm16 0h2v7h-7v-2h5z"/></svg>'
});

export interface ICommandDeps {
  app: JupyterFrontEnd;
  tracker: IPipelineEditorTracker;
  docManager: IDocumentManager;
  browser: IDefaultFileBrowser | null;
  trans: TranslationBundle;
}

/** The editor the command acts on: the current (or most recently focused) one. */
function currentEditor(tracker: IPipelineEditorTracker): PipelineEditor | null {
  return tracker.currentWidget as PipelineEditor | null;
}

function selectedNotebooks(browser: IDefaultFileBrowser | null): string[] {
  if (!browser) {
    return [];
  }
  return Array.from(browser.selectedItems())
    .filter(item => item.type === 'notebook' || item.path.endsWith('.ipynb'))
    .map(item => item.path);
}

/** Open a step's notebook (resolved against the pipeline's folder). */
export function openStepNotebook(
  docManager: IDocumentManager,
  editor: PipelineEditor,
  stepId: string
): void {
  const step = editor.model.document?.steps.find(s => s.id === stepId);
  if (step) {
    docManager.openOrReveal(joinPath(editor.model.pipelineDir, step.notebook));
  }
}

export function registerCommands(deps: ICommandDeps): void {
  const { app, tracker, docManager, browser, trans } = deps;
  const { commands } = app;
  const hasEditor = () => currentEditor(tracker) !== null;
  const editable = () =>
    currentEditor(tracker)?.model.document !== null && hasEditor();

  commands.addCommand(CommandIDs.createPipeline, {
    label: args =>
      args.isLauncher || args.isMenu
        ? trans.__('Pipeline')
        : trans.__('New Pipeline'),
    caption: trans.__(
      'Create an empty pipeline file (*.pipeline.json) and open it'
    ),
    icon: args => (args.isPalette ? undefined : pipelineIcon),
    execute: async args => {
      const folder = (args.cwd as string) ?? browser?.model.path ?? '';
      const path = await createPipelineFile(
        app.serviceManager.contents,
        folder
      );
      return docManager.openOrReveal(path, FACTORY_NAME);
    }
  });

  commands.addCommand(CommandIDs.addToPipeline, {
    label: trans.__('Add to Pipeline'),
    caption: trans.__(
      'Add the selected notebooks as steps of the active pipeline'
    ),
    icon: addIcon,
    isEnabled: () => selectedNotebooks(browser).length > 0,
    execute: args =>
      addToPipeline({
        notebooks: (args.paths as string[]) ?? selectedNotebooks(browser),
        tracker,
        docManager,
        contents: app.serviceManager.contents,
        trans,
        activate: widget => app.shell.activateById(widget.id)
      })
  });

  commands.addCommand(CommandIDs.autoLayout, {
    label: trans.__('Auto Layout'),
    caption: trans.__('Arrange the steps automatically'),
    icon: layoutIcon,
    isEnabled: editable,
    execute: () => currentEditor(tracker)?.model.autoLayout()
  });

  commands.addCommand(CommandIDs.fitView, {
    label: trans.__('Fit Pipeline to View'),
    caption: trans.__('Zoom so that every step is visible'),
    icon: fitIcon,
    isEnabled: editable,
    execute: () => currentEditor(tracker)?.model.requestFitView()
  });

  commands.addCommand(CommandIDs.deleteSelection, {
    label: trans.__('Delete Selected Steps'),
    caption: trans.__('Remove the selected steps and their dependencies'),
    icon: deleteIcon,
    isEnabled: () =>
      editable() && (currentEditor(tracker)?.selection.length ?? 0) > 0,
    execute: () => {
      const editor = currentEditor(tracker);
      const selection = editor?.selection ?? [];
      editor?.model.apply(document => removeElements(document, selection));
    }
  });

  commands.addCommand(CommandIDs.openStepNotebook, {
    label: trans.__('Open Step Notebook'),
    caption: trans.__("Open the selected step's notebook"),
    icon: fileIcon,
    isEnabled: () => (currentEditor(tracker)?.selection.length ?? 0) > 0,
    execute: args => {
      const editor = currentEditor(tracker);
      if (!editor) {
        return;
      }
      // From the context menu: the node under the mouse; else the selection.
      const hit = app.contextMenuHitTest(node => !!node.dataset.stepId);
      const ids = (args.stepId as string | undefined)
        ? [args.stepId as string]
        : hit
          ? [hit.dataset.stepId!]
          : editor.selection;
      ids.forEach(id => openStepNotebook(docManager, editor, id));
    }
  });

  commands.addCommand(CommandIDs.undo, {
    label: trans.__('Undo Pipeline Edit'),
    caption: trans.__('Undo the last change to the pipeline'),
    icon: undoIcon,
    isEnabled: () => currentEditor(tracker)?.model.canUndo ?? false,
    execute: () => currentEditor(tracker)?.model.undo()
  });

  commands.addCommand(CommandIDs.redo, {
    label: trans.__('Redo Pipeline Edit'),
    caption: trans.__('Redo the last undone change to the pipeline'),
    icon: redoIcon,
    isEnabled: () => currentEditor(tracker)?.model.canRedo ?? false,
    execute: () => currentEditor(tracker)?.model.redo()
  });

  // Commands' enabled state follows the editors' selection and content.
  tracker.currentChanged.connect(() => commands.notifyCommandChanged());
  tracker.widgetAdded.connect((_, editor) => {
    editor.selectionChanged.connect(() => commands.notifyCommandChanged());
    (editor as PipelineEditor).model.changed.connect(() =>
      commands.notifyCommandChanged()
    );
  });
}

export const PALETTE_COMMANDS = [
  CommandIDs.createPipeline,
  CommandIDs.addToPipeline,
  CommandIDs.autoLayout,
  CommandIDs.fitView,
  CommandIDs.deleteSelection,
  CommandIDs.openStepNotebook,
  CommandIDs.undo,
  CommandIDs.redo
];
