/**
 * `runnable-jupyter:editor`: the `pipeline` file type, its graph editor (the default widget for
 * `*.pipeline.json`), "Add to Pipeline" and the editor commands. Provides IPipelineEditorTracker.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  createToolbarFactory,
  ICommandPalette,
  IToolbarWidgetRegistry,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import {
  IPipelineEditor,
  IPipelineEditorTracker,
  IRunService
} from '../tokens';
import {
  CommandIDs,
  openStepNotebook,
  PALETTE_COMMANDS,
  registerCommands
} from './commands';
import { pipelineIcon } from './icons';
import { EditorSettings, RunStatusSource } from './settings';
import {
  FACTORY_NAME,
  FILE_TYPE_NAME,
  PipelineEditor,
  PipelineEditorFactory
} from './widget';

const PLUGIN_ID = 'runnable-jupyter:editor';

/** Shared by the editor plugin and the status plugin that attaches the run service. */
const runStatus = new RunStatusSource();

const editorPlugin: JupyterFrontEndPlugin<IPipelineEditorTracker> = {
  id: PLUGIN_ID,
  description:
    'runnable-jupyter: the pipeline file type, its graph editor and "Add to Pipeline".',
  autoStart: true,
  provides: IPipelineEditorTracker,
  requires: [IDocumentManager],
  optional: [
    ITranslator,
    ISettingRegistry,
    IDefaultFileBrowser,
    ILauncher,
    ICommandPalette,
    IMainMenu,
    ILayoutRestorer,
    IToolbarWidgetRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    docManager: IDocumentManager,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null,
    browser: IDefaultFileBrowser | null,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    mainMenu: IMainMenu | null,
    restorer: ILayoutRestorer | null,
    toolbarRegistry: IToolbarWidgetRegistry | null
  ): IPipelineEditorTracker => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    const settings = new EditorSettings();

    app.docRegistry.addFileType({
      name: FILE_TYPE_NAME,
      displayName: trans.__('Pipeline'),
      extensions: ['.pipeline.json'],
      pattern: '^.*\\.pipeline\\.json$',
      mimeTypes: ['application/json'],
      contentType: 'file',
      fileFormat: 'text',
      icon: pipelineIcon
    });

    const tracker = new WidgetTracker<IPipelineEditor>({
      namespace: 'runnable-pipeline'
    });
    const factory = new PipelineEditorFactory(
      {
        name: FACTORY_NAME,
        label: trans.__('Pipeline Editor'),
        fileTypes: [FILE_TYPE_NAME],
        defaultFor: [FILE_TYPE_NAME],
        modelName: 'text',
        translator: translator ?? nullTranslator,
        toolbarFactory:
          toolbarRegistry && settingRegistry
            ? createToolbarFactory(
                toolbarRegistry,
                settingRegistry,
                FACTORY_NAME,
                PLUGIN_ID,
                translator ?? nullTranslator
              )
            : undefined
      },
      {
        settings,
        runStatus,
        trans,
        kernelNames: () =>
          Object.keys(app.serviceManager.kernelspecs.specs?.kernelspecs ?? {}),
        openStep: (editor, stepId) =>
          openStepNotebook(docManager, editor, stepId),
        openAsText: editor =>
          docManager.openOrReveal(editor.context.path, 'Editor')
      }
    );
    factory.widgetCreated.connect((_, widget) => {
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      void tracker.add(widget);
    });
    app.docRegistry.addWidgetFactory(factory);
    // After createToolbarFactory: it registers the transform this schema's toolbar needs.
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(loaded => settings.track(loaded))
        .catch(reason =>
          console.warn('runnable-jupyter: editor settings', reason)
        );
    }

    if (restorer) {
      void restorer.restore(tracker as WidgetTracker<PipelineEditor>, {
        command: 'docmanager:open',
        args: widget => ({ path: widget.context.path, factory: FACTORY_NAME }),
        name: widget => widget.context.path
      });
    }

    registerCommands({ app, tracker, docManager, browser, trans });

    launcher?.add({
      command: CommandIDs.createPipeline,
      category: trans.__('Other'),
      rank: 5,
      args: { isLauncher: true }
    });
    for (const command of PALETTE_COMMANDS) {
      palette?.addItem({
        command,
        category: trans.__('Pipeline'),
        args: { isPalette: true }
      });
    }
    if (mainMenu) {
      mainMenu.editMenu.undoers.undo.add({
        id: CommandIDs.undo,
        isEnabled: widget => tracker.has(widget)
      });
      mainMenu.editMenu.undoers.redo.add({
        id: CommandIDs.redo,
        isEnabled: widget => tracker.has(widget)
      });
    }
    return tracker;
  }
};

/** Shows the run service's step states on the graph nodes (see RunStatusSource). */
const editorStatusPlugin: JupyterFrontEndPlugin<void> = {
  id: 'runnable-jupyter:editor-status',
  description: 'runnable-jupyter: live step statuses on the pipeline graph.',
  autoStart: true,
  requires: [IPipelineEditorTracker],
  optional: [IRunService],
  activate: (
    _: JupyterFrontEnd,
    __: IPipelineEditorTracker,
    runService: IRunService | null
  ) => {
    runStatus.service = runService;
  }
};

/** The plugins of this part. */
export const editorPlugins: JupyterFrontEndPlugin<any>[] = [
  editorPlugin,
  editorStatusPlugin
];
