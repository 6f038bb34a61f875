/**
 * What a step's log view says about a step that never ran (so it has no output to show), by
 * its status. No JupyterLab runtime imports: unit-tested with jest.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IStepState } from '../tokens';

/** Why the step has no output, or null when it ran (its log is the output). */
export function didNotRunNote(
  state: IStepState | undefined,
  trans: TranslationBundle
): string | null {
  switch (state?.status) {
    case 'upstream_failed':
      return trans.__('This step did not run: a step it depends on failed.');
    case 'not_selected':
      return trans.__(
        'This step did not run: it was not selected for this run.'
      );
    case 'cached':
      return state.cachedFrom
        ? trans.__(
            'This step did not run: its earlier result from run %1 was reused (cached).',
            state.cachedFrom.runId
          )
        : trans.__(
            'This step did not run: an earlier result was reused (cached).'
          );
    case 'mocked':
      return trans.__(
        'This step did not run: a mock stood in for it, its files are its outputs.'
      );
    case 'cancelled':
      return state.start
        ? null
        : trans.__(
            'This step did not run: the run was cancelled before it started.'
          );
    default:
      return null;
  }
}
