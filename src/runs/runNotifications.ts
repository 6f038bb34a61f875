/**
 * "Run finished" notifications: when a run started (or retried) from this tab ends, a
 * JupyterLab notification says how (succeeded; failed, naming the first failed step; cancelled
 * or interrupted) with an action that opens the run. Runs started elsewhere stay quiet.
 */
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';

import { IRunFinished } from '../tokens';
import type { IRunLog } from './dto';
import { RunService } from './runService';

const AUTO_CLOSE_MS = 10 * 1000;

/** The first step of the run (in the pipeline's order) that failed, if any. */
export function firstFailedStep(log: IRunLog | null): string | null {
  if (log === null) {
    return null;
  }
  const failed = Object.values(log.steps).find(
    step => step.status === 'failed'
  );
  return failed?.id ?? null;
}

export interface IRunNotificationOptions {
  trans: TranslationBundle;
  /** Show the run: its pipeline, the run panel, the run picked in the history. */
  openRun(pipelinePath: string, runId: string): Promise<void>;
}

/** Notify the end of every run this tab started; returns a function that stops it. */
export function notifyFinishedRuns(
  service: RunService,
  options: IRunNotificationOptions
): () => void {
  const { trans } = options;
  const onFinished = (_: unknown, run: IRunFinished): void => {
    if (!run.startedHere) {
      return;
    }
    service
      .runLog(run.runId)
      .catch(() => null)
      .then(log => notify(run, log));
  };
  const notify = (run: IRunFinished, log: IRunLog | null): void => {
    const name = PathExt.basename(run.pipelinePath);
    const action: Notification.IAction = {
      label: trans.__('Show Run'),
      caption: trans.__('Show run %1 in the run panel', run.runId),
      callback: () => {
        options
          .openRun(run.pipelinePath, run.runId)
          .catch(error =>
            console.warn(
              `runnable-jupyter: could not show run ${run.runId}`,
              error
            )
          );
      }
    };
    const shown = { autoClose: AUTO_CLOSE_MS, actions: [action] };
    switch (run.status) {
      case 'succeeded':
        Notification.success(trans.__('%1: the run succeeded', name), shown);
        break;
      case 'failed': {
        const step = firstFailedStep(log);
        Notification.error(
          step
            ? trans.__('%1: the run failed at step %2', name, step)
            : trans.__('%1: the run failed', name),
          shown
        );
        break;
      }
      default:
        Notification.warning(
          trans.__('%1: the run ended %2', name, run.status),
          shown
        );
    }
  };
  service.runFinished.connect(onFinished);
  return () => service.runFinished.disconnect(onFinished);
}
