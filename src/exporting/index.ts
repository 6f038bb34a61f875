/**
 * `runnable-jupyter:export`: "Export Pipeline…" (`runnable-jupyter:export-pipeline`; the pipeline
 * editor's toolbar, its graph's context menu and the File menu, declared in schema/plugin.json).
 * A dialog offers a standalone papermill script or an Argo Workflow (image, volume claim); the
 * server exports the saved pipeline (`POST export`), and the text is written beside it through
 * the contents API (asking before it replaces a file) and opened.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { downloadIcon } from '@jupyterlab/ui-components';

import { ApiError, requestAPI } from '../api';
import { IPipelineEditorTracker } from '../tokens';
import { ExportDialogBody } from './ExportDialog';
import {
  baseName,
  exportBody,
  formProblems,
  IExportForm,
  IExportReply,
  initialForm
} from './exportForm';

export namespace CommandIDs {
  export const exportPipeline = 'runnable-jupyter:export-pipeline';
}

interface IExportDeps {
  docManager: IDocumentManager;
  browser: IDefaultFileBrowser | null;
  trans: TranslationBundle;
}

/** The dialog until its choices can be sent; null when cancelled. */
async function askForm(
  path: string,
  previous: IExportForm,
  trans: TranslationBundle
): Promise<IExportForm | null> {
  let form = previous;
  let problems: Record<string, string> = {};
  for (;;) {
    const answer = await showDialog({
      title: trans.__('Export %1', baseName(path)),
      body: new ExportDialogBody(form, problems, trans),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Export') })
      ]
    });
    if (!answer.button.accept || !answer.value) {
      return null;
    }
    form = answer.value;
    problems = formProblems(form, trans);
    if (Object.keys(problems).length === 0) {
      return form;
    }
  }
}

function failureMessage(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return String(error);
  }
  const details = error.body?.details;
  const problems = Array.isArray(details)
    ? details
        .map(problem => (problem as { message?: unknown })?.message)
        .filter((message): message is string => typeof message === 'string')
    : [];
  return [error.message, ...problems].join('\n');
}

async function fileExists(
  docManager: IDocumentManager,
  path: string
): Promise<boolean> {
  try {
    await docManager.services.contents.get(path, { content: false });
    return true;
  } catch {
    return false;
  }
}

/** Export the pipeline at `path`: ask, export, write beside it, open. The file written. */
export async function exportPipeline(
  path: string,
  previous: IExportForm,
  deps: IExportDeps
): Promise<{ file: string; form: IExportForm } | null> {
  const { docManager, browser, trans } = deps;
  const form = await askForm(path, previous, trans);
  if (!form) {
    return null;
  }
  let reply: IExportReply;
  try {
    reply = await requestAPI<IExportReply>('export', {
      method: 'POST',
      body: JSON.stringify(exportBody(path, form))
    });
  } catch (error) {
    await showErrorMessage(
      trans.__('Could not export %1', baseName(path)),
      failureMessage(error)
    );
    return null;
  }
  if (await fileExists(docManager, reply.file)) {
    const answer = await showDialog({
      title: trans.__('Overwrite?'),
      body: trans.__(
        '%1 exists already. Replace it with this export of %2?',
        reply.file,
        baseName(path)
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Overwrite') })
      ]
    });
    if (!answer.button.accept) {
      return null;
    }
  }
  await docManager.services.contents.save(reply.file, {
    type: 'file',
    format: 'text',
    content: reply.text
  });
  void browser?.model.refresh();
  const open = docManager.findWidget(reply.file);
  if (open) {
    await open.context.revert();
  }
  docManager.openOrReveal(reply.file);
  return { file: reply.file, form };
}

const exportPlugin: JupyterFrontEndPlugin<void> = {
  id: 'runnable-jupyter:export',
  description:
    'runnable-jupyter: "Export Pipeline…" as a standalone papermill script or an Argo Workflow.',
  autoStart: true,
  requires: [IDocumentManager],
  optional: [IPipelineEditorTracker, ITranslator, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    docManager: IDocumentManager,
    editors: IPipelineEditorTracker | null,
    translator: ITranslator | null,
    browser: IDefaultFileBrowser | null
  ) => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    let previous = initialForm();
    app.commands.addCommand(CommandIDs.exportPipeline, {
      label: trans.__('Export Pipeline…'),
      caption: trans.__(
        'Export the pipeline as a Python script that runs it with papermill alone, or as an Argo Workflow'
      ),
      icon: args => (args.isMenu ? undefined : downloadIcon),
      isEnabled: args =>
        typeof args.path === 'string' || !!editors?.currentWidget,
      execute: async args => {
        const editor = editors?.currentWidget ?? null;
        const path =
          typeof args.path === 'string'
            ? args.path
            : (editor?.pipelinePath ?? '');
        if (!path) {
          return null;
        }
        if (
          editor &&
          editor.pipelinePath === path &&
          editor.context.model.dirty
        ) {
          await editor.context.save(); // the server exports the file as saved
        }
        const outcome = await exportPipeline(path, previous, {
          docManager,
          browser,
          trans
        });
        if (outcome) {
          previous = outcome.form;
        }
        return outcome?.file ?? null;
      }
    });
  }
};

export const exportPlugins: JupyterFrontEndPlugin<any>[] = [exportPlugin];
