/**
 * The properties panel's conversions and the editor's formatting helpers.
 */
import { basename, splitList } from '../editor/format';
import { IPipelineDocument } from '../editor/pipelineFormat';
import {
  parseMaxParallel,
  parseSkipTags,
  skipTagsText,
  withSetting,
  withText
} from '../editor/properties/pipelineFields';
import {
  catalogWith,
  envText,
  parametersText,
  parseEnv,
  parseParameters,
  parseTimeout
} from '../editor/properties/stepFields';

describe('step fields', () => {
  it('parses parameters as a JSON object, blank meaning none', () => {
    expect(parseParameters('{"n": 3}')).toEqual({ ok: true, value: { n: 3 } });
    expect(parseParameters('  ')).toEqual({ ok: true, value: undefined });
    expect(parseParameters('{}')).toEqual({ ok: true, value: undefined });
    expect(parseParameters('[1]')).toMatchObject({
      ok: false,
      reason: 'not-object'
    });
    expect(parseParameters('{n: 3}')).toMatchObject({
      ok: false,
      reason: 'json'
    });
    expect(parametersText(undefined)).toBe('');
    expect(parametersText({ n: 3 })).toBe('{\n  "n": 3\n}');
  });

  it('parses a positive timeout, blank meaning none', () => {
    expect(parseTimeout('90')).toEqual({ ok: true, value: 90 });
    expect(parseTimeout('')).toEqual({ ok: true, value: undefined });
    expect(parseTimeout('0').ok).toBe(false);
    expect(parseTimeout('abc').ok).toBe(false);
  });

  it('edits one side of the catalog globs', () => {
    const step = { id: 'a', notebook: 'a.ipynb', catalog: { get: ['x.csv'] } };
    expect(catalogWith(step, 'put', 'y.csv, z/*.parquet\nw.json')).toEqual({
      get: ['x.csv'],
      put: ['y.csv', 'z/*.parquet', 'w.json']
    });
    expect(catalogWith(step, 'get', ' ')).toBeUndefined();
  });
});

describe('formatting', () => {
  it('splits lists and takes base names', () => {
    expect(splitList('a, b\n\nc,')).toEqual(['a', 'b', 'c']);
    expect(basename('x/y/z.ipynb')).toBe('z.ipynb');
  });
});

describe('environment variables', () => {
  it('shows one NAME=value line per variable, secrets as ${VAR}', () => {
    expect(
      envText({ API_URL: 'https://x', TOKEN: { from_env: 'MY_TOKEN' } })
    ).toBe('API_URL=https://x\nTOKEN=${MY_TOKEN}');
    expect(envText(undefined)).toBe('');
  });

  it('parses the lines back, keeping = signs in values', () => {
    expect(parseEnv('A=1\n\n  B = x=y \nTOKEN=${SECRET}')).toEqual({
      ok: true,
      value: { A: '1', B: 'x=y', TOKEN: { from_env: 'SECRET' } }
    });
    expect(parseEnv('  ')).toEqual({ ok: true, value: undefined });
  });

  it('names the first bad line', () => {
    expect(parseEnv('A=1\n1BAD=2')).toEqual({ ok: false, line: '1BAD=2' });
    expect(parseEnv('no equals sign')).toEqual({
      ok: false,
      line: 'no equals sign'
    });
  });
});

describe('pipeline settings', () => {
  const document: IPipelineDocument = {
    version: 1,
    settings: { max_parallel: 2 },
    steps: []
  };

  it('reads max_parallel as a whole number of at least 1, blank for the default', () => {
    expect(parseMaxParallel('')).toEqual({ ok: true, value: undefined });
    expect(parseMaxParallel('3')).toEqual({ ok: true, value: 3 });
    expect(parseMaxParallel('0').ok).toBe(false);
    expect(parseMaxParallel('1.5').ok).toBe(false);
  });

  it('sets and removes one setting, dropping an empty settings object', () => {
    const tagged = withSetting(document, 'skip_tags', parseSkipTags('a, b'));
    expect(tagged.settings).toEqual({ max_parallel: 2, skip_tags: ['a', 'b'] });
    expect(skipTagsText(tagged)).toBe('a, b');
    const cleared = withSetting(document, 'max_parallel', undefined);
    expect(cleared.settings).toBeUndefined();
    expect(parseSkipTags('  ')).toBeUndefined();
  });

  it('removes a blank name or description', () => {
    const named = withText(document, 'name', '  wine  ');
    expect(named.name).toBe('wine');
    expect(withText(named, 'name', ' ').name).toBeUndefined();
    expect('name' in withText(named, 'name', '')).toBe(false);
  });
});
