/**
 * After partial runs, a step the shown run does not run shows its status in the newest earlier
 * run that ran it.
 */
import type { IRunLog, IRunSummary } from '../runs/dto';
import { lastKnownStates, runsToLookAt } from '../runs/lastKnownStates';
import type { IStepState, StepStatus } from '../tokens';

const STEPS = ['load', 'train', 'report'].map(id => ({
  id,
  notebook: `${id}.ipynb`
}));

function log(runId: string, steps: Record<string, StepStatus>): IRunLog {
  return {
    run_id: runId,
    steps: Object.fromEntries(
      Object.entries(steps).map(([id, status]) => [id, { id, status }])
    )
  } as unknown as IRunLog;
}

function summary(runId: string, status: IRunSummary['status']): IRunSummary {
  return { run_id: runId, status } as IRunSummary;
}

describe('last known step states', () => {
  const shown = new Map<string, IStepState>([
    ['load', { status: 'not_selected' }],
    ['train', { status: 'succeeded' }]
  ]);

  it('takes each step not run from the newest earlier run that ran it', () => {
    const logs = [
      log('r3', {
        load: 'not_selected',
        train: 'failed',
        report: 'not_selected'
      }),
      log('r2', { load: 'failed', train: 'succeeded', report: 'not_selected' }),
      log('r1', { load: 'succeeded', train: 'succeeded', report: 'succeeded' })
    ];
    expect([...lastKnownStates(STEPS, shown, logs)]).toEqual([
      ['load', { status: 'failed', runId: 'r2' }],
      ['report', { status: 'succeeded', runId: 'r1' }]
    ]);
  });

  it('reads finished earlier runs only, none when the shown run ran every step', () => {
    const history = [
      summary('r4', 'running'),
      summary('r3', 'succeeded'),
      summary('r2', 'failed')
    ];
    expect(runsToLookAt(history, 'r3', STEPS, shown)).toEqual(['r2']);
    const all = new Map<string, IStepState>(
      STEPS.map(step => [step.id, { status: 'succeeded' }])
    );
    expect(runsToLookAt(history, 'r3', STEPS, all)).toEqual([]);
  });
});
