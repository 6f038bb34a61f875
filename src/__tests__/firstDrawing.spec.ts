/**
 * The first drawing of a large pipeline: the view fitted from the saved positions before
 * anything is drawn, the steps in view handed to xyflow a batch per frame, then the others.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { buildEdges, buildNodes, edgesBetween } from '../editor/graph/elements';
import {
  drawingFrames,
  fittedViewport,
  STEPS_IN_VIEW_PER_FRAME,
  STEPS_OUT_OF_VIEW_PER_FRAME
} from '../editor/graph/firstDrawing';
import { fitViewOptions } from '../editor/graph/zoomLevels';
import { NODE_HEIGHT, NODE_WIDTH } from '../editor/layoutGraph';
import type { PipelineEditorModel } from '../editor/model';
import type { IPipelineDocument } from '../editor/pipelineFormat';

const trans = {
  __: (text: string) => text,
  _n: (one: string) => one
} as unknown as TranslationBundle;

/** The benchmark's shape: layers of sqrt(N) steps, 300 px apart, rows 120 px apart. */
function grid(size: number): Map<string, { x: number; y: number }> {
  const width = Math.ceil(Math.sqrt(size));
  return new Map(
    Array.from({ length: size }, (_, i) => [
      `s${i}`,
      { x: Math.floor(i / width) * 300, y: (i % width) * 120 }
    ])
  );
}

const VIEW = { width: 1440, height: 900 };

describe('the fitted first viewport', () => {
  it('centres a graph too large to fit at the readable zoom', () => {
    const positions = grid(1000);
    const options = fitViewOptions(1000);
    const viewport = fittedViewport(
      positions.values(),
      VIEW.width,
      VIEW.height,
      options
    )!;
    expect(viewport.zoom).toBe(options.minZoom);
    // The graph's centre (32 layers of up to 32 rows) is the view's centre.
    const centreX = (31 * 300 + NODE_WIDTH) / 2;
    const centreY = (31 * 120 + NODE_HEIGHT) / 2;
    expect(centreX * viewport.zoom + viewport.x).toBeCloseTo(VIEW.width / 2);
    expect(centreY * viewport.zoom + viewport.y).toBeCloseTo(VIEW.height / 2);
  });

  it('shows a small graph whole with its padding, at most at zoom 1', () => {
    const positions = [
      { x: 0, y: 0 },
      { x: 900, y: 400 }
    ];
    const options = fitViewOptions(60);
    const viewport = fittedViewport(positions, 1440, 900, options)!;
    expect(viewport.zoom).toBeLessThanOrEqual(options.maxZoom);
    const left = viewport.x;
    const right = (900 + NODE_WIDTH) * viewport.zoom + viewport.x;
    expect(left).toBeGreaterThan(0);
    expect(right).toBeLessThan(1440);
    expect(left).toBeCloseTo(1440 - right);
    const one = fittedViewport([{ x: 0, y: 0 }], 1440, 900, options)!;
    expect(one.zoom).toBe(options.maxZoom);
  });

  it('is none without positions or before the graph has a size', () => {
    const options = fitViewOptions(1000);
    expect(fittedViewport([], 1440, 900, options)).toBeNull();
    expect(fittedViewport([{ x: 0, y: 0 }], 0, 0, options)).toBeNull();
  });
});

describe('the frames of the first drawing', () => {
  const positions = grid(1000);
  const viewport = fittedViewport(
    positions.values(),
    VIEW.width,
    VIEW.height,
    fitViewOptions(1000)
  )!;
  const shows = (id: string) => {
    const { x, y } = positions.get(id)!;
    const left = x * viewport.zoom + viewport.x;
    const top = y * viewport.zoom + viewport.y;
    return (
      left < VIEW.width &&
      left + NODE_WIDTH * viewport.zoom > 0 &&
      top < VIEW.height &&
      top + NODE_HEIGHT * viewport.zoom > 0
    );
  };
  const frames = drawingFrames(positions, viewport, VIEW.width, VIEW.height);

  it('draws the steps in view first, a batch per frame, then the others', () => {
    const visible = [...positions.keys()].filter(shows);
    expect(visible.length).toBeGreaterThan(3 * STEPS_IN_VIEW_PER_FRAME);
    expect(visible.length).toBeLessThan(positions.size);
    let previous = new Set<string>();
    for (const frame of frames) {
      [...previous].forEach(id => expect(frame.has(id)).toBe(true));
      const added = [...frame].filter(id => !previous.has(id));
      expect(added.length).toBeGreaterThan(0);
      const addedInView = added.filter(shows);
      if (previous.size < visible.length) {
        // Until every step in view is drawn, only steps in view come.
        expect(addedInView).toEqual(added);
        expect(added.length).toBeLessThanOrEqual(STEPS_IN_VIEW_PER_FRAME);
      } else {
        expect(addedInView).toEqual([]);
        expect(added.length).toBeLessThanOrEqual(STEPS_OUT_OF_VIEW_PER_FRAME);
      }
      previous = new Set(frame);
    }
    expect(previous).toEqual(new Set(positions.keys()));
    expect(frames.length).toBe(
      Math.ceil(visible.length / STEPS_IN_VIEW_PER_FRAME) +
        Math.ceil(
          (positions.size - visible.length) / STEPS_OUT_OF_VIEW_PER_FRAME
        )
    );
  });

  it('refuses batches of no steps', () => {
    expect(() =>
      drawingFrames(positions, viewport, 1440, 900, {
        inView: 0,
        outOfView: 10
      })
    ).toThrow('at least 1');
  });
});

describe('the elements of a frame', () => {
  const document: IPipelineDocument = {
    version: 1,
    steps: ['a', 'b', 'c'].map((id, i) => ({
      id,
      notebook: `${id}.ipynb`,
      ...(i > 0 ? { depends_on: ['a'] } : {}),
      position: { x: i * 300, y: 0 }
    }))
  };
  const model = {
    document,
    selection: [],
    problems: [],
    positions: () =>
      new Map(document.steps.map(step => [step.id, step.position!]))
  } as unknown as PipelineEditorModel;

  it('leaves out the steps not drawn yet and the edges to them', () => {
    const drawn = new Set(['a', 'c']);
    const nodes = buildNodes(
      model,
      new Map(),
      'left-to-right',
      trans,
      [],
      null,
      drawn
    );
    expect(nodes.map(node => node.id)).toEqual(['a', 'c']);
    const edges = buildEdges(model, null, trans, []);
    expect(edgesBetween(edges, drawn).map(edge => edge.id)).toEqual(['a->c']);
    expect(edgesBetween(edges, null)).toBe(edges);
    expect(
      buildNodes(model, new Map(), 'left-to-right', trans, nodes)
    ).toHaveLength(3);
  });
});
