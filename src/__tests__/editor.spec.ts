/**
 * Pure logic of the pipeline editor: file format, graph edits, local checks, layout input.
 */
import {
  addDependency,
  addNotebookSteps,
  dependencies,
  joinPath,
  relativePath,
  removeElements,
  renameStep,
  setPositions,
  MAX_STEP_ID_LENGTH,
  stepIdFromNotebook,
  stepIdProblem,
  uniqueStepId,
  updateStep,
  wouldCreateCycle
} from '../editor/graphOps';
import { localProblems } from '../editor/localChecks';
import {
  IPipelineDocument,
  minimalEdit,
  parsePipeline,
  serializePipeline
} from '../editor/pipelineFormat';

function pipeline(...steps: [string, string[]?][]): IPipelineDocument {
  return {
    version: 1,
    steps: steps.map(([id, depends_on]) => ({
      id,
      notebook: `${id}.ipynb`,
      ...(depends_on ? { depends_on } : {})
    }))
  };
}

describe('pipeline file format', () => {
  it('writes 2-space JSON with a stable key order and a final newline', () => {
    const text = serializePipeline({
      steps: [
        {
          position: { x: 10.4, y: 20.6 },
          depends_on: ['a'],
          notebook: 'b.ipynb',
          id: 'b'
        }
      ],
      name: 'demo',
      version: 1
    });
    expect(text).toBe(
      [
        '{',
        '  "version": 1,',
        '  "name": "demo",',
        '  "steps": [',
        '    {',
        '      "id": "b",',
        '      "notebook": "b.ipynb",',
        '      "depends_on": [',
        '        "a"',
        '      ],',
        '      "position": {',
        '        "x": 10,',
        '        "y": 21',
        '      }',
        '    }',
        '  ]',
        '}',
        ''
      ].join('\n')
    );
  });

  it('round-trips a canonical file unchanged', () => {
    const text = serializePipeline({
      version: 1,
      parameters: { n: 3 },
      steps: [
        { id: 'a', notebook: 'a.ipynb', kernel: 'python3', timeout_s: 60 },
        {
          id: 'b',
          notebook: 'sub/b.ipynb',
          depends_on: ['a'],
          catalog: { get: ['x.csv'], put: ['y.parquet'] },
          position: { x: 0, y: 100 }
        }
      ]
    });
    const parsed = parsePipeline(text);
    expect(parsed.ok).toBe(true);
    expect(serializePipeline((parsed as any).document)).toBe(text);
  });

  it('drops empty depends_on and keeps unknown keys after the known ones', () => {
    const text = serializePipeline({
      version: 1,
      steps: [{ id: 'a', notebook: 'a.ipynb', depends_on: [], extra: true }]
    });
    expect(JSON.parse(text).steps[0]).toEqual({
      id: 'a',
      notebook: 'a.ipynb',
      extra: true
    });
    expect(Object.keys(JSON.parse(text).steps[0])).toEqual([
      'id',
      'notebook',
      'extra'
    ]);
  });

  it('reads an empty file as an empty pipeline', () => {
    expect(parsePipeline('  \n')).toEqual({
      ok: true,
      document: { version: 1, steps: [] }
    });
  });

  it('reports bad JSON and undrawable documents', () => {
    const bad = parsePipeline('{"version": 1, "steps": [');
    expect(bad.ok).toBe(false);
    expect((bad as any).problems[0].message).toMatch(/not valid JSON/);
    expect(parsePipeline('[1]').ok).toBe(false);
    expect((parsePipeline('{"version": 1}') as any).problems[0].pointer).toBe(
      '/steps'
    );
    expect(
      (parsePipeline('{"steps": [{"id": 3}]}') as any).problems[0].pointer
    ).toBe('/steps/0');
  });

  it('finds the smallest replacement between two texts', () => {
    expect(minimalEdit('abcdef', 'abXYef')).toEqual({
      start: 2,
      end: 4,
      text: 'XY'
    });
    expect(minimalEdit('abc', 'abc')).toEqual({ start: 3, end: 3, text: '' });
    expect(minimalEdit('', 'new')).toEqual({ start: 0, end: 0, text: 'new' });
    const before = 'aaa';
    const edit = minimalEdit(before, 'aaaa');
    expect(
      before.slice(0, edit.start) + edit.text + before.slice(edit.end)
    ).toBe('aaaa');
  });
});

describe('graph edits', () => {
  it('adds a dependency from source to target', () => {
    const result = addDependency(pipeline(['a'], ['b']), 'a', 'b');
    expect(result.ok).toBe(true);
    expect(dependencies((result as any).document)).toEqual([
      { source: 'a', target: 'b' }
    ]);
  });

  it('refuses cycles, self-loops, duplicates and unknown steps', () => {
    const chain = pipeline(['a'], ['b', ['a']], ['c', ['b']]);
    expect(wouldCreateCycle(chain, 'c', 'a')).toBe(true);
    expect(wouldCreateCycle(chain, 'a', 'c')).toBe(false);
    expect(addDependency(chain, 'c', 'a')).toEqual({
      ok: false,
      reason: 'cycle'
    });
    expect(addDependency(chain, 'a', 'a')).toEqual({
      ok: false,
      reason: 'self'
    });
    expect(addDependency(chain, 'a', 'b')).toEqual({
      ok: false,
      reason: 'exists'
    });
    expect(addDependency(chain, 'a', 'zz')).toEqual({
      ok: false,
      reason: 'unknown'
    });
  });

  it('removes steps with their edges, and single edges', () => {
    const chain = pipeline(['a'], ['b', ['a']], ['c', ['a', 'b']]);
    const withoutA = removeElements(chain, ['a']);
    expect(withoutA.steps.map(s => s.id)).toEqual(['b', 'c']);
    expect(dependencies(withoutA)).toEqual([{ source: 'b', target: 'c' }]);
    const cut = removeElements(chain, [], [{ source: 'a', target: 'c' }]);
    expect(dependencies(cut)).toEqual([
      { source: 'a', target: 'b' },
      { source: 'b', target: 'c' }
    ]);
    expect(chain.steps).toHaveLength(3); // inputs are untouched
  });

  it('renames a step and the references to it', () => {
    const renamed = renameStep(pipeline(['a'], ['b', ['a']]), 'a', 'load');
    expect(renamed.steps.map(s => s.id)).toEqual(['load', 'b']);
    expect(renamed.steps[1].depends_on).toEqual(['load']);
  });

  it('checks new step ids', () => {
    const doc = pipeline(['a'], ['b']);
    expect(stepIdProblem(doc, 'a', 'b')).toBe('taken');
    expect(stepIdProblem(doc, 'a', 'a b')).toBe('pattern');
    expect(stepIdProblem(doc, 'a', 'a')).toBeNull();
    expect(stepIdProblem(doc, 'a', 'new-id_2')).toBeNull();
  });

  it('sets and removes step fields', () => {
    const doc = updateStep(pipeline(['a']), 'a', {
      kernel: 'python3',
      timeout_s: 5
    });
    expect(doc.steps[0]).toMatchObject({ kernel: 'python3', timeout_s: 5 });
    const cleared = updateStep(doc, 'a', { kernel: undefined });
    expect('kernel' in cleared.steps[0]).toBe(false);
  });

  it('stores rounded positions', () => {
    const doc = setPositions(
      pipeline(['a'], ['b']),
      new Map([['b', { x: 1.6, y: -2.2 }]])
    );
    expect(doc.steps[0].position).toBeUndefined();
    expect(doc.steps[1].position).toEqual({ x: 2, y: -2 });
  });
});

describe('adding notebooks', () => {
  it('derives sanitized step ids from file names', () => {
    expect(stepIdFromNotebook('data/Load Data (v2).ipynb')).toBe(
      'Load_Data_v2'
    );
    expect(stepIdFromNotebook('été.ipynb')).toBe('t');
    expect(stepIdFromNotebook('…….ipynb')).toBe('step');
  });

  it('keeps ids from long file names within the schema limit', () => {
    const long = stepIdFromNotebook(`${'x'.repeat(300)}.ipynb`);
    const unique = uniqueStepId(long, new Set([long]));
    expect(long.length).toBeLessThanOrEqual(MAX_STEP_ID_LENGTH);
    expect(unique.length).toBeLessThanOrEqual(MAX_STEP_ID_LENGTH);
    expect(unique).not.toBe(long);
  });

  it('makes ids unique', () => {
    expect(uniqueStepId('a', new Set(['b']))).toBe('a');
    expect(uniqueStepId('a', new Set(['a', 'a_2']))).toBe('a_3');
  });

  it('computes notebook paths relative to the pipeline folder', () => {
    expect(relativePath('proj', 'proj/nb/a.ipynb')).toBe('nb/a.ipynb');
    expect(relativePath('proj/pipes', 'proj/a.ipynb')).toBe('../a.ipynb');
    expect(relativePath('', 'a.ipynb')).toBe('a.ipynb');
    expect(joinPath('proj/pipes', '../a.ipynb')).toBe('proj/a.ipynb');
  });

  it('adds new notebooks once, with unique ids', () => {
    const doc: IPipelineDocument = {
      version: 1,
      steps: [{ id: 'train', notebook: '../train.ipynb' }]
    };
    const result = addNotebookSteps(doc, 'proj/pipes', [
      'proj/train.ipynb',
      'other/train.ipynb',
      'proj/pipes/load data.ipynb',
      'proj/pipes/load data.ipynb'
    ]);
    expect(result.alreadyPresent).toEqual([
      'proj/train.ipynb',
      'proj/pipes/load data.ipynb'
    ]);
    expect(result.added).toEqual(['train_2', 'load_data']);
    expect(result.document.steps.slice(1)).toEqual([
      { id: 'train_2', notebook: '../../other/train.ipynb' },
      { id: 'load_data', notebook: 'load data.ipynb' }
    ]);
  });
});

describe('local checks', () => {
  it('reports duplicate ids, unknown dependencies and cycles', () => {
    const doc = pipeline(['a', ['c']], ['b', ['a', 'zz']], ['c', ['b']], ['a']);
    const messages = localProblems(doc).map(p => `${p.pointer} ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/steps\/0\/id .*more than once/),
        expect.stringMatching(/^\/steps\/1\/depends_on\/1 .*"zz"/),
        expect.stringMatching(/cycle: a → c → b → a/)
      ])
    );
  });

  it('finds nothing wrong in a clean pipeline', () => {
    expect(localProblems(pipeline(['a'], ['b', ['a']]))).toEqual([]);
  });
});

describe('the pipeline schema shared with the engine', () => {
  it('gives the step id pattern of the Python package schema', () => {
    const { STEP_ID_PATTERN } = require('../pipelineSchema');
    expect(STEP_ID_PATTERN.test('train_model-2')).toBe(true);
    expect(STEP_ID_PATTERN.test('bad id')).toBe(false);
    expect(STEP_ID_PATTERN.source).toBe(
      require('../../runnable_jupyter/pipeline/pipeline.schema.json').$defs.step
        .properties.id.pattern
    );
  });
});
