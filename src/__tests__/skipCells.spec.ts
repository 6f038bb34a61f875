import {
  canSkip,
  hasSkipTag,
  readTags,
  skipTagsFor,
  withSkip
} from '../skipCells/tags';

describe('skip tags', () => {
  const skipTags = skipTagsFor('skip-execution');

  it('recognises the configured tag and the engine defaults', () => {
    expect(skipTagsFor('no-run')).toEqual(['no-run', 'skip-execution', 'skip']);
    expect(skipTagsFor('skip')).toEqual(['skip', 'skip-execution']);
    expect(skipTagsFor('  ')).toEqual(['skip-execution', 'skip']);
    expect(hasSkipTag(['parameters', 'skip'], skipTags)).toBe(true);
    expect(hasSkipTag(['parameters'], skipTags)).toBe(false);
    expect(hasSkipTag(undefined, skipTags)).toBe(false);
  });

  it('adds the configured tag once, keeping the other tags', () => {
    expect(withSkip(['parameters'], true, 'skip-execution', skipTags)).toEqual([
      'parameters',
      'skip-execution'
    ]);
    expect(
      withSkip(['skip-execution'], true, 'skip-execution', skipTags)
    ).toEqual(['skip-execution']);
    expect(withSkip(undefined, true, 'skip-execution', skipTags)).toEqual([
      'skip-execution'
    ]);
  });

  it('removes every skip tag so the cell runs again', () => {
    expect(
      withSkip(
        ['a', 'skip', 'skip-execution', 'b'],
        false,
        'skip-execution',
        skipTags
      )
    ).toEqual(['a', 'b']);
  });

  it('reads only string tags', () => {
    expect(readTags(['a', 3, null, 'b'])).toEqual(['a', 'b']);
    expect(readTags('a')).toEqual([]);
  });
});

describe('which cells can be skipped', () => {
  it('offers skipping for code cells only: markdown and raw cells never run', () => {
    expect(canSkip('code')).toBe(true);
    expect(canSkip('markdown')).toBe(false);
    expect(canSkip('raw')).toBe(false);
  });
});
