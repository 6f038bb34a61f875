import { CommandIDs } from '../runs/commandIds';
import { primaryAction } from '../runs/primaryAction';

function enabled(...ids: string[]): (id: string) => boolean {
  return id => ids.includes(id);
}

describe('the primary run panel button', () => {
  it('is Cancel while the shown run goes on, whatever else may run', () => {
    expect(
      primaryAction(
        enabled(CommandIDs.cancelRun, CommandIDs.runSelected, CommandIDs.runAll)
      )
    ).toBe(CommandIDs.cancelRun);
    expect(primaryAction(enabled(CommandIDs.cancelRun))).toBe(
      CommandIDs.cancelRun
    );
  });

  it('is running the selection, else the whole pipeline, when nothing runs', () => {
    expect(
      primaryAction(
        enabled(CommandIDs.runSelected, CommandIDs.runAll, CommandIDs.retryRun)
      )
    ).toBe(CommandIDs.runSelected);
    expect(primaryAction(enabled(CommandIDs.runAll))).toBe(CommandIDs.runAll);
    expect(primaryAction(enabled(CommandIDs.retryRun))).toBeNull();
  });
});
