import type { IRunLog, IStepAttempt } from '../runs/dto';
import type { StepStatus } from '../tokens';
import { ticks, timelineOf } from '../timeline/timelineModel';

const T0 = Date.parse('2026-12-03T12:00:00Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

function attempt(
  number: number,
  status: StepStatus,
  start: number,
  end: number | null,
  ready?: number
): IStepAttempt & { kernel_ready?: string } {
  return {
    number,
    status,
    start: at(start),
    end: end === null ? null : at(end),
    duration_s: end === null ? null : end - start,
    output_notebook: null,
    log_file: null,
    skipped_cells: [],
    cell_progress: null,
    catalog_reads: [],
    catalog_writes: [],
    error: null,
    ...(ready === undefined ? {} : { kernel_ready: at(ready) })
  };
}

function runLog(
  steps: Record<string, IStepAttempt[]>,
  passes: Array<[number, number | null]>
): IRunLog {
  const records: IRunLog['steps'] = {};
  for (const [id, attempts] of Object.entries(steps)) {
    records[id] = {
      id,
      notebook: `${id}.ipynb`,
      status: attempts.length
        ? attempts[attempts.length - 1].status
        : 'upstream_failed',
      parameters: {},
      depends_on: [],
      attempts
    };
  }
  return {
    run_id: '20261203T120000-abcdef',
    pipeline: 'p.pipeline.json',
    status: passes.some(([, e]) => e === null) ? 'running' : 'failed',
    start: at(passes[0][0]),
    end: null,
    attempts: passes.map(([s, e], i) => ({
      number: i + 1,
      start: at(s),
      end: e === null ? null : at(e),
      steps: []
    })),
    steps: records
  } as unknown as IRunLog;
}

describe('timelineOf', () => {
  it('places bars in wall-clock seconds on one axis, the kernel start first', () => {
    const log = runLog(
      {
        load: [attempt(1, 'succeeded', 0, 2, 0.5)],
        train: [attempt(1, 'failed', 2, 5)]
      },
      [[0, 5]]
    );
    const timeline = timelineOf(log);
    expect(timeline.spanS).toBe(5);
    const [load, train] = timeline.rows;
    expect([load.bars[0].startS, load.bars[0].endS]).toEqual([0, 2]);
    expect(load.bars[0].readyS).toBe(0.5);
    expect(train.bars[0].readyS).toBeNull();
    expect(timeline.breaks).toEqual([]);
  });

  it('cuts an hour between a run and its retry to a short break', () => {
    const log = runLog(
      {
        train: [attempt(1, 'failed', 0, 3), attempt(2, 'succeeded', 3600, 3604)]
      },
      [
        [0, 3],
        [3600, 3604]
      ]
    );
    const timeline = timelineOf(log);
    const [first, second] = timeline.rows[0].bars;
    expect(timeline.spanS).toBeLessThan(10);
    expect(second.endS - second.startS).toBe(4);
    expect(timeline.breaks).toHaveLength(1);
    expect(timeline.breaks[0]).toBeGreaterThan(first.endS);
    expect(timeline.breaks[0]).toBeLessThan(second.startS);
  });

  it('ends a running bar now and leaves a step that did not run without bars', () => {
    const log = runLog({ load: [attempt(1, 'running', 1, null)], after: [] }, [
      [0, null]
    ]);
    const timeline = timelineOf(log, new Date(T0 + 4000));
    const bar = timeline.rows[0].bars[0];
    expect(bar.running).toBe(true);
    expect([bar.startS, bar.endS]).toEqual([1, 4]);
    expect(timeline.rows[1].bars).toEqual([]);
  });
});

describe('ticks', () => {
  it('picks round steps covering the span', () => {
    expect(ticks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(0)).toEqual([0]);
    const long = ticks(3 * 3600);
    expect(long[1] - long[0]).toBe(1800);
  });
});
