/**
 * What a step row's links do: open the executed notebook at the failing cell, or open the
 * step's live log in the main area; and how its traceback is drawn.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { NotebookWidgetFactory } from '@jupyterlab/notebook';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';

import { IStepState } from '../tokens';
import { runStartLabel } from './format';
import { StepLogView } from './panel/StepLogView';
import { didNotRunNote } from './stepLogNotes';
import { IStepActions } from './panel/StepList';
import { RunPanelModel } from './panelModel';
import { RunOutputView } from './runOutputView';
import { tracebackRenderer } from './tracebackRenderer';

export interface IStepActionOptions {
  /** The notebook widget factory (renderers, editor settings) for read-only outputs. */
  notebookFactory: NotebookWidgetFactory | null;
  translator: ITranslator | null;
}

/** A run artifact's tab title: the step and when its run started ("profile · run 12-02 12:04"). */
function artifactTitle(
  trans: TranslationBundle,
  stepId: string,
  runId: string
): string {
  return trans.__('%1 · run %2', stepId, runStartLabel(runId));
}

export function createStepActions(
  app: JupyterFrontEnd,
  model: RunPanelModel,
  trans: TranslationBundle,
  options: IStepActionOptions
): IStepActions {
  const logWidgets = new Map<string, MainAreaWidget<StepLogView>>();
  const outputWidgets = new Map<string, RunOutputView>();

  const openOutput = async (
    stepId: string,
    state: IStepState
  ): Promise<void> => {
    const runId = model.shownRunId;
    const path = state.outputNotebook;
    if (!path || runId === null) {
      return;
    }
    const factory = options.notebookFactory;
    if (factory === null) {
      // No notebook renderer in this JupyterLab: the file still opens (the server keeps it
      // read-only).
      await app.commands.execute('docmanager:open', { path });
      return;
    }
    const existing = outputWidgets.get(path);
    if (existing && !existing.isDisposed) {
      app.shell.activateById(existing.id);
      return;
    }
    const widget = new RunOutputView({
      path,
      runId,
      stepId,
      factory,
      contents: app.serviceManager.contents,
      trans,
      translator: options.translator ?? undefined
    });
    widget.id = `jp-runnable-run-output-${runId}-${stepId}`;
    widget.title.label = artifactTitle(trans, stepId, runId);
    widget.title.caption = trans.__(
      'Executed notebook of step %1 in run %2 (read-only): %3',
      stepId,
      runId,
      path
    );
    widget.title.closable = true;
    widget.disposed.connect(() => outputWidgets.delete(path));
    outputWidgets.set(path, widget);
    try {
      await widget.load();
    } catch (error) {
      widget.dispose();
      throw error;
    }
    app.shell.add(widget, 'main', { mode: 'split-right' });
    app.shell.activateById(widget.id);
    if (state.status === 'failed') {
      await widget.revealed;
      await widget.revealFailingCell(state.error?.cellIndex);
    }
  };

  const showLog = (stepId: string, state?: IStepState): void => {
    const runId = model.shownRunId;
    if (runId === null) {
      return;
    }
    const key = `${runId}/${stepId}`;
    const existing = logWidgets.get(key);
    if (existing && !existing.isDisposed) {
      app.shell.activateById(existing.id);
      return;
    }
    const content = new StepLogView({
      runId,
      stepId,
      fetch: offset => model.service.stepLog(runId, stepId, offset),
      trans,
      didNotRun: didNotRunNote(state, trans)
    });
    const widget = new MainAreaWidget({ content });
    widget.id = `jp-runnable-step-log-${runId}-${stepId}`;
    widget.title.label = trans.__(
      '%1 · log · run %2',
      stepId,
      runStartLabel(runId)
    );
    widget.title.caption = trans.__(
      'Output of step %1 in run %2',
      stepId,
      runId
    );
    widget.title.closable = true;
    widget.disposed.connect(() => logWidgets.delete(key));
    logWidgets.set(key, widget);
    app.shell.add(widget, 'main', { mode: 'split-right' });
    app.shell.activateById(widget.id);
  };

  return {
    openOutput: (stepId, state) => {
      openOutput(stepId, state).catch(error =>
        console.warn(
          `runnable-jupyter: could not open the output of ${stepId}`,
          error
        )
      );
    },
    showLog,
    renderTraceback: tracebackRenderer(
      options.notebookFactory?.rendermime ?? null
    )
  };
}
