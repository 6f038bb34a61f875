/**
 * Skip tags on a cell's `tags` metadata. No JupyterLab imports: unit-tested with jest.
 */

/** Tags the engine skips by default (pipeline `settings.skip_tags`); papermill knows the first. */
export const ENGINE_SKIP_TAGS: ReadonlyArray<string> = [
  'skip-execution',
  'skip'
];

/** Every tag that marks a cell as skipped: the configured one plus the engine's defaults. */
export function skipTagsFor(configuredTag: string): string[] {
  const tag = configuredTag.trim();
  return [...new Set(tag ? [tag, ...ENGINE_SKIP_TAGS] : ENGINE_SKIP_TAGS)];
}

/** The tags as strings, whatever the metadata held (missing, not an array, mixed). */
export function readTags(tags: unknown): string[] {
  return Array.isArray(tags)
    ? tags.filter((tag): tag is string => typeof tag === 'string')
    : [];
}

export function hasSkipTag(
  tags: unknown,
  skipTags: ReadonlyArray<string>
): boolean {
  return readTags(tags).some(tag => skipTags.includes(tag));
}

/**
 * The tags with the cell skipped (`configuredTag` added) or not (every skip tag removed, so the
 * engine really runs the cell again); other tags keep their order.
 */
export function withSkip(
  tags: unknown,
  skip: boolean,
  configuredTag: string,
  skipTags: ReadonlyArray<string>
): string[] {
  const current = readTags(tags);
  if (skip) {
    return current.includes(configuredTag)
      ? current
      : [...current, configuredTag];
  }
  return current.filter(tag => !skipTags.includes(tag));
}

/** Only code cells run, so only they can be skipped (markdown and raw cells never execute). */
export function canSkip(cellType: string): boolean {
  return cellType === 'code';
}
