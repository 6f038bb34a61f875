/**
 * "Import as Pipeline": which files it applies to, the report's sections, error texts.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  existingOutput,
  failureText,
  IImportReport,
  importableFormat,
  isOutputExists,
  reportView
} from '../importing/report';

/** A translation bundle that substitutes %1, %2... like JupyterLab's null translator. */
const substitute = (text: string, args: unknown[]) =>
  text.replace(/%(\d+)/g, (_, index) => String(args[Number(index) - 1]));
const trans = {
  __: (text: string, ...args: unknown[]) => substitute(text, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    substitute(n === 1 ? one : many, [n, ...args])
} as unknown as TranslationBundle;

function report(overrides: Partial<IImportReport> = {}): IImportReport {
  return {
    source: 'flows/etl.pipeline',
    output: 'flows/etl.pipeline.json',
    format: 'elyra',
    format_version: '7',
    steps: [
      { id: 'load', from: "node 'load.ipynb'", notebook: 'load.ipynb' },
      { id: 'train', from: "node 'train.ipynb'", notebook: 'train.ipynb' }
    ],
    mapped: [{ source: 'pipeline name', target: '/name', message: 'etl' }],
    not_mapped: [
      {
        source: 'pipeline_defaults runtime_image',
        target: null,
        message: 'a container image: install here what it provided'
      }
    ],
    notes: [],
    problems: [],
    ...overrides
  };
}

describe('importableFormat', () => {
  it('applies to Elyra and Orchest pipeline files', () => {
    expect(importableFormat('flows/etl.pipeline')).toBe('elyra');
    expect(importableFormat('ETL.PIPELINE')).toBe('elyra');
    expect(importableFormat('california_housing.orchest')).toBe('orchest');
    expect(importableFormat('proj/.orchest/pipeline.json')).toBe('orchest');
    expect(importableFormat('.orchest/pipeline.json')).toBe('orchest');
  });

  it('leaves every other file alone', () => {
    expect(importableFormat('flows/etl.pipeline.json')).toBeNull();
    expect(importableFormat('pipeline.json')).toBeNull();
    expect(importableFormat('proj/pipeline.json')).toBeNull();
    expect(importableFormat('.orchest/other.json')).toBeNull();
    expect(importableFormat('.pipeline')).toBeNull();
    expect(importableFormat('.orchest')).toBeNull();
    expect(importableFormat('a.pipeline/notebook.ipynb')).toBeNull();
    expect(importableFormat('')).toBeNull();
  });
});

describe('reportView', () => {
  it('summarises the import and lists only non-empty sections, problems first', () => {
    const view = reportView(
      report({
        problems: ["/steps/0/notebook: notebook 'load.ipynb' not found"]
      }),
      trans
    );
    expect(view.title).toBe('Imported etl.pipeline');
    expect(view.summary).toBe(
      'flows/etl.pipeline (Elyra pipeline, format 7) became flows/etl.pipeline.json with 2 steps.'
    );
    expect(view.valid).toBe(false);
    expect(view.sections.map(section => section.kind)).toEqual([
      'problems',
      'steps',
      'not_mapped',
      'mapped'
    ]);
    expect(view.sections[0].lines[0].message).toContain('not found');
    expect(view.sections[1].lines[0]).toEqual({
      source: 'load',
      message: "from node 'load.ipynb' (load.ipynb)"
    });
    expect(view.sections[2].lines[0]).toEqual({
      source: 'pipeline_defaults runtime_image',
      message: 'a container image: install here what it provided'
    });
    expect(view.sections[3].lines[0]).toEqual({
      source: 'pipeline name',
      target: '/name',
      message: 'etl'
    });
  });

  it('keeps notes such as the Orchest one-line change, and says a valid file is valid', () => {
    const view = reportView(
      report({
        format: 'orchest',
        format_version: '1.0.0',
        steps: [{ id: 'A', from: "step 'A'", notebook: 'A.ipynb' }],
        mapped: [],
        not_mapped: [],
        notes: [
          {
            source: "step 'A' A.ipynb",
            target: null,
            message:
              'change `import orchest` to `from runnable_jupyter.compat import orchest`'
          }
        ]
      }),
      trans
    );
    expect(view.valid).toBe(true);
    expect(view.summary).toContain('(Orchest pipeline, format 1.0.0)');
    expect(view.summary).toContain('with 1 step.');
    expect(view.sections.map(section => section.kind)).toEqual([
      'steps',
      'notes'
    ]);
    expect(view.sections[1].open).toBe(true);
  });

  it('folds long lists of steps and mappings, never what needs acting on', () => {
    const many = Array.from({ length: 20 }, (_, index) => ({
      source: `node ${index}`,
      target: `/steps/${index}`,
      message: 'ok'
    }));
    const view = reportView(
      report({
        mapped: many,
        not_mapped: many,
        steps: many.map((_, index) => ({
          id: `s${index}`,
          from: `node ${index}`,
          notebook: `n${index}.ipynb`
        }))
      }),
      trans
    );
    const open = Object.fromEntries(
      view.sections.map(section => [section.kind, section.open])
    );
    expect(open).toEqual({ steps: false, not_mapped: true, mapped: false });
  });
});

describe('errors', () => {
  const conflict = {
    status: 409,
    message: 'flows/etl.pipeline.json exists already',
    body: {
      code: 'output_exists',
      message: 'flows/etl.pipeline.json exists already',
      details: { path: 'flows/etl.pipeline.json' }
    }
  };

  it('recognises an existing output, to offer overwriting it', () => {
    expect(isOutputExists(conflict)).toBe(true);
    expect(existingOutput(conflict)).toBe('flows/etl.pipeline.json');
    expect(isOutputExists({ status: 409, body: { code: 'other' } })).toBe(
      false
    );
    expect(isOutputExists(new Error('boom'))).toBe(false);
    expect(existingOutput(new Error('boom'))).toBeNull();
  });

  it("keeps the server's message and titles it by its code", () => {
    const refused = {
      status: 400,
      body: {
        code: 'bad_request',
        message: 'etl.pipeline is not valid JSON (line 1, column 2)'
      }
    };
    expect(failureText(refused, 'flows/etl.pipeline', trans)).toEqual({
      title: 'Cannot Import etl.pipeline',
      message: 'etl.pipeline is not valid JSON (line 1, column 2)'
    });
    const missing = {
      status: 404,
      body: { code: 'pipeline_not_found', message: 'x.pipeline: no such file' }
    };
    expect(failureText(missing, 'x.pipeline', trans).title).toBe(
      'x.pipeline Not Found'
    );
    const hidden = {
      status: 403,
      body: { code: 'hidden_path', message: 'hidden' }
    };
    expect(failureText(hidden, 'a/x.orchest', trans).title).toBe(
      'Cannot Import x.orchest Here'
    );
  });

  it('tells when the server extension does not answer at all', () => {
    const text = failureText(
      { status: 404, message: '404 Not Found' },
      'x.pipeline',
      trans
    );
    expect(text.title).toBe('Import Unavailable');
    expect(text.message).toContain('server extension');
    expect(failureText(new Error('offline'), 'x.pipeline', trans)).toEqual({
      title: 'Import of x.pipeline Failed',
      message: 'offline'
    });
  });
});
