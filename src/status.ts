/**
 * Status words shared by the pipeline editor's graph and the run panel, so a step or run reads
 * the same everywhere. No JupyterLab runtime imports: unit-tested with jest.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IStepState, RunStatus, StepStatus } from './tokens';

/** A step's status, a run's status, or "idle" for a step of a pipeline that has not run. */
export type ShownStatus = StepStatus | RunStatus | 'idle';

/** The translated label of a status ("upstream failed", "not selected", ...). */
export function statusLabel(
  status: ShownStatus,
  trans: TranslationBundle
): string {
  switch (status) {
    case 'pending':
      return trans.__('pending');
    case 'running':
      return trans.__('running');
    case 'succeeded':
      return trans.__('succeeded');
    case 'failed':
      return trans.__('failed');
    case 'upstream_failed':
      return trans.__('upstream failed');
    case 'cancelled':
      return trans.__('cancelled');
    case 'interrupted':
      return trans.__('interrupted');
    case 'cached':
      return trans.__('cached');
    case 'mocked':
      return trans.__('mocked');
    case 'not_selected':
      return trans.__('not selected');
    case 'idle':
      return trans.__('idle');
  }
}

/** "cell 3 of 7" while a step runs and its cell count is known; null otherwise. */
export function stepProgressLabel(
  state: IStepState | undefined,
  trans: TranslationBundle
): string | null {
  if (state?.status === 'running' && state.cells) {
    return trans.__('cell %1 of %2', state.cell ?? 0, state.cells);
  }
  return null;
}
