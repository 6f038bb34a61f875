/**
 * The pipeline editor model over a fake document context and a fake validate route: the text is
 * the single source of truth, edits are minimal text changes, cycles write nothing, validation
 * comes from the server or, when it cannot answer, from the local checks.
 */
import { Signal } from '@lumino/signaling';

import { requestAPI } from '../api';
import { PipelineEditorModel } from '../editor/model';
import { IPipelineDocument, serializePipeline } from '../editor/pipelineFormat';

jest.mock('../api', () => ({ requestAPI: jest.fn() }));

// Node has no web workers: the layout runs on elkjs's in-thread build (the same algorithm).
jest.mock('../editor/layoutWorker', () => ({
  createLayoutEngine: () => {
    const ELK = jest.requireActual('elkjs/lib/elk.bundled.js');
    return new (ELK.default ?? ELK)();
  }
}));
const validateRoute = requestAPI as jest.MockedFunction<typeof requestAPI>;

// The model schedules validation with window timers.
(globalThis as { window?: unknown }).window = globalThis;

/** The text model of a document context: a string, edited the way the shared model is. */
class FakeTextModel {
  readonly contentChanged = new Signal<this, void>(this);
  edits: Array<{ start: number; end: number; text: string }> = [];
  readonly sharedModel = {
    updateSource: (start: number, end: number, text: string) => {
      this.edits.push({ start, end, text });
      this.text = this.text.slice(0, start) + text + this.text.slice(end);
      this.contentChanged.emit();
    },
    canUndo: () => this.edits.length > 0,
    canRedo: () => false,
    undo: () => undefined,
    redo: () => undefined
  };

  constructor(public text: string) {}

  toString(): string {
    return this.text;
  }
}

function fakeContext(text: string) {
  const model = new FakeTextModel(text);
  const context = {
    model,
    localPath: 'sub/etl.pipeline.json',
    isReady: true,
    ready: Promise.resolve()
  };
  return { model, context };
}

const PIPELINE: IPipelineDocument = {
  version: 1,
  steps: [
    { id: 'load', notebook: 'load.ipynb', position: { x: 0, y: 0 } },
    {
      id: 'train',
      notebook: 'train.ipynb',
      depends_on: ['load'],
      position: { x: 300, y: 0 }
    }
  ]
};

const settle = (ms = 0) => new Promise(resolve => setTimeout(resolve, ms));

function makeModel(text: string) {
  const { model, context } = fakeContext(text);
  const editor = new PipelineEditorModel(
    context as never,
    () => 'left-to-right'
  );
  return { model, editor };
}

describe('PipelineEditorModel', () => {
  beforeEach(() => {
    validateRoute.mockReset();
    validateRoute.mockResolvedValue({
      valid: true,
      errors: [],
      pipeline: null
    });
  });

  it('reads the document and its steps from the text once the context is ready', async () => {
    const { editor } = makeModel(serializePipeline(PIPELINE));
    await settle();
    expect(editor.state.kind).toBe('ready');
    expect(editor.steps).toEqual([
      { id: 'load', notebook: 'load.ipynb' },
      { id: 'train', notebook: 'train.ipynb' }
    ]);
    expect(editor.pipelineDir).toBe('sub');
    editor.dispose();
  });

  it('writes a new dependency as one small text edit and re-reads it', async () => {
    const doc: IPipelineDocument = {
      ...PIPELINE,
      steps: [
        ...PIPELINE.steps,
        { id: 'report', notebook: 'r.ipynb', position: { x: 600, y: 0 } }
      ]
    };
    const { model, editor } = makeModel(serializePipeline(doc));
    await settle();

    expect(editor.connect('train', 'report')).toMatchObject({ ok: true });
    expect(model.edits).toHaveLength(1);
    expect(model.edits[0].text.length).toBeLessThan(model.text.length / 2);
    const saved = JSON.parse(model.text);
    expect(saved.steps[2].depends_on).toEqual(['train']);
    expect(editor.document?.steps[2].depends_on).toEqual(['train']);
    expect(editor.canUndo).toBe(true);
    editor.dispose();
  });

  it('refuses a dependency that would make a cycle and writes nothing', async () => {
    const { model, editor } = makeModel(serializePipeline(PIPELINE));
    await settle();
    const before = model.text;
    expect(editor.connect('train', 'load')).toEqual({
      ok: false,
      reason: 'cycle'
    });
    expect(model.text).toBe(before);
    expect(model.edits).toEqual([]);
    editor.dispose();
  });

  it('adds notebooks as placed, selected steps and reports those already there', async () => {
    const { model, editor } = makeModel(serializePipeline(PIPELINE));
    await settle();
    const outcome = await editor.addNotebooks([
      'sub/load.ipynb',
      'sub/evaluate.ipynb'
    ]);
    expect(outcome).toEqual({
      added: ['evaluate'],
      alreadyPresent: ['sub/load.ipynb']
    });
    const saved = JSON.parse(model.text);
    const added = saved.steps.find((s: { id: string }) => s.id === 'evaluate');
    expect(added).toMatchObject({ notebook: 'evaluate.ipynb' });
    expect(added.position).toEqual({
      x: expect.any(Number),
      y: expect.any(Number)
    });
    expect(editor.selection).toEqual(['evaluate']);
    editor.dispose();
  });

  it('shows the problems the server finds in the text', async () => {
    validateRoute.mockResolvedValue({
      valid: false,
      errors: [
        {
          pointer: '/steps/0/notebook',
          step: 'load',
          message: 'load.ipynb is missing'
        }
      ],
      pipeline: null
    });
    const { editor } = makeModel(serializePipeline(PIPELINE));
    await settle(400); // validation is debounced
    expect(validateRoute).toHaveBeenCalledWith(
      'validate',
      expect.objectContaining({ method: 'POST' })
    );
    const body = JSON.parse(String(validateRoute.mock.calls[0][1]?.body));
    expect(body).toEqual({ content: PIPELINE, base: 'sub' });
    expect(editor.validationSource).toBe('server');
    expect(editor.problems.map(p => p.message)).toEqual([
      'load.ipynb is missing'
    ]);
    editor.dispose();
  });

  it('falls back to the local checks when the server cannot validate', async () => {
    validateRoute.mockRejectedValue(new Error('404'));
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    const doc: IPipelineDocument = {
      version: 1,
      steps: [
        {
          id: 'a',
          notebook: 'a.ipynb',
          depends_on: ['ghost'],
          position: { x: 0, y: 0 }
        }
      ]
    };
    const { editor } = makeModel(serializePipeline(doc));
    await settle(400);
    expect(editor.validationSource).toBe('local');
    expect(editor.problems.some(p => p.message.includes('ghost'))).toBe(true);
    warn.mockRestore();
    editor.dispose();
  });

  it('reports broken JSON as an invalid document without asking the server', async () => {
    const { editor } = makeModel('{"version": 1, "steps": [');
    await settle(400);
    expect(editor.state.kind).toBe('invalid');
    expect(editor.problems.length).toBeGreaterThan(0);
    expect(validateRoute).not.toHaveBeenCalled();
    editor.dispose();
  });
});
