/**
 * Pure conversions between a step's fields and the properties panel's text (jest-tested).
 */
import { splitList } from '../format';
import { EnvValue, ICatalogGlobs, IPipelineStep } from '../pipelineFormat';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FROM_ENV = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** One `NAME=value` line per variable; a secret reads `NAME=${VARIABLE}`. */
export function envText(env: Record<string, EnvValue> | undefined): string {
  return Object.entries(env ?? {})
    .map(([name, value]) =>
      typeof value === 'string'
        ? `${name}=${value}`
        : `${name}=\${${value.from_env}}`
    )
    .join('\n');
}

/** The env typed in the panel (undefined when empty), or the first bad line. */
export function parseEnv(
  text: string
):
  | { ok: true; value: Record<string, EnvValue> | undefined }
  | { ok: false; line: string } {
  const env: Record<string, EnvValue> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      continue;
    }
    const at = line.indexOf('=');
    const name = at < 0 ? '' : line.slice(0, at).trim();
    if (!ENV_NAME.test(name)) {
      return { ok: false, line };
    }
    const value = line.slice(at + 1).trim(); // surrounding spaces are layout, not value
    const secret = FROM_ENV.exec(value);
    env[name] = secret ? { from_env: secret[1] } : value;
  }
  return { ok: true, value: Object.keys(env).length > 0 ? env : undefined };
}

export function parametersText(
  parameters: Record<string, unknown> | undefined
): string {
  return parameters && Object.keys(parameters).length > 0
    ? JSON.stringify(parameters, null, 2)
    : '';
}

/** The parameters object typed in the panel, or an error message. */
export function parseParameters(
  text: string
):
  | { ok: true; value: Record<string, unknown> | undefined }
  | { ok: false; reason: 'json' | 'not-object'; detail: string } {
  if (text.trim() === '') {
    return { ok: true, value: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'json', detail: (error as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not-object', detail: '' };
  }
  return {
    ok: true,
    value:
      Object.keys(value).length > 0
        ? (value as Record<string, unknown>)
        : undefined
  };
}

/** The timeout typed in the panel: undefined when blank, or an error message. */
export function parseTimeout(
  text: string
): { ok: true; value: number | undefined } | { ok: false } {
  if (text.trim() === '') {
    return { ok: true, value: undefined };
  }
  const value = Number(text);
  if (!isFinite(value) || value <= 0) {
    return { ok: false };
  }
  return { ok: true, value };
}

/** The catalog globs after editing one side; undefined when both sides are empty. */
export function catalogWith(
  step: IPipelineStep,
  side: 'get' | 'put',
  text: string
): ICatalogGlobs | undefined {
  const catalog: ICatalogGlobs = { ...(step.catalog ?? {}) };
  const items = splitList(text);
  if (items.length > 0) {
    catalog[side] = items;
  } else {
    delete catalog[side];
  }
  return catalog.get || catalog.put ? catalog : undefined;
}
