/**
 * The Jobs view's pure logic: typed grid values, the New Job request, server errors by field,
 * CSV, sorting, chart scales and the runs table.
 */
import {
  linearScale,
  niceAxis,
  pointScale,
  tickLabel
} from '../jobs/chartScale';
import { toCsv } from '../jobs/csv';
import { describeSchedule, wallTime } from '../jobs/scheduleText';
import type { IDeclaredParameter } from '../jobs/dto';
import { fieldErrors, fieldOfPointer } from '../jobs/formErrors';
import { buildRequest, emptyForm, formRuns, IJobForm } from '../jobs/jobForm';
import {
  cellOf,
  columnHeader,
  columnIds,
  runColumns,
  runMetrics,
  runRow
} from '../jobs/runTable';
import { nextSortKey, sortRows } from '../jobs/sorting';
import {
  gridSize,
  parseValue,
  parseValueList,
  splitValues
} from '../jobs/typedValues';
import type { IRunLog } from '../runs/dto';

describe('typed values', () => {
  it('parses each type and refuses what is not of it', () => {
    expect(parseValue(' 3 ', 'int')).toEqual({ ok: true, value: 3 });
    expect(parseValue('3.5', 'int')).toEqual({
      ok: false,
      message: "'3.5' is not a whole number"
    });
    expect(parseValue('1e-3', 'float')).toEqual({ ok: true, value: 0.001 });
    expect(parseValue('.5', 'float')).toEqual({ ok: true, value: 0.5 });
    expect(parseValue('0x10', 'float').ok).toBe(false);
    expect(parseValue('Infinity', 'float').ok).toBe(false);
    expect(parseValue('', 'float')).toEqual({
      ok: false,
      message: 'give a value'
    });
    expect(parseValue('True', 'bool')).toEqual({ ok: true, value: true });
    expect(parseValue('yes', 'bool').ok).toBe(false);
    expect(parseValue('a b', 'str')).toEqual({ ok: true, value: 'a b' });
    expect(parseValue('"a, b"', 'str')).toEqual({ ok: true, value: 'a, b' });
    expect(parseValue('[1, 2]', 'list')).toEqual({ ok: true, value: [1, 2] });
    expect(parseValue('{"a": 1}', 'list').ok).toBe(false);
    expect(parseValue('{"a": 1}', 'dict')).toEqual({
      ok: true,
      value: { a: 1 }
    });
    expect(parseValue('[1]', 'dict').ok).toBe(false);
    expect(parseValue('2', 'any')).toEqual({ ok: true, value: 2 });
    expect(parseValue('word', 'any')).toEqual({ ok: true, value: 'word' });
  });

  it('splits lists at top-level commas only', () => {
    expect(splitValues('0.1, 1')).toEqual(['0.1', '1']);
    expect(splitValues('[1, 2], [3]')).toEqual(['[1, 2]', '[3]']);
    expect(splitValues('"a, b", c')).toEqual(['"a, b"', 'c']);
    expect(splitValues('{"k": [1, 2]}, {}')).toEqual(['{"k": [1, 2]}', '{}']);
    expect(splitValues('  ')).toEqual([]);
  });

  it('types every value of a grid list and names the one that fails', () => {
    expect(parseValueList('3, 5', 'int')).toEqual({ ok: true, value: [3, 5] });
    expect(parseValueList('3, five', 'int')).toEqual({
      ok: false,
      message: "value 2: 'five' is not a whole number"
    });
    expect(parseValueList('1,,2', 'float')).toEqual({
      ok: false,
      message: 'value 2 is empty'
    });
    expect(parseValueList('', 'float').ok).toBe(false);
  });

  it('counts the runs of a product grid', () => {
    expect(gridSize({})).toBe(1);
    expect(gridSize({ a: [1, 2], b: [3, 4, 5] })).toBe(6);
    expect(gridSize({ a: [1, 2], b: [] })).toBe(0);
  });
});

const DECLARED: IDeclaredParameter[] = [
  {
    name: 'alpha',
    type: 'float',
    default: 0.1,
    default_text: '0.1',
    help: '',
    steps: ['train']
  },
  {
    name: 'depth',
    type: 'int',
    default: 3,
    default_text: '3',
    help: 'tree depth',
    steps: ['train']
  },
  {
    name: 'label',
    type: 'str',
    default: 'x',
    default_text: '"x"',
    help: '',
    steps: ['report']
  }
];

function form(change: (form: IJobForm) => void): IJobForm {
  const value = emptyForm(DECLARED, 'Europe/Paris');
  value.name = 'sweep';
  change(value);
  return value;
}

describe('the New Job request', () => {
  it('makes a product grid of the swept parameters and fixes the others', () => {
    const value = form(f => {
      f.parameters[0] = { ...f.parameters[0], use: 'sweep', text: '0.1, 1' };
      f.parameters[1] = { ...f.parameters[1], use: 'sweep', text: '3, 5' };
      f.parameters[2] = { ...f.parameters[2], use: 'fixed', text: 'y' };
    });
    expect(formRuns(value)).toBe(4);
    const built = buildRequest('p.pipeline.json', value);
    expect(built.errors).toEqual({});
    expect(built.runs).toBe(4);
    expect(built.request).toEqual({
      pipeline: 'p.pipeline.json',
      name: 'sweep',
      mode: 'all',
      parameters: { label: 'y' },
      grid: { alpha: [0.1, 1], depth: [3, 5] }
    });
  });

  it('refuses values that do not parse next to their field, and sends nothing', () => {
    const value = form(f => {
      f.name = 'no spaces';
      f.parameters[1] = { ...f.parameters[1], use: 'sweep', text: '3, 4.5' };
      f.scheduled = true;
      f.cron = ' ';
    });
    const built = buildRequest('p.pipeline.json', value);
    expect(built.request).toBeNull();
    expect(Object.keys(built.errors).sort()).toEqual([
      'cron',
      'name',
      'param:depth'
    ]);
    expect(built.errors['param:depth']).toEqual([
      "value 2: '4.5' is not a whole number"
    ]);
  });

  it('sends the schedule, the steps and their mode when given', () => {
    const value = form(f => {
      f.steps = ['train'];
      f.mode = 'upstream';
      f.scheduled = true;
      f.cron = '0 2 * * *';
      f.missed = 'run_once';
    });
    expect(buildRequest('p.pipeline.json', value).request).toEqual({
      pipeline: 'p.pipeline.json',
      name: 'sweep',
      mode: 'upstream',
      steps: ['train'],
      schedule: {
        cron: '0 2 * * *',
        timezone: 'Europe/Paris',
        missed: 'run_once'
      }
    });
  });
});

describe('server errors by field', () => {
  it('maps job problems located by pointers onto the form fields', () => {
    expect(fieldOfPointer('/schedule/cron')).toBe('cron');
    expect(fieldOfPointer('/schedule/timezone')).toBe('timezone');
    expect(fieldOfPointer('/grid/alpha/1')).toBe('param:alpha');
    expect(fieldOfPointer('/grid/0/alpha')).toBe('param:alpha');
    expect(fieldOfPointer('/grid')).toBe('grid');
    expect(fieldOfPointer('/parameters/a~1b')).toBe('param:a/b');
    expect(fieldOfPointer('/steps/0')).toBe('steps');
    expect(fieldOfPointer('')).toBe('form');
    expect(
      fieldErrors('job_invalid', 'job x has 2 problems', [
        { pointer: '/schedule/cron', step: null, message: 'not cron' },
        { pointer: '/grid', step: null, message: 'too large' }
      ])
    ).toEqual({ cron: ['not cron'], grid: ['too large'] });
    expect(fieldErrors('job_exists', 'taken', {})).toEqual({ name: ['taken'] });
    expect(fieldErrors('bad_request', 'bad name', { field: 'name' })).toEqual({
      name: ['bad name']
    });
    expect(fieldErrors('pipeline_invalid', 'broken', [])).toEqual({
      form: ['broken']
    });
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x,y'],
          ['say "hi"', null],
          [[1, 2], 'line\nbreak']
        ]
      )
    ).toBe('a,b\r\n1,"x,y"\r\n"say ""hi""",\r\n"[1,2]","line\nbreak"\r\n');
  });
});

describe('sorting', () => {
  const rows = [
    { v: 10 },
    { v: null },
    { v: 2 },
    { v: 'run 10' },
    { v: 'run 2' },
    { v: 2 }
  ];
  const cell = (row: { v: unknown }) => row.v;
  it('sorts numbers by value, text naturally, missing values last both ways', () => {
    const up = sortRows(rows, { column: 'v', direction: 'ascending' }, cell);
    expect(up.map(r => r.v)).toEqual([2, 2, 10, 'run 2', 'run 10', null]);
    const down = sortRows(rows, { column: 'v', direction: 'descending' }, cell);
    expect(down.map(r => r.v)).toEqual(['run 10', 'run 2', 10, 2, 2, null]);
    expect(up[0]).toBe(rows[2]); // stable: equal values keep their order
    expect(rows[0].v).toBe(10); // the input is left as it was
  });
  it('flips the direction on a second click of the same column', () => {
    const first = nextSortKey(null, 'a');
    expect(first).toEqual({ column: 'a', direction: 'ascending' });
    expect(nextSortKey(first, 'a')).toEqual({
      column: 'a',
      direction: 'descending'
    });
    expect(nextSortKey(first, 'b')).toEqual({
      column: 'b',
      direction: 'ascending'
    });
  });
});

describe('chart scales', () => {
  it('covers the values with round ticks', () => {
    expect(niceAxis([0.12, 0.93])).toEqual({
      min: 0,
      max: 1,
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1]
    });
    expect(niceAxis([0.71, 0.79]).ticks).toEqual([
      0.7, 0.72, 0.74, 0.76, 0.78, 0.8
    ]);
    expect(niceAxis([3, 47])).toEqual({
      min: 0,
      max: 50,
      ticks: [0, 10, 20, 30, 40, 50]
    });
    const single = niceAxis([5]);
    expect(single.min).toBeLessThan(5);
    expect(single.max).toBeGreaterThan(5);
    expect(niceAxis([])).toEqual({ min: 0, max: 1, ticks: [0, 0.5, 1] });
  });
  it('maps linearly, reversed ranges included, and spaces categories evenly', () => {
    const y = linearScale([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(10)).toBe(0);
    expect(y(2.5)).toBe(150);
    const x = pointScale(['a', 'b'], [0, 100]);
    expect([x.get('a'), x.get('b')]).toEqual([25, 75]);
    expect(tickLabel(0.30000000000000004)).toBe('0.3');
    expect(tickLabel(123456)).toBe('1.2e+5');
  });
});

function log(
  runId: string,
  parameters: Record<string, unknown>,
  accuracy: number[]
): IRunLog {
  return {
    run_id: runId,
    parameters,
    status: 'succeeded',
    start: '2026-01-01T00:00:00Z',
    end: '2026-01-01T00:00:04Z',
    steps: {
      train: {
        id: 'train',
        attempts: [
          { metrics: [{ name: 'accuracy', value: 0.5 }] },
          {
            metrics: accuracy.map((value, step) => ({
              name: 'accuracy',
              value,
              step
            }))
          }
        ]
      }
    }
  } as unknown as IRunLog;
}

describe('the runs table', () => {
  it('has the parameters, the last value of each metric, status and duration', () => {
    const rows = [
      log('r1', { alpha: 0.1, depth: 3 }, [0.7, 0.8]),
      log('r2', { alpha: 1, seed: 1 }, [0.9])
    ].map(runRow);
    expect(runMetrics(log('r', {}, [0.1, 0.2]))).toEqual({
      'train.accuracy': 0.2
    });
    expect(rows[0]).toMatchObject({
      runId: 'r1',
      durationS: 4,
      metrics: { 'train.accuracy': 0.8 }
    });
    // A retried run's time is its attempts', not the hour between them.
    const retried = {
      ...log('r3', {}, [0.5]),
      attempts: [
        {
          number: 1,
          start: '2026-01-01T00:00:00Z',
          end: '2026-01-01T00:00:03Z',
          steps: []
        },
        {
          number: 2,
          start: '2026-01-01T01:00:00Z',
          end: '2026-01-01T01:00:02Z',
          steps: []
        }
      ],
      end: '2026-01-01T01:00:02Z'
    } as IRunLog;
    expect(runRow(retried).durationS).toBe(5);
    const columns = runColumns(rows, ['depth', 'alpha']);
    expect(columns).toEqual({
      parameters: ['depth', 'alpha', 'seed'],
      metrics: ['train.accuracy']
    });
    const ids = columnIds(columns);
    expect(ids.map(columnHeader)).toEqual([
      'run_id',
      'depth',
      'alpha',
      'seed',
      'train.accuracy',
      'status',
      'duration_s',
      'start'
    ]);
    expect(ids.map(id => cellOf(rows[1], id))).toEqual([
      'r2',
      undefined,
      1,
      1,
      0.9,
      'succeeded',
      4,
      '2026-01-01T00:00:00Z'
    ]);
  });
});

describe('schedules in words', () => {
  it('reads a cron expression with its time zone, and says nothing of a broken one', () => {
    expect(describeSchedule('0 2 * * *', 'Europe/Paris')).toBe(
      'At 02:00, every day (Europe/Paris)'
    );
    expect(describeSchedule('*/15 * * * 1-5', 'UTC')).toBe(
      'Every 15 minutes, every hour, Monday through Friday (UTC)'
    );
    expect(describeSchedule('61 * * * *', 'UTC')).toBeNull();
    expect(wallTime('2026-12-04T02:00:00+01:00')).toBe('2026-12-04 02:00');
  });
});
