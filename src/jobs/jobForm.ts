/**
 * The New Job form's state and the `POST jobs` body it makes: each parameter left at its
 * default, fixed to a value or swept over values (a product grid), each value parsed as the
 * parameter's type first. No JupyterLab imports: unit-tested with jest.
 */
import type { RunMode } from '../tokens';
import type {
  ICreateJobRequest,
  IDeclaredParameter,
  MissedPolicy,
  ParameterType
} from './dto';
import type { FieldKey } from './formErrors';
import { gridSize, parseValue, parseValueList, valueText } from './typedValues';

export type ParameterUse = 'default' | 'fixed' | 'sweep';

export interface IParameterRow {
  name: string;
  type: ParameterType;
  /** Declared by a notebook's parameters cell (else added in the form). */
  declared: boolean;
  use: ParameterUse;
  /** A fixed value, or the swept values separated by commas. */
  text: string;
  defaultValue: unknown;
  help: string;
  steps: string[];
}

export interface IJobForm {
  name: string;
  steps: string[];
  mode: RunMode;
  parameters: IParameterRow[];
  scheduled: boolean;
  cron: string;
  timezone: string;
  missed: MissedPolicy;
}

export function parameterRows(
  declared: ReadonlyArray<IDeclaredParameter>
): IParameterRow[] {
  return declared.map(parameter => ({
    name: parameter.name,
    type: parameter.type,
    declared: true,
    use: 'default',
    text: valueText(parameter.default),
    defaultValue: parameter.default,
    help: parameter.help,
    steps: [...parameter.steps]
  }));
}

export function emptyForm(
  declared: ReadonlyArray<IDeclaredParameter>,
  timezone: string
): IJobForm {
  return {
    name: '',
    steps: [],
    mode: 'all',
    parameters: parameterRows(declared),
    scheduled: false,
    cron: '0 2 * * *',
    timezone,
    missed: 'skip'
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JOB_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

export interface IBuiltRequest {
  request: ICreateJobRequest | null;
  /** Problems found before sending, by field (`name`, `param:NAME`, `cron`...). */
  errors: Record<FieldKey, string[]>;
  /** Runs the grid makes (1 without swept parameters). */
  runs: number;
}

/** The grid's size as the form stands (values that do not parse count as none). */
export function formRuns(form: IJobForm): number {
  const grid: Record<string, unknown[]> = {};
  for (const row of form.parameters) {
    if (row.use === 'sweep') {
      const parsed = parseValueList(row.text, row.type);
      grid[row.name] = parsed.ok ? parsed.value : [];
    }
  }
  return gridSize(grid);
}

export function buildRequest(pipeline: string, form: IJobForm): IBuiltRequest {
  const errors: Record<FieldKey, string[]> = {};
  const add = (key: FieldKey, message: string) => {
    (errors[key] = errors[key] ?? []).push(message);
  };
  const name = form.name.trim();
  if (!JOB_NAME.test(name)) {
    add(
      'name',
      name
        ? "use letters, digits, '_' and '-' (at most 64), e.g. alpha_sweep"
        : 'give the job a name'
    );
  }
  const parameters: Record<string, unknown> = {};
  const grid: Record<string, unknown[]> = {};
  const seen = new Set<string>();
  for (const row of form.parameters) {
    const key = `param:${row.name}`;
    if (!IDENTIFIER.test(row.name)) {
      add(
        key,
        `'${row.name}' is not a parameter name (letters, digits and '_', not starting with a digit)`
      );
      continue;
    }
    if (seen.has(row.name)) {
      add(key, `${row.name} is given twice`);
      continue;
    }
    seen.add(row.name);
    if (row.use === 'fixed') {
      const parsed = parseValue(row.text, row.type);
      if (parsed.ok) {
        parameters[row.name] = parsed.value;
      } else {
        add(key, parsed.message);
      }
    } else if (row.use === 'sweep') {
      const parsed = parseValueList(row.text, row.type);
      if (parsed.ok) {
        grid[row.name] = parsed.value;
      } else {
        add(key, parsed.message);
      }
    }
  }
  if (form.scheduled && !form.cron.trim()) {
    add('cron', 'give a cron expression, e.g. 0 2 * * * for 02:00 every day');
  }
  const runs = gridSize(grid);
  if (Object.keys(errors).length > 0) {
    return { request: null, errors, runs };
  }
  const mode = form.steps.length > 0 ? form.mode : 'all';
  const request: ICreateJobRequest = { pipeline, name, mode };
  if (form.steps.length > 0) {
    request.steps = [...form.steps];
  }
  if (Object.keys(parameters).length > 0) {
    request.parameters = parameters;
  }
  if (Object.keys(grid).length > 0) {
    request.grid = grid;
  }
  if (form.scheduled) {
    request.schedule = {
      cron: form.cron.trim(),
      timezone: form.timezone,
      missed: form.missed
    };
  }
  return { request, errors, runs };
}
