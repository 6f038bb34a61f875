/**
 * The message for a dependency the editor refuses, the same whether it was drawn in the graph or
 * chosen in the properties panel.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { ConnectResult } from './graphOps';

type RefusalReason = Extract<ConnectResult, { ok: false }>['reason'];

/** The message, or null when there is nothing to say (an existing edge, a vanished step). */
export function connectionRefusal(
  reason: RefusalReason,
  source: string,
  target: string,
  trans: TranslationBundle
): string | null {
  switch (reason) {
    case 'cycle':
      return trans.__(
        'Connection refused: "%1" already depends on "%2", so this link would create a cycle.',
        source,
        target
      );
    case 'self':
      return trans.__('Connection refused: a step cannot depend on itself.');
    default:
      return null;
  }
}
