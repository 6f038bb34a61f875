/**
 * Incremental runs (skip unchanged steps): the request sent, cached steps' origin in the step
 * states, and the minimap's status colours.
 */
import {
  minimapNodeColor,
  MINIMAP_IDLE_COLOR
} from '../editor/graph/minimapColors';
import { IRunLog, IStepRecord } from '../runs/dto';
import { startRunRequest } from '../runs/requests';
import { applyEvent, statesFromRunLog } from '../runs/stepStates';

const RUN_ID = '20261122T101500-3fa9c1';
const EARLIER_RUN_ID = '20261121T090000-0a0b0c';

function record(id: string, overrides: Partial<IStepRecord> = {}): IStepRecord {
  return {
    id,
    notebook: `${id}.ipynb`,
    status: 'succeeded',
    parameters: {},
    depends_on: [],
    attempts: [
      {
        number: 1,
        status: overrides.status ?? 'succeeded',
        start: '2026-11-22T10:15:00Z',
        end: '2026-11-22T10:15:00Z',
        duration_s: 0,
        output_notebook: null,
        log_file: null,
        skipped_cells: [],
        cell_progress: null,
        catalog_reads: [],
        catalog_writes: [],
        error: null
      }
    ],
    ...overrides
  };
}

function runLog(steps: Record<string, IStepRecord>): IRunLog {
  return {
    schema_version: 1,
    run_id: RUN_ID,
    pipeline: 'etl.pipeline.json',
    pipeline_sha256: '',
    pipeline_structure: { a: [], b: ['a'] },
    selection: [],
    mode: 'all',
    parameters: {},
    skip_unchanged: true,
    status: 'succeeded',
    start: '2026-11-22T10:15:00Z',
    end: '2026-11-22T10:15:01Z',
    attempts: [],
    catalog_dir: 'etl.catalog',
    run_dir: `etl.runs/${RUN_ID}`,
    steps
  };
}

describe('startRunRequest', () => {
  it('asks the server to skip unchanged steps only when chosen', () => {
    expect(startRunRequest('p.pipeline.json', ['a'], 'only', { n: 1 })).toEqual(
      {
        pipeline: 'p.pipeline.json',
        steps: ['a'],
        mode: 'only',
        parameters: { n: 1 }
      }
    );
    expect(
      startRunRequest(
        'p.pipeline.json',
        [],
        'all',
        {},
        { skipUnchanged: false }
      )
    ).not.toHaveProperty('skip_unchanged');
    expect(
      startRunRequest(
        'p.pipeline.json',
        ['a', 'b'],
        'all',
        {},
        { skipUnchanged: true }
      )
    ).toEqual({
      pipeline: 'p.pipeline.json',
      steps: ['a', 'b'],
      mode: 'all',
      parameters: {},
      skip_unchanged: true
    });
  });

  it('copies the steps (the caller may change its array afterwards)', () => {
    const steps = ['a'];
    const request = startRunRequest('p.pipeline.json', steps, 'only');
    steps.push('b');
    expect(request.steps).toEqual(['a']);
  });
});

describe('cached steps in the step states', () => {
  it('says which earlier run a cached step reused', () => {
    const states = statesFromRunLog(
      runLog({
        a: record('a', {
          status: 'cached',
          fingerprint: 'f00d',
          cached_from: { run_id: EARLIER_RUN_ID, attempt: 2 }
        }),
        b: record('b', { fingerprint: 'beef', cached_from: null })
      })
    );
    expect(states.get('a')).toMatchObject({
      status: 'cached',
      cachedFrom: { runId: EARLIER_RUN_ID, attempt: 2 }
    });
    expect(states.get('b')?.cachedFrom).toBeUndefined();
  });

  it('ignores cached_from on a step that is not cached', () => {
    const states = statesFromRunLog(
      runLog({
        a: record('a', { cached_from: { run_id: EARLIER_RUN_ID, attempt: 1 } })
      })
    );
    expect(states.get('a')?.cachedFrom).toBeUndefined();
  });

  it('keeps the origin on a cached event and drops it when the step runs again', () => {
    const before = new Map([
      [
        'a',
        {
          status: 'cached' as const,
          cachedFrom: { runId: EARLIER_RUN_ID, attempt: 1 }
        }
      ]
    ]);
    const event = {
      pipeline: 'etl.pipeline.json',
      run_id: RUN_ID,
      kind: 'step' as const,
      step_id: 'a',
      time: '2026-11-22T10:16:00Z'
    };
    const cached = applyEvent(before, { ...event, status: 'cached' });
    expect(cached.get('a')?.cachedFrom).toEqual({
      runId: EARLIER_RUN_ID,
      attempt: 1
    });

    const running = applyEvent(cached, { ...event, status: 'running' });
    expect(running.get('a')).toMatchObject({
      status: 'running',
      cachedFrom: null
    });
    const succeeded = applyEvent(running, { ...event, status: 'succeeded' });
    expect(succeeded.get('a')).toMatchObject({
      status: 'succeeded',
      cachedFrom: null
    });
  });

  it('does not invent an origin for a cached event before the run log arrives', () => {
    const states = applyEvent(new Map(), {
      pipeline: 'etl.pipeline.json',
      run_id: RUN_ID,
      kind: 'step',
      step_id: 'b',
      status: 'cached'
    });
    expect(states.get('b')).toMatchObject({
      status: 'cached',
      cachedFrom: null
    });
  });
});

describe('minimapNodeColor', () => {
  it('uses the status colours of the theme', () => {
    expect(minimapNodeColor('succeeded')).toBe('var(--jp-success-color1)');
    expect(minimapNodeColor('cached')).toBe('var(--jp-success-color2)');
    expect(minimapNodeColor('failed')).toBe('var(--jp-error-color1)');
    expect(minimapNodeColor('running')).toBe('var(--jp-brand-color1)');
  });

  it('falls back to a neutral theme colour for steps without an outcome', () => {
    for (const status of [
      'idle',
      'pending',
      'not_selected',
      undefined
    ] as const) {
      expect(minimapNodeColor(status)).toBe(MINIMAP_IDLE_COLOR);
    }
    expect(MINIMAP_IDLE_COLOR).toMatch(/^var\(--jp-/);
  });
});
