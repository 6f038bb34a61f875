/**
 * Each step's last known status after partial runs: for a step the shown run does not run
 * (`not_selected`, or no record), the status it had in the newest earlier run that ran it.
 * No JupyterLab imports: unit-tested with jest.
 */
import type { IStepInfo, IStepState, StepStatus } from '../tokens';
import type { IRunLog, IRunSummary } from './dto';
import { isRunFinished } from './stepStates';

/** Earlier runs looked at, newest first (their logs are fetched once: finished logs stay). */
export const LOOKED_BACK_RUNS = 10;

export interface ILastKnownState {
  status: StepStatus;
  runId: string;
}

function notRun(state: IStepState | undefined): boolean {
  return !state || state.status === 'not_selected';
}

/** The finished runs to read, newest first, none when the shown run runs every step. */
export function runsToLookAt(
  history: ReadonlyArray<IRunSummary>,
  shownRunId: string | null,
  steps: ReadonlyArray<IStepInfo>,
  states: ReadonlyMap<string, IStepState>
): string[] {
  if (!steps.some(step => notRun(states.get(step.id)))) {
    return [];
  }
  return history
    .filter(run => run.run_id !== shownRunId && isRunFinished(run.status))
    .slice(0, LOOKED_BACK_RUNS)
    .map(run => run.run_id);
}

/** For each step the shown run does not run, its status in the newest log that ran it. */
export function lastKnownStates(
  steps: ReadonlyArray<IStepInfo>,
  states: ReadonlyMap<string, IStepState>,
  logs: ReadonlyArray<IRunLog>
): Map<string, ILastKnownState> {
  const known = new Map<string, ILastKnownState>();
  for (const step of steps) {
    if (!notRun(states.get(step.id))) {
      continue;
    }
    for (const log of logs) {
      const status = log.steps[step.id]?.status;
      if (status && status !== 'not_selected') {
        known.set(step.id, { status, runId: log.run_id });
        break;
      }
    }
  }
  return known;
}
