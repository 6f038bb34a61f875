/**
 * "Add to Pipeline": notebooks chosen in the file browser become steps of the active pipeline
 * editor, or of a pipeline the user picks (or creates) when none is open.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { Contents } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { IPipelineEditorTracker } from '../tokens';
import { dirname } from './graphOps';
import { EMPTY_PIPELINE, serializePipeline } from './pipelineFormat';
import { FACTORY_NAME, PipelineEditor } from './widget';

export const PIPELINE_SUFFIX = '.pipeline.json';
const CREATE_NEW = '';

/** Create `untitled.pipeline.json` (or `untitled1...`) in `folder` with an empty pipeline. */
export async function createPipelineFile(
  contents: Contents.IManager,
  folder: string
): Promise<string> {
  const model = await contents.newUntitled({
    path: folder,
    type: 'file',
    ext: PIPELINE_SUFFIX
  });
  await contents.save(model.path, {
    type: 'file',
    format: 'text',
    content: serializePipeline(EMPTY_PIPELINE)
  });
  return model.path;
}

/** Pipelines in `folder` and its parents, nearest first. */
export async function findPipelines(
  contents: Contents.IManager,
  folder: string
): Promise<string[]> {
  const found: string[] = [];
  let current: string | null = folder;
  while (current !== null) {
    try {
      const listing = await contents.get(current, { content: true });
      const items = (listing.content ?? []) as Contents.IModel[];
      found.push(
        ...items
          .filter(
            item => item.type === 'file' && item.name.endsWith(PIPELINE_SUFFIX)
          )
          .map(item => item.path)
          .sort()
      );
    } catch {
      // An unreadable folder just contributes nothing.
    }
    current = current === '' ? null : dirname(current);
  }
  return found;
}

/** The dialog body: a list of pipelines plus "create a new one". */
class PipelineChooser extends Widget {
  constructor(pipelines: string[], folder: string, trans: TranslationBundle) {
    super();
    this.addClass('jp-runnable-PipelineChooser');
    const label = document.createElement('label');
    label.textContent = trans.__('Add the notebooks to:');
    this._select = document.createElement('select');
    this._select.className = 'jp-mod-styled';
    for (const path of pipelines) {
      this._select.appendChild(new Option(path, path));
    }
    this._select.appendChild(
      new Option(trans.__('A new pipeline in "%1"', folder || '/'), CREATE_NEW)
    );
    label.appendChild(this._select);
    this.node.appendChild(label);
  }

  getValue(): string {
    return this._select.value;
  }

  private _select: HTMLSelectElement;
}

async function choosePipeline(
  contents: Contents.IManager,
  folder: string,
  trans: TranslationBundle
): Promise<string | null> {
  const pipelines = await findPipelines(contents, folder);
  const result = await showDialog({
    title: trans.__('Add to Pipeline'),
    body: new PipelineChooser(pipelines, folder, trans),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Add') })
    ]
  });
  if (!result.button.accept || result.value === null) {
    return null;
  }
  return result.value === CREATE_NEW
    ? createPipelineFile(contents, folder)
    : result.value;
}

export interface IAddToPipelineOptions {
  notebooks: string[];
  tracker: IPipelineEditorTracker;
  docManager: IDocumentManager;
  contents: Contents.IManager;
  trans: TranslationBundle;
  activate: (widget: Widget) => void;
}

/** Add the notebooks to the active pipeline editor, asking for a pipeline when none is open. */
export async function addToPipeline(
  options: IAddToPipelineOptions
): Promise<void> {
  const { notebooks, tracker, docManager, contents, trans } = options;
  if (notebooks.length === 0) {
    return;
  }
  let editor = tracker.currentWidget as PipelineEditor | null;
  if (!editor) {
    const path = await choosePipeline(contents, dirname(notebooks[0]), trans);
    if (!path) {
      return;
    }
    editor =
      (docManager.openOrReveal(path, FACTORY_NAME) as
        PipelineEditor | undefined) ?? null;
    if (!editor) {
      return;
    }
    await editor.context.ready;
  }
  options.activate(editor);
  const outcome = await editor.model.addNotebooks(notebooks);
  if (outcome.alreadyPresent.length > 0) {
    Notification.info(
      trans._n(
        '%2 is already a step of %3.',
        '%2 are already steps of %3.',
        outcome.alreadyPresent.length,
        outcome.alreadyPresent.join(', '),
        editor.context.localPath
      ),
      { autoClose: 5000 }
    );
  }
  if (outcome.added.length === 0 && outcome.alreadyPresent.length === 0) {
    Notification.warning(
      trans.__(
        '%1 cannot be edited until its problems are fixed.',
        editor.context.localPath
      ),
      { autoClose: 5000 }
    );
  }
}
