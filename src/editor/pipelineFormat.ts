/**
 * The pipeline file format as the editor reads and writes it (pure, no JupyterLab imports).
 *
 * Writing is canonical (2-space JSON, a stable key order, integer positions) so that an edit in
 * the graph gives a small, readable git diff. The only UI state kept in the file is a step's
 * `position`.
 */

export interface IPosition {
  x: number;
  y: number;
}

export interface ICatalogGlobs {
  get?: string[];
  put?: string[];
}

/** An environment variable's value: text, or a secret taken from the runner's environment. */
export type EnvValue = string | { from_env: string };

export interface IPipelineStep {
  id: string;
  notebook: string;
  depends_on?: string[];
  parameters?: Record<string, unknown>;
  env?: Record<string, EnvValue>;
  kernel?: string;
  timeout_s?: number;
  catalog?: ICatalogGlobs;
  position?: IPosition;
  [key: string]: unknown;
}

export interface IPipelineDocument {
  version: number;
  name?: string;
  description?: string;
  parameters?: Record<string, unknown>;
  env?: Record<string, EnvValue>;
  settings?: Record<string, unknown>;
  steps: IPipelineStep[];
  [key: string]: unknown;
}

/** A problem in the document, as the server's validation reports it. */
export interface IProblem {
  /** JSON pointer into the document, "" for the whole file. */
  pointer: string;
  step: string | null;
  message: string;
}

export type ParseResult =
  | { ok: true; document: IPipelineDocument }
  | { ok: false; problems: IProblem[] };

/** The content of a new pipeline file. */
export const EMPTY_PIPELINE: IPipelineDocument = { version: 1, steps: [] };

const DOCUMENT_KEY_ORDER = [
  'version',
  'name',
  'description',
  'parameters',
  'env',
  'settings',
  'steps'
];
const STEP_KEY_ORDER = [
  'id',
  'notebook',
  'depends_on',
  'parameters',
  'env',
  'kernel',
  'timeout_s',
  'catalog',
  'position'
];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parse the file's text. Fails only when the graph cannot be drawn (bad JSON, no steps array,
 * a step without a string id/notebook); every other problem is left to validation.
 */
export function parsePipeline(text: string): ParseResult {
  if (text.trim() === '') {
    // A file just created by "New File" is empty: treat it as an empty pipeline.
    return { ok: true, document: { version: 1, steps: [] } };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problems: [
        {
          pointer: '',
          step: null,
          message: `The file is not valid JSON: ${(error as Error).message}`
        }
      ]
    };
  }
  if (!isPlainObject(data)) {
    return {
      ok: false,
      problems: [
        {
          pointer: '',
          step: null,
          message: 'The file must hold a JSON object.'
        }
      ]
    };
  }
  if (!Array.isArray(data.steps)) {
    return {
      ok: false,
      problems: [
        {
          pointer: '/steps',
          step: null,
          message: '"steps" must be a list of steps.'
        }
      ]
    };
  }
  const problems: IProblem[] = [];
  data.steps.forEach((step: unknown, index: number) => {
    if (
      !isPlainObject(step) ||
      typeof step.id !== 'string' ||
      typeof step.notebook !== 'string'
    ) {
      problems.push({
        pointer: `/steps/${index}`,
        step:
          isPlainObject(step) && typeof step.id === 'string' ? step.id : null,
        message: 'Each step needs a string "id" and a string "notebook".'
      });
    }
  });
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  return { ok: true, document: data as IPipelineDocument };
}

function ordered(
  source: Record<string, unknown>,
  order: string[]
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of order) {
    if (source[key] !== undefined) {
      result[key] = source[key];
    }
  }
  // Unknown keys are kept (validation reports them), after the known ones.
  for (const key of Object.keys(source)) {
    if (!(key in result) && source[key] !== undefined) {
      result[key] = source[key];
    }
  }
  return result;
}

function canonicalStep(step: IPipelineStep): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...step };
  if (Array.isArray(step.depends_on) && step.depends_on.length === 0) {
    delete copy.depends_on;
  }
  if (step.position) {
    copy.position = {
      x: Math.round(step.position.x),
      y: Math.round(step.position.y)
    };
  }
  return ordered(copy, STEP_KEY_ORDER);
}

/** The canonical text of a document: what the editor writes to disk. */
export function serializePipeline(document: IPipelineDocument): string {
  const canonical = ordered(
    { ...document, steps: document.steps.map(canonicalStep) },
    DOCUMENT_KEY_ORDER
  );
  return JSON.stringify(canonical, null, 2) + '\n';
}

/** The smallest single replacement turning `before` into `after` (kept small for undo/RTC). */
export function minimalEdit(
  before: string,
  after: string
): { start: number; end: number; text: string } {
  let start = 0;
  while (
    start < before.length &&
    start < after.length &&
    before[start] === after[start]
  ) {
    start++;
  }
  let endBefore = before.length;
  let endAfter = after.length;
  while (
    endBefore > start &&
    endAfter > start &&
    before[endBefore - 1] === after[endAfter - 1]
  ) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, text: after.slice(start, endAfter) };
}
