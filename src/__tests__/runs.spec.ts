import { IRunLog, IRunStatusEvent, RUN_STATUS_SCHEMA_ID } from '../runs/dto';
import {
  formatParameters,
  parseRunParameters,
  runStartLabel
} from '../runs/format';
import {
  applyEvent,
  canRetry,
  normalizePath,
  parseRunStatusEvent,
  statesFromRunLog,
  summaryFromRunLog,
  upsertSummary
} from '../runs/stepStates';

function runLog(overrides: Partial<IRunLog> = {}): IRunLog {
  return {
    schema_version: 1,
    run_id: '20261122T101500-3fa9c1',
    pipeline: 'sub/etl.pipeline.json',
    pipeline_sha256: '',
    pipeline_structure: { a: [], b: ['a'] },
    selection: ['b'],
    mode: 'upstream',
    parameters: {},
    status: 'failed',
    start: '2026-11-22T10:15:00Z',
    end: '2026-11-22T10:15:09Z',
    attempts: [],
    catalog_dir: 'sub/etl.catalog',
    run_dir: 'sub/etl.runs/20261122T101500-3fa9c1',
    steps: {
      a: {
        id: 'a',
        notebook: 'a.ipynb',
        status: 'succeeded',
        parameters: {},
        depends_on: [],
        attempts: [
          {
            number: 1,
            status: 'succeeded',
            start: '2026-11-22T10:15:00Z',
            end: '2026-11-22T10:15:04Z',
            duration_s: 4,
            output_notebook: 'sub/etl.runs/20261122T101500-3fa9c1/a.ipynb',
            log_file: null,
            skipped_cells: [],
            cell_progress: [3, 3],
            catalog_reads: [],
            catalog_writes: [],
            error: null
          }
        ]
      },
      b: {
        id: 'b',
        notebook: 'b.ipynb',
        status: 'failed',
        parameters: {},
        depends_on: ['a'],
        attempts: [
          {
            number: 1,
            status: 'failed',
            start: '2026-11-22T10:15:04Z',
            end: '2026-11-22T10:15:09Z',
            duration_s: 5,
            output_notebook: 'sub/etl.runs/20261122T101500-3fa9c1/b.ipynb',
            log_file: null,
            skipped_cells: [],
            cell_progress: [2, 4],
            catalog_reads: [],
            catalog_writes: [],
            error: {
              name: 'ValueError',
              message: 'bad',
              traceback: '\x1b[31mValueError\x1b[39m: bad',
              cell_index: 4,
              cell_source: 'check(n)\nraise ValueError("bad")'
            }
          }
        ]
      }
    },
    ...overrides
  };
}

function stepEvent(overrides: Partial<IRunStatusEvent>): IRunStatusEvent {
  return {
    pipeline: 'sub/etl.pipeline.json',
    run_id: 'r1',
    kind: 'step',
    step_id: 'a',
    status: 'running',
    ...overrides
  };
}

describe('statesFromRunLog', () => {
  it('takes status, timing, progress, output and error from the last attempt', () => {
    const states = statesFromRunLog(runLog());
    expect(states.get('a')).toMatchObject({
      status: 'succeeded',
      durationS: 4,
      cell: 3,
      cells: 3,
      outputNotebook: 'sub/etl.runs/20261122T101500-3fa9c1/a.ipynb',
      error: null
    });
    expect(states.get('b')?.error).toEqual({
      name: 'ValueError',
      message: 'bad',
      cellIndex: 4,
      cellSource: 'check(n)\nraise ValueError("bad")',
      traceback: '\x1b[31mValueError\x1b[39m: bad'
    });
  });

  it('reads an error of an older run log, without the cell source', () => {
    const log = runLog();
    const { cell_source, ...older } = log.steps.b.attempts[0].error!;
    expect(cell_source).toBeTruthy();
    log.steps.b.attempts[0].error = older;
    expect(statesFromRunLog(log).get('b')?.error).toMatchObject({
      cellIndex: 4,
      cellSource: null
    });
  });

  it('gives a step without attempts only its status', () => {
    const log = runLog();
    log.steps.b = { ...log.steps.b, status: 'not_selected', attempts: [] };
    expect(statesFromRunLog(log).get('b')).toEqual({ status: 'not_selected' });
  });
});

describe('parseRunStatusEvent', () => {
  it('reads the data jupyter_server flattens next to schema_id', () => {
    const event = parseRunStatusEvent({
      schema_id: RUN_STATUS_SCHEMA_ID,
      pipeline: 'p.pipeline.json',
      run_id: 'r1',
      kind: 'progress',
      step_id: 'a',
      status: 'running',
      cell: 3,
      cells: 12,
      error_name: '',
      error_message: ''
    });
    expect(event).toMatchObject({
      kind: 'progress',
      step_id: 'a',
      cell: 3,
      cells: 12
    });
    expect(event?.error_name).toBeUndefined();
  });

  it('accepts nested data and reads the error name and message of a failed step', () => {
    const event = parseRunStatusEvent({
      schema_id: RUN_STATUS_SCHEMA_ID,
      data: {
        pipeline: 'p',
        run_id: 'r',
        kind: 'step',
        step_id: 'b',
        status: 'failed',
        error_name: 'KeyError',
        error_message: 'x: y'
      }
    });
    expect(event).toMatchObject({
      error_name: 'KeyError',
      error_message: 'x: y'
    });
  });

  it('ignores other schemas and malformed events', () => {
    expect(parseRunStatusEvent({ schema_id: 'other', run_id: 'r' })).toBeNull();
    expect(
      parseRunStatusEvent({ schema_id: RUN_STATUS_SCHEMA_ID, kind: 'step' })
    ).toBeNull();
    expect(parseRunStatusEvent(null)).toBeNull();
  });
});

describe('applyEvent', () => {
  const start = new Date('2026-11-22T10:00:00Z');

  it('starts a running attempt, clearing the previous outcome', () => {
    const before = new Map([
      [
        'a',
        {
          status: 'failed' as const,
          error: { name: 'E', message: 'm' },
          durationS: 3
        }
      ]
    ]);
    const after = applyEvent(before, stepEvent({ status: 'running' }), start);
    expect(after.get('a')).toMatchObject({
      status: 'running',
      start: start.toISOString(),
      error: null,
      durationS: null
    });
    expect(before.get('a')?.status).toBe('failed'); // input untouched
  });

  it('counts cells from progress events', () => {
    const running = applyEvent(
      new Map(),
      stepEvent({ status: 'running' }),
      start
    );
    const progressed = applyEvent(
      running,
      stepEvent({ kind: 'progress', cell: 3, cells: 12 })
    );
    expect(progressed.get('a')).toMatchObject({
      status: 'running',
      cell: 3,
      cells: 12
    });
  });

  it('finishes with a duration and the failure', () => {
    const running = applyEvent(
      new Map(),
      stepEvent({ status: 'running' }),
      start
    );
    const failed = applyEvent(
      running,
      stepEvent({
        status: 'failed',
        error_name: 'ValueError',
        error_message: 'bad'
      }),
      new Date(start.getTime() + 2500)
    );
    expect(failed.get('a')).toMatchObject({
      status: 'failed',
      durationS: 2.5,
      error: { name: 'ValueError', message: 'bad' }
    });
  });

  it('ignores run events and unknown statuses', () => {
    const states = new Map([['a', { status: 'pending' as const }]]);
    expect(
      applyEvent(
        states,
        stepEvent({ kind: 'run', step_id: '', status: 'running' })
      )
    ).toEqual(states);
    expect(applyEvent(states, stepEvent({ status: 'exploded' }))).toEqual(
      states
    );
  });
});

describe('history helpers', () => {
  it('summarises a run log with step counts', () => {
    expect(summaryFromRunLog(runLog())).toMatchObject({
      run_id: '20261122T101500-3fa9c1',
      status: 'failed',
      selection: ['b'],
      counts: { succeeded: 1, failed: 1 }
    });
  });

  it('replaces a known run in place and puts a new one first', () => {
    const first = summaryFromRunLog(runLog());
    const other = { ...first, run_id: 'other' };
    const updated = { ...first, status: 'succeeded' as const };
    expect(upsertSummary([other, first], updated).map(s => s.status)).toEqual([
      'failed',
      'succeeded'
    ]);
    expect(upsertSummary([first], other).map(s => s.run_id)).toEqual([
      'other',
      first.run_id
    ]);
  });

  it('offers a retry only for a finished run with failed steps', () => {
    expect(canRetry(runLog())).toBe(true);
    expect(canRetry(runLog({ status: 'running' }))).toBe(false);
    expect(canRetry(null)).toBe(false);
    const ok = runLog({ status: 'succeeded' });
    expect(canRetry(ok)).toBe(false);
  });

  it('normalises paths from the server and the editor alike', () => {
    expect(normalizePath('./sub/a.pipeline.json')).toBe('sub/a.pipeline.json');
    expect(normalizePath('/a.pipeline.json')).toBe('a.pipeline.json');
  });
});

describe('formatting', () => {
  it('parses run parameters as a JSON object', () => {
    expect(parseRunParameters('{"n": 3}')).toEqual({
      ok: true,
      value: { n: 3 }
    });
    expect(parseRunParameters('  ')).toEqual({ ok: true, value: {} });
    expect(parseRunParameters('[1]')).toMatchObject({
      ok: false,
      reason: 'not-object'
    });
    expect(parseRunParameters('{n: 3}')).toMatchObject({
      ok: false,
      reason: 'syntax'
    });
  });

  it('prefills parameters as pretty JSON', () => {
    expect(formatParameters({})).toBe('{}');
    expect(formatParameters({ n: 1 })).toBe('{\n  "n": 1\n}');
  });

  it('says when a run started from its id, in local time', () => {
    const start = new Date(Date.UTC(2026, 11, 2, 12, 4, 30));
    const pad = (value: number) => String(value).padStart(2, '0');
    const local =
      `${pad(start.getMonth() + 1)}-${pad(start.getDate())} ` +
      `${pad(start.getHours())}:${pad(start.getMinutes())}`;
    expect(runStartLabel('20261202T120430-abcdef')).toBe(local);
    expect(runStartLabel('not-a-run-id')).toBe('not-a-run-id');
  });
});
