/**
 * The pipeline editor document widget and its factory.
 */
import {
  DocumentRegistry,
  DocumentWidget,
  ABCWidgetFactory
} from '@jupyterlab/docregistry';
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { IPipelineEditor, IStepInfo } from '../tokens';
import { PipelineEditorModel } from './model';
import { EditorSettings, RunStatusSource } from './settings';
import { PipelineEditorView } from './view';
import { pipelineIcon } from './icons';

/** The name of the widget factory (also the toolbar's key in the settings). */
export const FACTORY_NAME = 'Pipeline Editor';
export const FILE_TYPE_NAME = 'pipeline';

export interface IPipelineEditorServices {
  settings: EditorSettings;
  runStatus: RunStatusSource;
  trans: TranslationBundle;
  kernelNames: () => string[];
  openStep: (editor: PipelineEditor, stepId: string) => void;
  openAsText: (editor: PipelineEditor) => void;
}

export class PipelineEditor
  extends DocumentWidget<PipelineEditorView>
  implements IPipelineEditor
{
  constructor(
    context: DocumentRegistry.IContext<DocumentRegistry.IModel>,
    services: IPipelineEditorServices
  ) {
    const model = new PipelineEditorModel(
      context,
      () => services.settings.direction
    );
    const content = new PipelineEditorView({
      model,
      settings: services.settings,
      runStatus: services.runStatus,
      trans: services.trans,
      kernelNames: services.kernelNames,
      onOpenStep: stepId => services.openStep(this, stepId),
      onOpenAsText: () => services.openAsText(this)
    });
    super({ context, content });
    this.model = model;
    this.addClass('jp-runnable-PipelineEditorWidget');
    this.title.icon = pipelineIcon;
    model.stepsChanged.connect(() => this._stepsChanged.emit(), this);
    services.settings.changed.connect(() => model.refreshLayout(), this);
    model.selectionChanged.connect(
      (_, selection) => this._selectionChanged.emit(selection),
      this
    );
  }

  readonly model: PipelineEditorModel;

  get pipelinePath(): string {
    return this.model.pipelinePath;
  }

  get steps(): ReadonlyArray<IStepInfo> {
    return this.model.steps;
  }

  get parameters(): Readonly<Record<string, unknown>> {
    return this.model.document?.parameters ?? {};
  }

  get stepsChanged(): ISignal<IPipelineEditor, void> {
    return this._stepsChanged;
  }

  get selection(): ReadonlyArray<string> {
    return this.model.selection;
  }

  get selectionChanged(): ISignal<IPipelineEditor, ReadonlyArray<string>> {
    return this._selectionChanged;
  }

  setSelection(ids: ReadonlyArray<string>): void {
    this.model.setSelection(ids);
  }

  async addNotebooks(paths: ReadonlyArray<string>): Promise<string[]> {
    return (await this.model.addNotebooks(paths)).added;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    // Widget.dispose emits `disposed` (trackers rely on it) and then clears this object's signals.
    super.dispose();
    this.model.dispose();
  }

  private _stepsChanged = new Signal<IPipelineEditor, void>(this);
  private _selectionChanged = new Signal<
    IPipelineEditor,
    ReadonlyArray<string>
  >(this);
}

export class PipelineEditorFactory extends ABCWidgetFactory<
  PipelineEditor,
  DocumentRegistry.IModel
> {
  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions<PipelineEditor>,
    private _services: IPipelineEditorServices
  ) {
    super(options);
  }

  protected createNewWidget(
    context: DocumentRegistry.IContext<DocumentRegistry.IModel>
  ): PipelineEditor {
    return new PipelineEditor(context, this._services);
  }
}
