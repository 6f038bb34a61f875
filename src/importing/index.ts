/**
 * `runnable-jupyter:import`: "Import as Pipeline" on an Elyra `*.pipeline` or Orchest
 * `*.orchest` (or `.orchest/pipeline.json`) file of the file browser. The server converts it
 * (`POST import`); the report opens in a dialog and the new `*.pipeline.json` in the editor.
 * Its context menu entry is declared in schema/import.json; no file type is registered, so an
 * installed Elyra keeps its `.pipeline` files.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import { requestAPI } from '../api';
import { pipelineIcon } from '../editor/icons';
import { FACTORY_NAME } from '../editor/widget';
import { importReportWidget } from './ImportReport';
import {
  existingOutput,
  failureText,
  IImportBody,
  IImportReply,
  importableFormat,
  isOutputExists,
  reportView
} from './report';

export namespace CommandIDs {
  export const importPipeline = 'runnable-jupyter:import-pipeline';
}

interface IImportDeps {
  docManager: IDocumentManager;
  browser: IDefaultFileBrowser | null;
  trans: TranslationBundle;
}

function selectedSources(browser: IDefaultFileBrowser | null): string[] {
  if (!browser) {
    return [];
  }
  return Array.from(browser.selectedItems())
    .filter(item => item.type !== 'directory' && importableFormat(item.path))
    .map(item => item.path);
}

/** Ask the server to convert `path`; on 409 output_exists, offer to overwrite. */
async function convert(
  path: string,
  trans: TranslationBundle
): Promise<{ reply: IImportReply; replaced: boolean } | null> {
  let force = false;
  for (;;) {
    const body: IImportBody = { path, force };
    try {
      const reply = await requestAPI<IImportReply>('import', {
        method: 'POST',
        body: JSON.stringify(body)
      });
      return { reply, replaced: force };
    } catch (error) {
      if (isOutputExists(error) && !force) {
        const answer = await showDialog({
          title: trans.__('Overwrite?'),
          body: trans.__(
            '%1 exists already. Replace it with a new import of %2?',
            existingOutput(error) ?? trans.__('The pipeline file'),
            path
          ),
          buttons: [
            Dialog.cancelButton({ label: trans.__('Cancel') }),
            Dialog.warnButton({ label: trans.__('Overwrite') })
          ]
        });
        if (!answer.button.accept) {
          return null;
        }
        force = true;
        continue;
      }
      const { title, message } = failureText(error, path, trans);
      await showDialog({
        title,
        body: message,
        buttons: [Dialog.okButton({ label: trans.__('OK') })]
      });
      return null;
    }
  }
}

/** Import one file: convert it, open the new pipeline, show the report. */
export async function importPipeline(
  path: string,
  deps: IImportDeps
): Promise<string | null> {
  const { docManager, browser, trans } = deps;
  const outcome = await convert(path, trans);
  if (!outcome) {
    return null;
  }
  const { reply, replaced } = outcome;
  void browser?.model.refresh();
  const open = docManager.findWidget(reply.pipeline, FACTORY_NAME);
  if (replaced && open) {
    await open.context.revert();
  }
  docManager.openOrReveal(reply.pipeline, FACTORY_NAME);
  await showDialog({
    title: reportView(reply.report, trans).title,
    body: importReportWidget(reportView(reply.report, trans), trans),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
  return reply.pipeline;
}

const importPlugin: JupyterFrontEndPlugin<void> = {
  id: 'runnable-jupyter:import',
  description:
    'runnable-jupyter: "Import as Pipeline" for Elyra and Orchest pipeline files.',
  autoStart: true,
  requires: [IDocumentManager],
  optional: [ITranslator, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    docManager: IDocumentManager,
    translator: ITranslator | null,
    browser: IDefaultFileBrowser | null
  ) => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    const sources = (args: { path?: unknown }) =>
      typeof args.path === 'string'
        ? [args.path].filter(path => importableFormat(path))
        : selectedSources(browser);
    app.commands.addCommand(CommandIDs.importPipeline, {
      label: trans.__('Import as Pipeline'),
      caption: trans.__(
        'Convert this Elyra or Orchest pipeline into a pipeline file (*.pipeline.json), open it and show what was carried over'
      ),
      icon: pipelineIcon,
      isVisible: args => sources(args).length > 0,
      execute: async args => {
        const imported: string[] = [];
        for (const path of sources(args)) {
          const pipeline = await importPipeline(path, {
            docManager,
            browser,
            trans
          });
          if (pipeline) {
            imported.push(pipeline);
          }
        }
        return imported;
      }
    });
  }
};

export const importPlugins: JupyterFrontEndPlugin<any>[] = [importPlugin];
