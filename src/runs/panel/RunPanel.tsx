/**
 * The run panel: a side panel showing the active pipeline's steps, run buttons and parameters,
 * the shown run's live status and the pipeline's run history.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { StatusBadge } from '../../components/StatusBadge';
import { runPanelIcon } from '../icons';
import { RunPanelModel } from '../panelModel';
import { RunControls } from './RunControls';
import { RunHistory } from './RunHistory';
import { IStepActions, StepList } from './StepList';

export const RUN_PANEL_ID = 'jp-runnable-run-panel';
// Commands of the Jobs plugin (src/jobs), used when it is loaded.
const OPEN_JOBS = 'runnable-jupyter:open-jobs';
const COMPARE_RUNS = 'runnable-jupyter:compare-runs';

interface IRunPanelViewProps {
  model: RunPanelModel;
  commands: CommandRegistry;
  actions: IStepActions;
  trans: TranslationBundle;
}

function RunPanelView(props: IRunPanelViewProps): JSX.Element {
  const { model, trans } = props;
  const editor = model.editor;
  if (!editor) {
    return (
      <div className="jp-runnable-run-empty jp-runnable-run-no-pipeline">
        {trans.__('Open a pipeline (a *.pipeline.json file) to run its steps.')}
      </div>
    );
  }
  const path = editor.pipelinePath;
  const service = model.service;
  const parameters = model.parameters;
  const shownRun = service.shownRun(path);
  const shownRunId = service.shownRunId(path);
  const history = service.history(path);
  const loadError = service.error(path);
  const latestRunId = history[0]?.run_id ?? null;
  const othersRunning = model.otherRunningRunIds;
  const commands = props.commands;
  const canCompare = commands.hasCommand(COMPARE_RUNS);
  return (
    <>
      <header className="jp-runnable-run-header">
        <h2 className="jp-runnable-run-title" title={path}>
          {PathExt.basename(path)}
        </h2>
        {commands.hasCommand(OPEN_JOBS) && (
          <button
            className="jp-runnable-link-button jp-runnable-run-open-jobs"
            data-command={OPEN_JOBS}
            title={commands.caption(OPEN_JOBS, { path })}
            onClick={() => void commands.execute(OPEN_JOBS, { path })}
          >
            {commands.label(OPEN_JOBS, { path })}
          </button>
        )}
        {shownRunId && (
          <div className="jp-runnable-run-shown" data-run-id={shownRunId}>
            {trans.__('Run %1', shownRunId)}
            {shownRun && <StatusBadge status={shownRun.status} trans={trans} />}
            {latestRunId !== null && shownRunId !== latestRunId && (
              <button
                className="jp-runnable-link-button"
                onClick={() => void service.showRun(path, latestRunId)}
              >
                {trans.__('Show latest')}
              </button>
            )}
          </div>
        )}
        {othersRunning.length > 0 && (
          <div
            className="jp-runnable-run-others"
            data-run-ids={othersRunning.join(' ')}
            title={othersRunning.join('\n')}
          >
            {trans._n(
              '%1 other run of this pipeline in progress (see History)',
              '%1 other runs of this pipeline in progress (see History)',
              othersRunning.length
            )}
          </div>
        )}
      </header>
      <RunControls
        commands={props.commands}
        parameters={{
          view: parameters.view(path),
          declared: parameters.declared(path),
          fields: parameters.fields(path, editor.parameters),
          texts: parameters.texts(path),
          fieldProblems: parameters.fieldProblems(path, editor.parameters),
          json: model.parametersText,
          refusal: model.parametersProblem,
          onText: (name, text) => model.setParameterText(name, text),
          onJson: text => (model.parametersText = text),
          onView: view => model.setParametersView(view),
          trans
        }}
        actionError={model.actionError}
        skipUnchanged={model.skipUnchanged}
        onSkipUnchangedChange={value => (model.skipUnchanged = value)}
        trans={trans}
      />
      {loadError && (
        <div className="jp-runnable-run-error" role="alert">
          {trans.__('Could not get the runs from the server: %1', loadError)}
        </div>
      )}
      <StepList
        steps={editor.steps}
        states={service.stepStates(path)}
        history={history}
        shownRunId={shownRunId}
        fetchRunLog={runId => service.runLog(runId)}
        selection={editor.selection}
        canShowLog={shownRunId !== null}
        onCheck={(stepId, checked) => model.setStepChecked(stepId, checked)}
        onCheckAll={checked => model.setAllChecked(checked)}
        actions={props.actions}
        trans={trans}
      />
      <RunHistory
        runs={history}
        shownRunId={shownRunId}
        onShow={runId =>
          void service.showRun(path, runId).catch(() => undefined)
        }
        onCompare={
          canCompare
            ? runIds => void commands.execute(COMPARE_RUNS, { path, runIds })
            : undefined
        }
        trans={trans}
      />
    </>
  );
}

/** The side panel widget; re-renders on every change of its model. */
export class RunPanel extends ReactWidget {
  constructor(private readonly _options: RunPanel.IOptions) {
    super();
    this.id = RUN_PANEL_ID;
    this.addClass('jp-runnable-run-panel');
    this.title.icon = runPanelIcon;
    this.title.caption = _options.trans.__('Pipeline Runs');
    // The Jobs plugin may add its commands after this panel first rendered.
    _options.commands.commandChanged.connect((_, change) => {
      if (change.id === OPEN_JOBS || change.id === COMPARE_RUNS) {
        this.update();
      }
    }, this);
  }

  protected render(): JSX.Element {
    const { model } = this._options;
    return (
      <UseSignal signal={model.changed}>
        {() => <RunPanelView {...this._options} />}
      </UseSignal>
    );
  }
}

export namespace RunPanel {
  export interface IOptions {
    model: RunPanelModel;
    commands: CommandRegistry;
    actions: IStepActions;
    trans: TranslationBundle;
  }
}
