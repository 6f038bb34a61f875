/**
 * Pure conversions between a step's fields and the properties panel's text (jest-tested).
 */
import { splitList } from '../format';
import { ICatalogGlobs, IPipelineStep } from '../pipelineFormat';

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
