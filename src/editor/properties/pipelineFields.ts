/**
 * Pure conversions between the pipeline-level settings and the properties panel's text
 * (jest-tested): `settings.max_parallel` and `settings.skip_tags`.
 */
import { splitList } from '../format';
import { IPipelineDocument } from '../pipelineFormat';

/** The engine's default skip tags (runnable_jupyter/pipeline/model.py), shown as a hint. */
export const DEFAULT_SKIP_TAGS = ['skip-execution', 'skip'];

/** Blank for the default (one step per CPU), else a whole number of at least 1. */
export function parseMaxParallel(
  text: string
): { ok: true; value: number | undefined } | { ok: false } {
  if (text.trim() === '') {
    return { ok: true, value: undefined };
  }
  const value = Number(text);
  return Number.isInteger(value) && value >= 1
    ? { ok: true, value }
    : { ok: false };
}

export function skipTagsText(document: IPipelineDocument): string {
  const tags = document.settings?.skip_tags;
  return Array.isArray(tags) ? tags.join(', ') : '';
}

/** The document with one setting changed; undefined removes it (and an empty `settings`). */
export function withSetting(
  document: IPipelineDocument,
  key: 'max_parallel' | 'skip_tags',
  value: unknown
): IPipelineDocument {
  const settings: Record<string, unknown> = { ...(document.settings ?? {}) };
  if (value === undefined) {
    delete settings[key];
  } else {
    settings[key] = value;
  }
  const next: IPipelineDocument = { ...document, settings };
  if (Object.keys(settings).length === 0) {
    delete next.settings;
  }
  return next;
}

/** Skip tags typed in the panel: blank for the engine's default tags. */
export function parseSkipTags(text: string): string[] | undefined {
  const tags = splitList(text);
  return tags.length > 0 ? tags : undefined;
}

/** The document with a top-level text field set, or removed when blank. */
export function withText(
  document: IPipelineDocument,
  key: 'name' | 'description',
  text: string
): IPipelineDocument {
  const next: IPipelineDocument = { ...document };
  if (text.trim() === '') {
    delete next[key];
  } else {
    next[key] = key === 'name' ? text.trim() : text;
  }
  return next;
}
