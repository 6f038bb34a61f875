/**
 * How far the graph zooms, and when nodes are drawn compact. Pure (jest-tested).
 *
 * Full nodes have ~13 px text: below a zoom of 0.6 it falls under ~8 px on screen. Compact nodes
 * (a large pipeline's, name and status only) draw the name at 28 px, readable down to 0.3.
 * Fit view stops at the readable zoom of the nodes it will draw, and centres the graph when it
 * does not fit whole; the user can still zoom out to see 1,000 steps at once.
 */
/** From this many steps a pipeline is large: compact nodes when zoomed out, culling. */
export const LARGE_PIPELINE_STEPS = 50;
/** Full nodes below this zoom (large pipelines only) are drawn compact. */
export const COMPACT_BELOW_ZOOM = 0.6;
export const READABLE_FULL_ZOOM = 0.6;
export const READABLE_COMPACT_ZOOM = 0.3;
/** What the user can reach with the wheel or the controls. */
export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 2;

export function isLargePipeline(stepCount: number): boolean {
  return stepCount >= LARGE_PIPELINE_STEPS;
}

/** The lowest zoom at which fit view still leaves the node text readable. */
export function readableZoom(stepCount: number): number {
  return isLargePipeline(stepCount)
    ? READABLE_COMPACT_ZOOM
    : READABLE_FULL_ZOOM;
}

/** Fit view's options (xyflow's FitViewOptions, every field given). */
export interface IFitOptions {
  padding: number;
  minZoom: number;
  maxZoom: number;
}

export function fitViewOptions(stepCount: number): IFitOptions {
  return { padding: 0.2, maxZoom: 1, minZoom: readableZoom(stepCount) };
}

/** Whether nodes are drawn compact at this zoom. */
export function isCompactZoom(zoom: number, stepCount: number): boolean {
  return isLargePipeline(stepCount) && zoom < COMPACT_BELOW_ZOOM;
}
