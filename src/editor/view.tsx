/**
 * The editor's content: problems (when any), the graph and the properties panel.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { PipelineGraph } from './graph/PipelineGraph';
import { PipelineEditorModel } from './model';
import { ProblemsPanel } from './ProblemsPanel';
import { PropertiesPanel } from './properties/PropertiesPanel';
import { EditorSettings, RunStatusSource } from './settings';

export interface IEditorViewOptions {
  model: PipelineEditorModel;
  settings: EditorSettings;
  runStatus: RunStatusSource;
  trans: TranslationBundle;
  /** Names of the installed kernels, for the kernel field. */
  kernelNames: () => string[];
  onOpenStep: (stepId: string) => void;
  onOpenAsText: () => void;
}

function EditorBody(props: IEditorViewOptions): JSX.Element {
  const { model, settings, trans } = props;
  const state = model.state;
  if (state.kind === 'loading') {
    return (
      <div className="jp-runnable-editor-loading">{trans.__('Loading…')}</div>
    );
  }
  if (state.kind === 'invalid') {
    const problems =
      model.problems.length > 0 ? model.problems : state.problems;
    return (
      <ProblemsPanel
        problems={problems}
        trans={trans}
        blocking={true}
        onOpenAsText={props.onOpenAsText}
      />
    );
  }
  return (
    <>
      <ProblemsPanel
        problems={model.problems}
        trans={trans}
        blocking={false}
        onOpenAsText={props.onOpenAsText}
      />
      <div className="jp-runnable-editor-main">
        <PipelineGraph
          model={model}
          runStatus={props.runStatus}
          direction={settings.direction}
          trans={trans}
          onOpenStep={props.onOpenStep}
        />
        <PropertiesPanel
          model={model}
          trans={trans}
          kernelNames={props.kernelNames}
        />
      </div>
    </>
  );
}

export class PipelineEditorView extends ReactWidget {
  constructor(private _options: IEditorViewOptions) {
    super();
    this.addClass('jp-runnable-PipelineEditor');
  }

  protected render(): JSX.Element {
    const { model, settings } = this._options;
    return (
      <UseSignal signal={settings.changed}>
        {() => (
          <UseSignal signal={model.changed}>
            {() => <EditorBody {...this._options} />}
          </UseSignal>
        )}
      </UseSignal>
    );
  }
}
