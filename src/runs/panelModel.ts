/**
 * What the run panel and the run commands act on: the active pipeline editor, its step
 * selection (shared with the graph), the run parameters typed for it, and its runs.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { IPipelineEditor, IPipelineEditorTracker, RunMode } from '../tokens';
import {
  ParametersRefusal,
  ParametersView,
  RunParameters
} from './runParameters';
import { RunService } from './runService';
import { canRetry, normalizePath } from './stepStates';

export class RunPanelModel implements IDisposable {
  constructor(
    readonly service: RunService,
    private readonly _tracker: IPipelineEditorTracker | null
  ) {
    this._tracker?.currentChanged.connect(this._onEditorChanged, this);
    this.service.changed.connect(this._onRunsChanged, this);
    this.parameters = new RunParameters(path =>
      service.declaredParameters(path)
    );
    this.parameters.changed.connect(this._emitChanged, this);
    this._onEditorChanged();
  }

  /** Emits whenever anything shown in the panel may have changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get editor(): IPipelineEditor | null {
    return this._editor;
  }

  get pipelinePath(): string | null {
    return this._editor?.pipelinePath ?? null;
  }

  get selection(): ReadonlyArray<string> {
    return this._editor?.selection ?? [];
  }

  /** The shown run while it is in progress (what "Cancel" stops). */
  get activeRunId(): string | null {
    const path = this.pipelinePath;
    return path === null ? null : this.service.activeRunId(path);
  }

  /** The run started from this tab that is still in progress (runs may overlap). */
  get ownRunningRunId(): string | null {
    const path = this.pipelinePath;
    return path === null ? null : this.service.ownRunningRunId(path);
  }

  /** The pipeline's other runs in progress: another tab's, the CLI's. */
  get otherRunningRunIds(): ReadonlyArray<string> {
    const path = this.pipelinePath;
    if (path === null) {
      return [];
    }
    const shown = this.shownRunId;
    return this.service.runningRunIds(path).filter(id => id !== shown);
  }

  get shownRunId(): string | null {
    const path = this.pipelinePath;
    return path === null ? null : this.service.shownRunId(path);
  }

  /** The run parameters typed for each pipeline: the typed form or the JSON view. */
  readonly parameters: RunParameters;

  /** The run parameters' JSON view for the active pipeline (prefilled with its own). */
  get parametersText(): string {
    const editor = this._editor;
    return editor
      ? this.parameters.json(editor.pipelinePath, editor.parameters)
      : '';
  }

  set parametersText(text: string) {
    if (this._editor) {
      this._problem = null;
      this.parameters.setJson(this._editor.pipelinePath, text);
    }
  }

  /** A form field's text changed: its problem shows at once, the last refusal goes. */
  setParameterText(name: string, text: string): void {
    if (this._editor) {
      this._problem = null;
      this.parameters.setText(this._editor.pipelinePath, name, text);
    }
  }

  /** Show the typed form or the JSON view; refused (and shown) while values do not parse. */
  setParametersView(view: ParametersView): void {
    const editor = this._editor;
    if (editor) {
      this._problem = this.parameters.setView(
        editor.pipelinePath,
        view,
        editor.parameters
      );
      this._changed.emit();
    }
  }

  /** Runs reuse the results of unchanged steps (the `skipUnchanged` setting). */
  get skipUnchanged(): boolean {
    return this._skipUnchanged;
  }

  set skipUnchanged(value: boolean) {
    if (this._skipUnchanged !== value) {
      this._skipUnchanged = value;
      this._skipUnchangedChanged.emit(value);
      this._changed.emit();
    }
  }

  /** Emits the new value when the checkbox or the setting changes it. */
  get skipUnchangedChanged(): ISignal<this, boolean> {
    return this._skipUnchangedChanged;
  }

  /** Why the last start was refused before it reached the server (its parameters). */
  get parametersProblem(): ParametersRefusal | null {
    return this._problem;
  }

  /** The server's answer when the last start, cancel or retry failed. */
  get actionError(): string | null {
    return this._actionError;
  }

  /** Check or uncheck a step: the graph selection follows. */
  setStepChecked(stepId: string, checked: boolean): void {
    const editor = this._editor;
    if (!editor) {
      return;
    }
    const others = editor.selection.filter(id => id !== stepId);
    editor.setSelection(checked ? [...others, stepId] : others);
  }

  setAllChecked(checked: boolean): void {
    this._editor?.setSelection(
      checked ? this._editor.steps.map(step => step.id) : []
    );
  }

  /** A run can start unless the one started from this tab is still going (runs elsewhere,
   * in another tab or the CLI, do not hold this tab back: runs are isolated). */
  canRun(mode: RunMode): boolean {
    const editor = this._editor;
    if (!editor || this.ownRunningRunId !== null) {
      return false;
    }
    return mode === 'all'
      ? editor.steps.length > 0
      : editor.selection.length > 0;
  }

  canCancel(): boolean {
    return this.activeRunId !== null;
  }

  canRetry(): boolean {
    const path = this.pipelinePath;
    return (
      path !== null &&
      this.activeRunId === null &&
      canRetry(this.service.shownRun(path))
    );
  }

  /**
   * Start a run of the selection (or every step for `all`). Returns the run id, or null when
   * a parameter does not parse (the form's type, or the JSON) or the server refused (see `actionError`).
   */
  async run(mode: RunMode): Promise<string | null> {
    const editor = this._editor;
    if (!editor) {
      return null;
    }
    const parsed = this.parameters.values(
      editor.pipelinePath,
      editor.parameters
    );
    if (!parsed.ok) {
      this._problem = parsed.refusal;
      this._changed.emit();
      return null;
    }
    this._problem = null;
    const steps =
      mode === 'all'
        ? editor.steps.map(step => step.id)
        : [...editor.selection];
    return this._act(async () => {
      // Save first: the server runs the pipeline file as it is on disk.
      if (editor.context.model.dirty) {
        await editor.context.save();
      }
      return this.service.startRun(
        editor.pipelinePath,
        steps,
        mode,
        parsed.value,
        {
          skipUnchanged: this._skipUnchanged
        }
      );
    });
  }

  async cancel(): Promise<void> {
    const runId = this.activeRunId;
    if (runId !== null) {
      await this._act(() => this.service.cancelRun(runId));
    }
  }

  async retry(): Promise<void> {
    const runId = this.shownRunId;
    if (runId !== null) {
      await this._act(() => this.service.retryRun(runId));
    }
  }

  /** Run a server action, keeping its error for the panel instead of throwing. */
  private async _act<T>(action: () => Promise<T>): Promise<T | null> {
    this._actionError = null;
    this._changed.emit();
    try {
      return await action();
    } catch (error) {
      this._actionError = (error as Error).message ?? String(error);
      this._changed.emit();
      return null;
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._watch(null);
    Signal.clearData(this);
  }

  private _onEditorChanged(): void {
    this._watch(this._tracker?.currentWidget ?? null);
    this._problem = null;
    this._actionError = null;
    if (this._editor) {
      void this.service.load(this._editor.pipelinePath);
      void this.parameters.load(this._editor.pipelinePath);
    }
    this._changed.emit();
  }

  private _watch(editor: IPipelineEditor | null): void {
    if (this._editor === editor) {
      return;
    }
    if (this._editor) {
      this._editor.selectionChanged.disconnect(this._emitChanged, this);
      this._editor.stepsChanged.disconnect(this._emitChanged, this);
      this._editor.disposed.disconnect(this._onEditorChanged, this);
      this._editor.context.fileChanged.disconnect(this._onSaved, this);
    }
    this._editor = editor;
    if (editor) {
      editor.selectionChanged.connect(this._emitChanged, this);
      editor.stepsChanged.connect(this._emitChanged, this);
      editor.disposed.connect(this._onEditorChanged, this);
      editor.context.fileChanged.connect(this._onSaved, this);
    }
  }

  /** A saved pipeline may run other notebooks: ask again which parameters they declare. */
  private _onSaved(): void {
    if (this._editor) {
      void this.parameters.load(this._editor.pipelinePath);
    }
  }

  private _onRunsChanged(_: RunService, pipelinePath: string): void {
    if (
      this.pipelinePath !== null &&
      pipelinePath === normalizePath(this.pipelinePath)
    ) {
      this._changed.emit();
    }
  }

  private _emitChanged(): void {
    this._changed.emit();
  }

  private _editor: IPipelineEditor | null = null;
  private _problem: ParametersRefusal | null = null;
  private _actionError: string | null = null;
  private _skipUnchanged = false;
  private readonly _skipUnchangedChanged = new Signal<this, boolean>(this);
  private readonly _changed = new Signal<this, void>(this);
  private _isDisposed = false;
}
