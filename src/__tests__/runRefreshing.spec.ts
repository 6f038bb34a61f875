import { createPipelineRuns } from '../runs/pipelineRuns';
import { RunRefresher } from '../runs/runRefreshing';

describe('RunRefresher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('leaves no timer behind when disposed', async () => {
    // A listed pipeline with a run in progress: neither poll stands by.
    const entry = createPipelineRuns();
    entry.loading = Promise.resolve();
    entry.running.add('r1');
    const refreshed: string[] = [];
    const refresher = new RunRefresher({
      pipelines: () => [['a.pipeline.json', entry]],
      refresh: async (_path, runId) => {
        refreshed.push(runId);
      },
      relist: async () => undefined
    });
    // Both polls start and schedule their next ticks.
    await jest.advanceTimersByTimeAsync(5000);
    expect(refreshed).toContain('r1');
    expect(jest.getTimerCount()).toBeGreaterThan(0);
    refresher.dispose();
    await jest.advanceTimersByTimeAsync(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
