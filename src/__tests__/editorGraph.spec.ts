/**
 * The graph's nodes and edges across rebuilds (unchanged ones are the same objects, so one
 * status change re-renders one node) and the zoom levels (readable fit, compact nodes).
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { buildEdges, buildNodes } from '../editor/graph/elements';
import { ArrowKey, connectedStep } from '../editor/graph/keyboardNavigation';
import { expectedHandles } from '../editor/graph/nodeGeometry';
import { findStep, focusedSteps } from '../editor/graph/stepFocus';
import { draggedNotebooks } from '../editor/graph/useNotebookDrop';
import { NODE_HEIGHT, NODE_WIDTH, placeBeside } from '../editor/layoutGraph';
import {
  fitViewOptions,
  isCompactZoom,
  READABLE_COMPACT_ZOOM,
  READABLE_FULL_ZOOM
} from '../editor/graph/zoomLevels';
import type { PipelineEditorModel } from '../editor/model';
import type { IPipelineDocument, IProblem } from '../editor/pipelineFormat';
import type { IStepState, StepStatus } from '../tokens';

const trans = {
  __: (text: string, ...args: unknown[]) =>
    args.reduce<string>(
      (out, arg, index) => out.replace(`%${index + 1}`, String(arg)),
      text
    ),
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    (n === 1 ? one : many)
      .replace('%1', String(n))
      .replace('%2', String(args[0]))
} as unknown as TranslationBundle;

function chain(size: number): IPipelineDocument {
  return {
    version: 1,
    steps: Array.from({ length: size }, (_, i) => ({
      id: `s${i}`,
      notebook: `s${i}.ipynb`,
      ...(i > 0 ? { depends_on: [`s${i - 1}`] } : {}),
      position: { x: i * 300, y: 0 }
    }))
  };
}

/** The part of the editor model the builders read. */
function fakeModel(
  document: IPipelineDocument,
  selection: string[] = [],
  problems: IProblem[] = []
): PipelineEditorModel {
  return {
    document,
    selection,
    problems,
    positions: () =>
      new Map(document.steps.map(step => [step.id, step.position!]))
  } as unknown as PipelineEditorModel;
}

describe('graph elements across rebuilds', () => {
  const document = chain(5);

  it('keeps the previous array when nothing changed', () => {
    const model = fakeModel(document);
    const first = buildNodes(model, new Map(), 'left-to-right', trans, []);
    expect(first).toHaveLength(5);
    const again = buildNodes(model, new Map(), 'left-to-right', trans, first);
    expect(again).toBe(first);
    const edges = buildEdges(model, null, trans, []);
    expect(buildEdges(model, null, trans, edges)).toBe(edges);
  });

  it('renews only the node whose status changed', () => {
    const model = fakeModel(document);
    const first = buildNodes(model, new Map(), 'left-to-right', trans, []);
    const states = new Map<string, IStepState>([['s2', { status: 'running' }]]);
    const next = buildNodes(model, states, 'left-to-right', trans, first);
    expect(next).not.toBe(first);
    expect(next[2]).not.toBe(first[2]);
    expect(next[2].data.status).toBe('running');
    next.forEach((node, i) => i !== 2 && expect(node).toBe(first[i]));
  });

  it('renews a node when it is selected or gets a problem', () => {
    const first = buildNodes(
      fakeModel(document),
      new Map(),
      'left-to-right',
      trans,
      []
    );
    const selected = buildNodes(
      fakeModel(document, ['s1']),
      new Map(),
      'left-to-right',
      trans,
      first
    );
    expect(selected[1].selected).toBe(true);
    expect(selected[0]).toBe(first[0]);
    const problem = buildNodes(
      fakeModel(
        document,
        [],
        [{ pointer: '/steps/4', step: 's4', message: 'missing.ipynb' }]
      ),
      new Map(),
      'left-to-right',
      trans,
      first
    );
    expect(problem[4].data.problems).toEqual(['missing.ipynb']);
    expect(problem[3]).toBe(first[3]);
  });

  it('does not look at the edges again while the document and the run log stay the same', () => {
    let reads = 0;
    const counted = {
      version: 1,
      get steps() {
        reads++;
        return document.steps;
      }
    } as IPipelineDocument;
    const model = fakeModel(counted);
    const edges = buildEdges(model, null, trans, []);
    expect(edges).toHaveLength(4);
    const readsForOneBuild = reads;
    expect(readsForOneBuild).toBeGreaterThan(0);
    // A status event: same document, same log.
    expect(buildEdges(model, null, trans, edges)).toBe(edges);
    expect(reads).toBe(readsForOneBuild);
    // Another document (an edit) is read again.
    const edited = { ...document, steps: document.steps.slice(0, 3) };
    expect(buildEdges(fakeModel(edited), null, trans, edges)).toHaveLength(2);
  });

  it('draws dependency edges with an arrowhead', () => {
    const edges = buildEdges(fakeModel(document), null, trans, []);
    expect(edges).toHaveLength(4);
    expect(edges[0]).toMatchObject({ source: 's0', target: 's1' });
    expect(edges[0].markerEnd).toMatchObject({ type: 'arrowclosed' });
  });

  it("gives an unmeasured node its expected size and handles, a measured one keeps xyflow's", () => {
    const model = fakeModel(chain(3));
    const first = buildNodes(model, new Map(), 'left-to-right', trans, []);
    expect(first[0].measured).toEqual({
      width: NODE_WIDTH,
      height: NODE_HEIGHT
    });
    expect(first[0].handles).toEqual(expectedHandles('left-to-right'));
    const target = first[0].handles!.find(h => h.type === 'target')!;
    expect(target.x + target.width! / 2).toBe(0);
    expect(target.y + target.height! / 2).toBe(NODE_HEIGHT / 2);

    // xyflow measured the first node (taller: an error line); its status then changes.
    const measured = [
      { ...first[0], measured: { width: NODE_WIDTH, height: 96 } },
      ...first.slice(1)
    ];
    measured.forEach(node => delete node.handles);
    const states = new Map<string, IStepState>([['s0', { status: 'failed' }]]);
    const next = buildNodes(model, states, 'left-to-right', trans, measured);
    expect(next[0]).not.toBe(measured[0]);
    expect(next[0].measured).toEqual({ width: NODE_WIDTH, height: 96 });
    expect(next[0].handles).toBeUndefined();

    // Turned top to bottom, the handles move to the top and bottom sides.
    const turned = buildNodes(model, states, 'top-to-bottom', trans, next);
    expect(turned[1].handles).toEqual(expectedHandles('top-to-bottom'));
    expect(
      turned[1].handles!.map(h => [h.type, h.position, h.x + h.width! / 2])
    ).toEqual([
      ['target', 'top', NODE_WIDTH / 2],
      ['source', 'bottom', NODE_WIDTH / 2]
    ]);
  });

  it('marks the nodes of a large pipeline, not those of a small one', () => {
    const small = buildNodes(
      fakeModel(chain(5)),
      new Map(),
      'left-to-right',
      trans,
      []
    );
    const large = buildNodes(
      fakeModel(chain(200)),
      new Map(),
      'left-to-right',
      trans,
      []
    );
    expect(small[0].data.large).toBe(false);
    expect(large[0].data.large).toBe(true);
  });
});

describe('zoom levels', () => {
  it('never fits below a readable zoom', () => {
    expect(fitViewOptions(7).minZoom).toBe(READABLE_FULL_ZOOM);
    expect(fitViewOptions(1000).minZoom).toBe(READABLE_COMPACT_ZOOM);
    expect(READABLE_COMPACT_ZOOM).toBeGreaterThanOrEqual(0.25);
  });

  it('draws compact nodes only for large pipelines zoomed out', () => {
    expect(isCompactZoom(0.3, 1000)).toBe(true);
    expect(isCompactZoom(1, 1000)).toBe(false);
    expect(isCompactZoom(0.3, 7)).toBe(false);
  });
});

describe('finding steps', () => {
  const document: IPipelineDocument = {
    version: 1,
    steps: ['load', 'train_forest', 'train', 'report', 'other'].map(id => ({
      id,
      notebook: `${id}.ipynb`
    }))
  };
  document.steps[1].depends_on = ['load'];
  document.steps[2].depends_on = ['load'];
  document.steps[3].depends_on = ['train_forest', 'train'];

  it('finds the exact name first, then a prefix, then a part, ignoring case', () => {
    expect(findStep(document, 'train')).toBe('train');
    expect(findStep(document, ' TRAIN_f')).toBe('train_forest');
    expect(findStep(document, 'port')).toBe('report');
    expect(findStep(document, 'nothing')).toBeNull();
    expect(findStep(document, '  ')).toBeNull();
  });

  it('keeps the failed and running steps and their direct neighbours', () => {
    const statuses: Record<string, StepStatus> = {
      train_forest: 'failed',
      load: 'succeeded',
      report: 'upstream_failed',
      other: 'succeeded'
    };
    const kept = focusedSteps(document, id => statuses[id] ?? 'idle');
    expect([...kept].sort()).toEqual(['load', 'report', 'train_forest']);
    expect(focusedSteps(document, () => 'succeeded').size).toBe(0);
  });

  it('hides the nodes the filter does not keep', () => {
    const model = fakeModel({
      ...document,
      steps: document.steps.map((step, i) => ({
        ...step,
        position: { x: i, y: 0 }
      }))
    });
    const nodes = buildNodes(
      model,
      new Map(),
      'left-to-right',
      trans,
      [],
      new Set(['load'])
    );
    expect(nodes.filter(node => !node.hidden).map(node => node.id)).toEqual([
      'load'
    ]);
  });
});

describe('keyboard navigation between connected steps', () => {
  //   load ─┬─ left ──┬─ report
  //         └─ right ─┘
  const document: IPipelineDocument = {
    version: 1,
    steps: [
      { id: 'load', notebook: 'l.ipynb' },
      { id: 'left', notebook: 'a.ipynb', depends_on: ['load'] },
      { id: 'right', notebook: 'b.ipynb', depends_on: ['load'] },
      { id: 'report', notebook: 'r.ipynb', depends_on: ['left', 'right'] }
    ]
  };
  const positions = new Map([
    ['load', { x: 0, y: 100 }],
    ['left', { x: 300, y: 0 }],
    ['right', { x: 300, y: 200 }],
    ['report', { x: 600, y: 100 }]
  ]);
  const go = (from: string, key: ArrowKey) =>
    connectedStep(document, positions, from, key, 'left-to-right');

  it('goes forward to a dependent and back to a dependency', () => {
    expect(go('load', 'ArrowRight')).toBe('left');
    expect(go('right', 'ArrowRight')).toBe('report');
    expect(go('report', 'ArrowLeft')).toBe('left');
    expect(go('load', 'ArrowLeft')).toBeNull();
    expect(go('report', 'ArrowRight')).toBeNull();
  });

  it('goes across to the steps sharing a dependency', () => {
    expect(go('left', 'ArrowDown')).toBe('right');
    expect(go('right', 'ArrowUp')).toBe('left');
    expect(go('left', 'ArrowUp')).toBeNull();
  });

  it('turns with the layout direction', () => {
    expect(
      connectedStep(document, positions, 'load', 'ArrowDown', 'top-to-bottom')
    ).toBe('left');
  });
});

describe('placing added notebooks', () => {
  it('puts them in a grid right of the graph, top-aligned', () => {
    const spots = placeBeside(
      [
        { x: 0, y: 50 },
        { x: 300, y: 0 }
      ],
      3
    );
    expect(spots[0]).toEqual({ x: 300 + NODE_WIDTH + 80, y: 0 });
    expect(spots[1].y).toBe(0);
    expect(spots[1].x).toBeGreaterThan(spots[0].x);
    expect(spots[2].x).toBe(spots[0].x);
    expect(spots[2].y).toBeGreaterThan(0);
  });

  it('centres them on a drop point', () => {
    expect(placeBeside([{ x: 0, y: 0 }], 1, { x: 500, y: 400 })).toEqual([
      { x: 500 - NODE_WIDTH / 2, y: 400 - NODE_HEIGHT / 2 }
    ]);
  });

  it('takes only notebooks from a file browser drag', () => {
    expect(draggedNotebooks(['a.ipynb', 'data.csv', 'sub/b.ipynb'])).toEqual([
      'a.ipynb',
      'sub/b.ipynb'
    ]);
    expect(draggedNotebooks('a.ipynb')).toEqual([]);
  });
});
