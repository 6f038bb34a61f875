/**
 * A job's runs as table rows: each run's parameters, the metrics its steps logged (the last
 * value of each `step.name`), status and duration; the columns every row can fill. No
 * JupyterLab imports: unit-tested with jest.
 */
import { attemptDurations } from '../duration';
import type { IRunLog } from '../runs/dto';
import type { RunStatus } from '../tokens';

export interface IRunRow {
  runId: string;
  status: RunStatus;
  start: string | null;
  durationS: number | null;
  parameters: Record<string, unknown>;
  /** "step.name" -> the last value logged. */
  metrics: Record<string, number>;
}

export interface IRunColumns {
  parameters: string[];
  metrics: string[];
}

interface IMetricPoint {
  name: string;
  value: number;
}

/** The last value of each metric a step's last attempt logged, as "step.name". */
export function runMetrics(log: IRunLog): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [stepId, record] of Object.entries(log.steps)) {
    const attempt = record.attempts[record.attempts.length - 1];
    const points = ((attempt as { metrics?: IMetricPoint[] } | undefined)
      ?.metrics ?? []) as IMetricPoint[];
    for (const point of points) {
      metrics[`${stepId}.${point.name}`] = point.value;
    }
  }
  return metrics;
}

/** A retried run's time is its attempts' (the idle time before a retry is not the run's). */
function totalSeconds(durations: number[]): number | null {
  return durations.length ? durations.reduce((sum, d) => sum + d, 0) : null;
}

export function runRow(log: IRunLog): IRunRow {
  return {
    runId: log.run_id,
    status: log.status,
    start: log.start,
    durationS: totalSeconds(attemptDurations(log)),
    parameters: { ...log.parameters },
    metrics: runMetrics(log)
  };
}

/** Parameter columns (the grid's names first, in their order), then metric columns, sorted. */
export function runColumns(
  rows: ReadonlyArray<IRunRow>,
  gridNames: ReadonlyArray<string> = []
): IRunColumns {
  const parameters = new Set<string>(gridNames);
  const metrics = new Set<string>();
  for (const row of rows) {
    Object.keys(row.parameters).forEach(name => parameters.add(name));
    Object.keys(row.metrics).forEach(name => metrics.add(name));
  }
  const rest = [...parameters].filter(name => !gridNames.includes(name)).sort();
  return {
    parameters: [...gridNames, ...rest],
    metrics: [...metrics].sort()
  };
}

/** Column ids of the table, for sorting and CSV: `param:NAME`, `metric:NAME`, and the rest. */
export function cellOf(row: IRunRow, column: string): unknown {
  if (column.startsWith('param:')) {
    return row.parameters[column.slice('param:'.length)];
  }
  if (column.startsWith('metric:')) {
    return row.metrics[column.slice('metric:'.length)];
  }
  switch (column) {
    case 'run':
      return row.runId;
    case 'status':
      return row.status;
    case 'duration':
      return row.durationS;
    case 'start':
      return row.start;
    default:
      return undefined;
  }
}

/** All column ids in table order. */
export function columnIds(columns: IRunColumns): string[] {
  return [
    'run',
    ...columns.parameters.map(name => `param:${name}`),
    ...columns.metrics.map(name => `metric:${name}`),
    'status',
    'duration',
    'start'
  ];
}

/** The header of a column id as CSV writes it. */
export function columnHeader(column: string): string {
  if (column.startsWith('param:')) {
    return column.slice('param:'.length);
  }
  if (column.startsWith('metric:')) {
    return column.slice('metric:'.length);
  }
  return column === 'duration'
    ? 'duration_s'
    : column === 'run'
      ? 'run_id'
      : column;
}
