/**
 * Which run panel button is styled primary: Cancel while the shown run goes on (what one most
 * likely wants then), else running the selection, else running the whole pipeline. No
 * JupyterLab imports: unit-tested with jest.
 */
import { CommandIDs } from './commandIds';

/** In order of preference; the first enabled one is primary. */
const MAIN_ACTIONS = [
  CommandIDs.cancelRun,
  CommandIDs.runSelected,
  CommandIDs.runAll
];

export function primaryAction(
  isEnabled: (id: string) => boolean
): string | null {
  return MAIN_ACTIONS.find(id => isEnabled(id)) ?? null;
}
