/**
 * The pipeline editor's model: the parsed document over the document context's text model.
 *
 * Every edit is written as canonical text into `context.model` (so the dirty indicator, Ctrl+S,
 * undo/redo of the shared model and "reload from disk" all work as for any document), and the
 * model re-reads the text on each change. Views subscribe to the Lumino signals.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { IStepInfo } from '../tokens';
import {
  addDependency,
  addNotebookSteps,
  ConnectResult,
  dirname,
  setPositions
} from './graphOps';
import { computeLayout } from './layout';
import { LayoutDirection, placeBeside, placeMissing } from './layoutGraph';
import {
  IPipelineDocument,
  IPosition,
  IProblem,
  minimalEdit,
  parsePipeline,
  serializePipeline
} from './pipelineFormat';
import { validatePipeline } from './validation';

export type PipelineState =
  | { kind: 'loading' }
  | { kind: 'ready'; document: IPipelineDocument }
  | { kind: 'invalid'; problems: IProblem[] };

export interface IAddNotebooksOutcome {
  added: string[];
  alreadyPresent: string[];
}

const VALIDATE_DELAY_MS = 300;

/** The part of the text document's shared model (@jupyter/ydoc's YFile) used for edits. */
interface ISharedText {
  updateSource(start: number, end: number, value: string): void;
}

export class PipelineEditorModel implements IDisposable {
  constructor(
    readonly context: DocumentRegistry.IContext<DocumentRegistry.IModel>,
    private _direction: () => LayoutDirection
  ) {
    context.model.contentChanged.connect(this._onContentChanged, this);
    void context.ready.then(() => this._onContentChanged());
  }

  /** Path of the pipeline file, relative to the server root. */
  get pipelinePath(): string {
    return this.context.localPath;
  }

  get pipelineDir(): string {
    return dirname(this.pipelinePath);
  }

  get state(): PipelineState {
    return this._state;
  }

  get document(): IPipelineDocument | null {
    return this._state.kind === 'ready' ? this._state.document : null;
  }

  get steps(): ReadonlyArray<IStepInfo> {
    return this._steps;
  }

  /** Validation problems of the current text ('pending' until the first answer). */
  get problems(): ReadonlyArray<IProblem> {
    return this._problems;
  }

  get validationSource(): 'server' | 'local' | 'pending' {
    return this._validationSource;
  }

  /** Where each step is drawn: its stored position, else the auto layout's. */
  position(stepId: string): IPosition | undefined {
    return this.positions().get(stepId);
  }

  /** Every step's drawn position (stored, else laid out), by step id. */
  positions(): ReadonlyMap<string, IPosition> {
    const positions = new Map(this._computedPositions);
    for (const step of this.document?.steps ?? []) {
      if (step.position) {
        positions.set(step.id, step.position);
      }
    }
    return positions;
  }

  get selection(): ReadonlyArray<string> {
    return this._selection;
  }

  setSelection(ids: ReadonlyArray<string>): void {
    const known = new Set(this._steps.map(step => step.id));
    const next = ids.filter(
      (id, index) => known.has(id) && ids.indexOf(id) === index
    );
    if (
      next.length === this._selection.length &&
      next.every((id, index) => id === this._selection[index])
    ) {
      return;
    }
    this._selection = next;
    this._selectionChanged.emit(next);
  }

  /** Document, problems or positions changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Step ids or notebooks changed. */
  get stepsChanged(): ISignal<this, void> {
    return this._stepsChanged;
  }

  get selectionChanged(): ISignal<this, ReadonlyArray<string>> {
    return this._selectionChanged;
  }

  /** Asks the view to fit the graph in the viewport. */
  get fitViewRequested(): ISignal<this, void> {
    return this._fitViewRequested;
  }

  requestFitView(): void {
    this._fitViewRequested.emit();
  }

  /** Apply a pure edit; returns false when the document cannot be edited (invalid file). */
  apply(edit: (document: IPipelineDocument) => IPipelineDocument): boolean {
    const document = this.document;
    if (!document) {
      return false;
    }
    const before = this.context.model.toString();
    const after = serializePipeline(edit(document));
    if (after !== before) {
      // updateSource (unlike fromString) marks the document dirty and is one undo step.
      const { start, end, text } = minimalEdit(before, after);
      (this.context.model.sharedModel as unknown as ISharedText).updateSource(
        start,
        end,
        text
      );
    }
    return true;
  }

  /** Make `target` depend on `source`; refused (nothing written) on a cycle. */
  connect(source: string, target: string): ConnectResult {
    const document = this.document;
    if (!document) {
      return { ok: false, reason: 'unknown' };
    }
    const result = addDependency(document, source, target);
    if (result.ok) {
      this.apply(() => result.document);
    }
    return result;
  }

  get canUndo(): boolean {
    return this.context.model.sharedModel.canUndo();
  }

  get canRedo(): boolean {
    return this.context.model.sharedModel.canRedo();
  }

  undo(): void {
    this.context.model.sharedModel.undo();
  }

  redo(): void {
    this.context.model.sharedModel.redo();
  }

  /** Lay out again the steps without a stored position (e.g. the direction changed). */
  refreshLayout(): void {
    void this._layoutMissing();
  }

  /** Lay out every step again and store the positions (one undoable edit). */
  async autoLayout(): Promise<void> {
    const document = this.document;
    if (!document) {
      return;
    }
    const positions = await computeLayout(document, this._direction());
    this.apply(current => setPositions(current, positions));
    this.requestFitView();
  }

  /**
   * Add notebooks as steps and select them: placed beside the graph in a grid, or around `at`
   * (graph coordinates) when they were dropped on the canvas.
   */
  async addNotebooks(
    paths: ReadonlyArray<string>,
    at?: IPosition
  ): Promise<IAddNotebooksOutcome> {
    await this.context.ready;
    const document = this.document;
    if (!document) {
      return { added: [], alreadyPresent: [] };
    }
    const result = addNotebookSteps(document, this.pipelineDir, paths);
    if (result.added.length === 0) {
      return { added: [], alreadyPresent: result.alreadyPresent };
    }
    const spots = placeBeside(
      [...this.positions().values()],
      result.added.length,
      at
    );
    const placed = new Map(result.added.map((id, i) => [id, spots[i]]));
    this.apply(() => setPositions(result.document, placed));
    this.setSelection(result.added);
    return { added: result.added, alreadyPresent: result.alreadyPresent };
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    window.clearTimeout(this._validateTimer);
    Signal.clearData(this);
  }

  private _onContentChanged(): void {
    if (this._isDisposed || !this.context.isReady) {
      return;
    }
    const text = this.context.model.toString();
    if (text === this._lastText) {
      return;
    }
    this._lastText = text;
    const parsed = parsePipeline(text);
    this._state = parsed.ok
      ? { kind: 'ready', document: parsed.document }
      : { kind: 'invalid', problems: parsed.problems };
    this._updateSteps();
    this._scheduleValidation(text);
    void this._layoutMissing();
    this._changed.emit();
  }

  private _updateSteps(): void {
    const steps = (this.document?.steps ?? []).map(({ id, notebook }) => ({
      id,
      notebook
    }));
    const same =
      steps.length === this._steps.length &&
      steps.every(
        (step, index) =>
          step.id === this._steps[index].id &&
          step.notebook === this._steps[index].notebook
      );
    if (same) {
      return;
    }
    this._steps = steps;
    this.setSelection(this._selection);
    this._stepsChanged.emit();
  }

  private async _layoutMissing(): Promise<void> {
    const document = this.document;
    const generation = ++this._layoutGeneration;
    if (!document || document.steps.every(step => step.position)) {
      this._computedPositions = new Map();
      return;
    }
    const computed = await computeLayout(document, this._direction());
    if (generation !== this._layoutGeneration || this._isDisposed) {
      return;
    }
    this._computedPositions = placeMissing(document, computed);
    this._changed.emit();
  }

  private _scheduleValidation(text: string): void {
    window.clearTimeout(this._validateTimer);
    let content: unknown;
    try {
      content =
        text.trim() === '' ? { version: 1, steps: [] } : JSON.parse(text);
    } catch {
      // Bad JSON: the parse error is the whole story.
      this._problems =
        this._state.kind === 'invalid' ? this._state.problems : [];
      this._validationSource = 'local';
      return;
    }
    this._validationSource = 'pending';
    const generation = ++this._validationGeneration;
    this._validateTimer = window.setTimeout(async () => {
      const result = await validatePipeline(
        content,
        this.pipelineDir,
        this.document
      );
      if (generation !== this._validationGeneration || this._isDisposed) {
        return;
      }
      const parseProblems =
        this._state.kind === 'invalid' ? this._state.problems : [];
      this._problems =
        result.problems.length > 0 || parseProblems.length === 0
          ? result.problems
          : parseProblems;
      this._validationSource = result.source;
      this._changed.emit();
    }, VALIDATE_DELAY_MS);
  }

  private _state: PipelineState = { kind: 'loading' };
  private _lastText: string | null = null;
  private _steps: IStepInfo[] = [];
  private _selection: string[] = [];
  private _problems: ReadonlyArray<IProblem> = [];
  private _validationSource: 'server' | 'local' | 'pending' = 'pending';
  private _computedPositions: Map<string, IPosition> = new Map();
  private _layoutGeneration = 0;
  private _validationGeneration = 0;
  private _validateTimer = 0;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _stepsChanged = new Signal<this, void>(this);
  private _selectionChanged = new Signal<this, ReadonlyArray<string>>(this);
  private _fitViewRequested = new Signal<this, void>(this);
}
