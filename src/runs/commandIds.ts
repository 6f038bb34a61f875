/** Ids of the run commands (placed in menus and shortcuts by schema/runs.json). */
export namespace CommandIDs {
  export const runSelected = 'runnable-jupyter:run-selected';
  export const runSelectedUpstream = 'runnable-jupyter:run-selected-upstream';
  export const runSelectedDownstream =
    'runnable-jupyter:run-selected-downstream';
  export const runAll = 'runnable-jupyter:run-all';
  export const cancelRun = 'runnable-jupyter:cancel-run';
  export const retryRun = 'runnable-jupyter:retry-run';
  export const showRunPanel = 'runnable-jupyter:show-run-panel';
}
