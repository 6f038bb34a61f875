/**
 * Marks the cells that pipeline runs skip: a class on the cell node (striped left border in CSS)
 * and a small label, kept in sync with the cells' tags.
 */
import { Cell, ICellModel } from '@jupyterlab/cells';
import { Notebook, NotebookPanel } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';

import { hasSkipTag } from './tags';

export const SKIPPED_CELL_CLASS = 'jp-runnable-skipped-cell';
export const SKIP_LABEL_CLASS = 'jp-runnable-skip-label';

export class SkipMarkers implements IDisposable {
  constructor(options: SkipMarkers.IOptions) {
    this._skipTags = options.skipTags;
    this._label = options.label;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The tags that mark a skipped cell; changing them re-marks every tracked notebook. */
  set skipTags(tags: ReadonlyArray<string>) {
    this._skipTags = tags;
    this._notebooks.forEach(notebook => this._markAll(notebook));
  }

  /** Follow a notebook: its cells now and as they are added, retyped or retagged. */
  track(panel: NotebookPanel): void {
    const notebook = panel.content;
    this._notebooks.add(notebook);
    const onCellsChanged = () => {
      // The notebook creates widgets for new cells in its own handler of the same signal.
      requestAnimationFrame(() => this._markAll(notebook));
    };
    const watchModel = () => {
      notebook.model?.cells.changed.connect(onCellsChanged);
      this._markAll(notebook);
    };
    notebook.modelChanged.connect(watchModel);
    watchModel();
    void panel.context.ready.then(() => this._markAll(notebook));
    panel.disposed.connect(() => this._notebooks.delete(notebook));
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._notebooks.forEach(notebook =>
      notebook.widgets.forEach(cell => this._mark(cell, false))
    );
    this._notebooks.clear();
  }

  private _markAll(notebook: Notebook): void {
    if (this._isDisposed) {
      return;
    }
    for (const cell of notebook.widgets) {
      this._cellNotebooks.set(cell.model, notebook);
      // Connecting the same slot and receiver twice is a no-op in Lumino.
      cell.model.metadataChanged.connect(this._onMetadataChanged, this);
      this._mark(
        cell,
        hasSkipTag(cell.model.getMetadata('tags'), this._skipTags)
      );
    }
  }

  private _onMetadataChanged(model: ICellModel): void {
    const notebook = this._cellNotebooks.get(model);
    const cell = notebook?.widgets.find(widget => widget.model === model);
    if (cell && !this._isDisposed) {
      this._mark(cell, hasSkipTag(model.getMetadata('tags'), this._skipTags));
    }
  }

  private _mark(cell: Cell, skipped: boolean): void {
    cell.node.classList.toggle(SKIPPED_CELL_CLASS, skipped);
    let label = cell.node.querySelector(`:scope > .${SKIP_LABEL_CLASS}`);
    if (skipped && !label) {
      label = document.createElement('div');
      label.className = SKIP_LABEL_CLASS;
      label.textContent = this._label;
      cell.node.appendChild(label);
    } else if (!skipped && label) {
      label.remove();
    }
  }

  private _skipTags: ReadonlyArray<string>;
  private readonly _label: string;
  private readonly _notebooks = new Set<Notebook>();
  private readonly _cellNotebooks = new WeakMap<ICellModel, Notebook>();
  private _isDisposed = false;
}

export namespace SkipMarkers {
  export interface IOptions {
    skipTags: ReadonlyArray<string>;
    /** The label's (translated) text. */
    label: string;
  }
}
