/**
 * A step's executed notebook as the run wrote it: rendered read-only in a plain main-area
 * widget, with no document context, so nothing can start a kernel, mark it dirty or save it
 * (the server also refuses writes into runs folders). Titled with the step and the run.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ICodeCellModel } from '@jupyterlab/cells';
import {
  NotebookModel,
  NotebookWidgetFactory,
  StaticNotebook
} from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Toolbar } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

/** The notebook JSON a NotebookModel loads. */
type NotebookContent = Parameters<NotebookModel['fromJSON']>[0];

export class RunOutputView extends MainAreaWidget<StaticNotebook> {
  constructor(options: RunOutputView.IOptions) {
    const { factory, trans } = options;
    const content = new StaticNotebook({
      rendermime: factory.rendermime,
      contentFactory: factory.contentFactory,
      mimeTypeService: factory.mimeTypeService,
      editorConfig: factory.editorConfig,
      notebookConfig: factory.notebookConfig,
      translator: options.translator
    });
    content.addClass('jp-runnable-run-output');
    content.node.dataset.runId = options.runId;
    content.node.dataset.stepId = options.stepId;
    content.node.dataset.path = options.path;
    // A plain toolbar: the reactive default folds the note into "More commands".
    super({ content, toolbar: new Toolbar() });
    this.addClass('jp-runnable-run-output-panel');
    this.toolbar.addItem(
      'read-only',
      readOnlyNote(
        trans.__('Read-only: as run %1 wrote it', options.runId),
        trans.__(
          'Run outputs are kept as the run wrote them; copy the notebook to another folder to change it.'
        )
      )
    );
    this._contents = options.contents;
    this._path = options.path;
  }

  /** Load the notebook (once) and show it; resolves when its cells exist. */
  async load(): Promise<void> {
    const file = await this._contents.get(this._path, {
      type: 'notebook',
      content: true
    });
    const notebook = file.content as NotebookContent;
    for (const cell of notebook.cells) {
      // Cell widgets honour `editable: false`: their editors stay read-only.
      cell.metadata = { ...cell.metadata, editable: false };
    }
    const model = new NotebookModel();
    model.fromJSON(notebook);
    model.readOnly = true;
    model.dirty = false;
    this._model = model;
    this.content.model = model;
  }

  /** Scroll to the first cell with an error output, else to `fallback` (a cell index). */
  async revealFailingCell(fallback: number | null | undefined): Promise<void> {
    const cells = this.content.widgets;
    let index = cells.findIndex(cell => {
      if (cell.model.type !== 'code') {
        return false;
      }
      const outputs = (cell.model as ICodeCellModel).outputs;
      for (let i = 0; i < outputs.length; i++) {
        if (outputs.get(i).type === 'error') {
          return true;
        }
      }
      return false;
    });
    if (index < 0) {
      index = fallback ?? -1;
    }
    if (index >= 0 && index < cells.length) {
      await this.content.scrollToItem(index, 'center');
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    super.dispose();
    this._model?.dispose();
  }

  private readonly _contents: Contents.IManager;
  private readonly _path: string;
  private _model: NotebookModel | null = null;
}

function readOnlyNote(text: string, caption: string): Widget {
  const note = new Widget();
  note.addClass('jp-runnable-run-output-note');
  note.node.textContent = text;
  note.node.title = caption;
  return note;
}

export namespace RunOutputView {
  export interface IOptions {
    /** The executed notebook, relative to the server root. */
    path: string;
    runId: string;
    stepId: string;
    /** The notebook widget factory: its renderers and editor settings. */
    factory: NotebookWidgetFactory;
    contents: Contents.IManager;
    trans: TranslationBundle;
    translator?: ITranslator;
  }
}
