/**
 * Which catalog entries flow along a dependency edge in a run, the edge's label and tooltip,
 * and the sizes and short version ids the catalog view shows.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  edgeCatalogFlow,
  flowLabelLines,
  flowTitle,
  formatSize,
  ICatalogFlowEntry,
  shortSha
} from '../catalogFlow';
import type { ICatalogAccess, IRunLog, IStepAttempt } from '../runs/dto';

/** A translation bundle that substitutes %1, %2... like JupyterLab's null translator. */
const substitute = (text: string, args: unknown[]) =>
  text.replace(/%(\d+)/g, (_, index) => String(args[Number(index) - 1]));
const trans = {
  __: (text: string, ...args: unknown[]) => substitute(text, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    substitute(n === 1 ? one : many, [n, ...args])
} as unknown as TranslationBundle;

const sha = (seed: string) => seed.repeat(64).slice(0, 64);

function access(name: string, version: string, size = 100): ICatalogAccess {
  return { name, sha256: sha(version), size, path: `p.catalog/${name}` };
}

function attempt(
  reads: ICatalogAccess[],
  writes: ICatalogAccess[],
  status: IStepAttempt['status'] = 'succeeded'
): IStepAttempt {
  return {
    number: 1,
    status,
    start: null,
    end: null,
    duration_s: null,
    output_notebook: null,
    log_file: null,
    skipped_cells: [],
    cell_progress: null,
    catalog_reads: reads,
    catalog_writes: writes,
    error: null
  };
}

function runLog(attempts: Record<string, IStepAttempt[]>): IRunLog {
  const steps: IRunLog['steps'] = {};
  for (const [id, list] of Object.entries(attempts)) {
    steps[id] = {
      id,
      notebook: `${id}.ipynb`,
      status: list[list.length - 1]?.status ?? 'not_selected',
      parameters: {},
      depends_on: [],
      attempts: list
    };
  }
  return {
    schema_version: 1,
    run_id: '20261203T101500-3fa9c1',
    pipeline: 'p.pipeline.json',
    pipeline_sha256: '',
    pipeline_structure: { load: [], train: ['load'], report: ['train'] },
    selection: [],
    mode: 'all',
    parameters: {},
    status: 'succeeded',
    start: null,
    end: null,
    attempts: [],
    catalog_dir: 'p.catalog',
    run_dir: 'p.runs/x',
    steps
  };
}

describe('edgeCatalogFlow', () => {
  it('is what the upstream step wrote and the downstream step read, by name', () => {
    const log = runLog({
      load: [
        attempt(
          [],
          [
            access('wine', 'a', 12595),
            access('raw', 'b'),
            access('unused', 'c')
          ]
        )
      ],
      train: [
        attempt(
          [
            access('wine', 'a', 12595),
            access('raw', 'b'),
            access('pinned', 'd')
          ],
          []
        )
      ]
    });
    expect(edgeCatalogFlow(log, 'load', 'train')).toEqual([
      { name: 'raw', sha256: sha('b'), size: 100 },
      { name: 'wine', sha256: sha('a'), size: 12595 }
    ]);
  });

  it('leaves out a read of another version of the same name', () => {
    // train read the version current when the run started, not what load wrote.
    const log = runLog({
      load: [attempt([], [access('wine', 'a')])],
      train: [attempt([access('wine', 'z')], [])]
    });
    expect(edgeCatalogFlow(log, 'load', 'train')).toEqual([]);
  });

  it('uses the last attempt of each step (a retry replaces what came before)', () => {
    const log = runLog({
      load: [
        attempt([], [access('wine', 'a')], 'failed'),
        attempt([], [access('wine', 'b')])
      ],
      train: [
        attempt([access('wine', 'a')], [], 'upstream_failed'),
        attempt([access('wine', 'b')], [])
      ]
    });
    expect(edgeCatalogFlow(log, 'load', 'train').map(e => e.sha256)).toEqual([
      sha('b')
    ]);
  });

  it('is empty without a run, or for steps that did not run in it', () => {
    expect(edgeCatalogFlow(null, 'load', 'train')).toEqual([]);
    const log = runLog({ load: [attempt([], [access('wine', 'a')])] });
    expect(edgeCatalogFlow(log, 'load', 'train')).toEqual([]);
    expect(edgeCatalogFlow(log, 'ghost', 'load')).toEqual([]);
  });

  it('counts a name read twice once', () => {
    const log = runLog({
      load: [attempt([], [access('wine', 'a')])],
      train: [attempt([access('wine', 'a'), access('wine', 'a')], [])]
    });
    expect(edgeCatalogFlow(log, 'load', 'train')).toHaveLength(1);
  });
});

describe('edge labels', () => {
  const entries = (...names: string[]): ICatalogFlowEntry[] =>
    names.map((name, index) => ({
      name,
      sha256: sha(String(index)),
      size: 1024 * (index + 1)
    }));

  it('names one or two entries with their sizes', () => {
    expect(flowLabelLines(entries('wine'), trans)).toEqual(['wine · 1.0 KB']);
    expect(flowLabelLines(entries('wine', 'raw'), trans)).toEqual([
      'wine · 1.0 KB',
      'raw · 2.0 KB'
    ]);
  });

  it('names three entries rather than "+1 more", and says how many more beyond', () => {
    expect(flowLabelLines(entries('a', 'b', 'c'), trans)).toHaveLength(3);
    expect(flowLabelLines(entries('a', 'b', 'c', 'd', 'e'), trans)).toEqual([
      'a · 1.0 KB',
      'b · 2.0 KB',
      '+3 more'
    ]);
    expect(flowLabelLines(entries(), trans)).toEqual([]);
  });

  it('lists every entry with its version in the tooltip', () => {
    const title = flowTitle(entries('a', 'b', 'c', 'd'), trans);
    expect(title.split('\n')).toEqual([
      '4 catalog entries in the shown run:',
      `a · 1.0 KB (${sha('0').slice(0, 10)})`,
      `b · 2.0 KB (${sha('1').slice(0, 10)})`,
      `c · 3.0 KB (${sha('2').slice(0, 10)})`,
      `d · 4.0 KB (${sha('3').slice(0, 10)})`
    ]);
    expect(flowTitle(entries('a'), trans)).toMatch(/^1 catalog entry in/);
    expect(flowTitle([], trans)).toBe('');
  });
});

describe('formatSize and shortSha', () => {
  it('formats sizes in bytes, KB, MB and GB', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(1024)).toBe('1.0 KB');
    expect(formatSize(12595)).toBe('12.3 KB');
    expect(formatSize(150 * 1024)).toBe('150 KB');
    expect(formatSize(1024 * 1024 - 1)).toBe('1.0 MB');
    expect(formatSize(4 * 1024 * 1024)).toBe('4.0 MB');
    expect(formatSize(1.2 * 1024 ** 3)).toBe('1.2 GB');
    expect(formatSize(null)).toBe('');
    expect(formatSize(Number.NaN)).toBe('');
  });

  it('shortens a sha256 to 10 hex digits', () => {
    expect(shortSha(sha('ab'))).toBe('ababababab');
    expect(shortSha(null)).toBe('');
  });
});
