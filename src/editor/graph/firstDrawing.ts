/**
 * How a large pipeline is first drawn. Pure (jest-tested).
 *
 * Drawing the ~350 nodes and ~600 edges in view at the fit zoom took one main-thread task of
 * 0.3-0.4 s (React, then style, layout and the measuring of every node). So the view is fitted
 * from the saved positions before anything is drawn (no first drawing at zoom 1), and the steps
 * in view are handed to xyflow a batch per frame; the steps out of view (culled) come last.
 */
import { getViewportForBounds, Viewport, XYPosition } from '@xyflow/react';

import { NODE_HEIGHT, NODE_WIDTH } from '../layoutGraph';
import { IFitOptions } from './zoomLevels';

/**
 * Steps in view added per frame, and steps out of view (culled, but each adds a minimap node
 * and edge checks): at 1,000 steps, 60 and everything else at once still made tasks of 65-76
 * and 144 ms (issue 14).
 */
export const STEPS_IN_VIEW_PER_FRAME = 40;
export const STEPS_OUT_OF_VIEW_PER_FRAME = 200;

/**
 * The viewport xyflow's fit view gives these positions once drawn at the expected size, in a
 * graph of `width` x `height`; null when nothing is placed or the graph has no size yet.
 */
export function fittedViewport(
  positions: Iterable<XYPosition>,
  width: number,
  height: number,
  options: IFitOptions
): Viewport | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const { x, y } of positions) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + NODE_WIDTH);
    y1 = Math.max(y1, y + NODE_HEIGHT);
  }
  if (x0 === Infinity || width <= 0 || height <= 0) {
    return null;
  }
  return getViewportForBounds(
    { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
    width,
    height,
    options.minZoom,
    options.maxZoom,
    options.padding
  );
}

/** Whether a node at `position` (expected size) shows, at least partly, in the view. */
function inView(
  position: XYPosition,
  viewport: Viewport,
  width: number,
  height: number
): boolean {
  const { x, y, zoom } = viewport;
  const left = position.x * zoom + x;
  const top = position.y * zoom + y;
  return (
    left < width &&
    left + NODE_WIDTH * zoom > 0 &&
    top < height &&
    top + NODE_HEIGHT * zoom > 0
  );
}

/** Sets of ids growing by `perFrame` ids each, the last one holding them all. */
function growing(ids: string[], perFrame: number): Set<string>[] {
  const sets: Set<string>[] = [];
  for (let end = perFrame; end < ids.length + perFrame; end += perFrame) {
    sets.push(new Set(ids.slice(0, end)));
  }
  return sets;
}

/**
 * The steps drawn by each frame, cumulative: the steps in view `inView` more per frame (in the
 * document's order), then the others `outOfView` more per frame. The last set holds every step.
 */
export function drawingFrames(
  positions: ReadonlyMap<string, XYPosition>,
  viewport: Viewport,
  width: number,
  height: number,
  perFrame = {
    inView: STEPS_IN_VIEW_PER_FRAME,
    outOfView: STEPS_OUT_OF_VIEW_PER_FRAME
  }
): ReadonlySet<string>[] {
  if (perFrame.inView < 1 || perFrame.outOfView < 1) {
    throw new Error(
      `steps per frame must be at least 1, not ${perFrame.inView} and ${perFrame.outOfView}`
    );
  }
  const visible: string[] = [];
  const hidden: string[] = [];
  for (const [id, position] of positions) {
    (inView(position, viewport, width, height) ? visible : hidden).push(id);
  }
  const first = growing(visible, perFrame.inView);
  const rest = growing(hidden, perFrame.outOfView).map(
    set => new Set([...visible, ...set])
  );
  const frames = [...first, ...rest];
  return frames.length > 0 ? frames : [new Set()];
}
