/**
 * What a step row's links do: open the executed notebook at the failing cell, or open the
 * step's live log in the main area.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ICodeCellModel } from '@jupyterlab/cells';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { IStepState } from '../tokens';
import { StepLogView } from './panel/StepLogView';
import { didNotRunNote } from './stepLogNotes';
import { IStepActions } from './panel/StepList';
import { RunPanelModel } from './panelModel';

/**
 * Index of the cell to show in an executed notebook: the first cell with an error output
 * (papermill inserts cells, so the source index may be off by a few), else `fallback`.
 */
function failingCellIndex(
  panel: NotebookPanel,
  fallback: number | null | undefined
): number {
  const cells = panel.content.widgets;
  const index = cells.findIndex(cell => {
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
  return index >= 0 ? index : (fallback ?? -1);
}

export function createStepActions(
  app: JupyterFrontEnd,
  model: RunPanelModel,
  trans: TranslationBundle
): IStepActions {
  const logWidgets = new Map<string, MainAreaWidget<StepLogView>>();

  const openOutput = async (
    stepId: string,
    state: IStepState
  ): Promise<void> => {
    if (!state.outputNotebook) {
      return;
    }
    const widget = (await app.commands.execute('docmanager:open', {
      path: state.outputNotebook
    })) as Widget | undefined;
    if (!(widget instanceof NotebookPanel) || state.status !== 'failed') {
      return;
    }
    await widget.context.ready;
    await widget.revealed;
    const index = failingCellIndex(widget, state.error?.cellIndex);
    if (index >= 0 && index < widget.content.widgets.length) {
      widget.content.activeCellIndex = index;
      await widget.content.scrollToItem(index, 'center');
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
    widget.title.label = trans.__('Log: %1', stepId);
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
    showLog
  };
}
