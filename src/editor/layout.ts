/**
 * Auto layout with elkjs (layered, left to right by default), computed in a web worker.
 */
import { buildLayoutInput, LayoutDirection } from './layoutGraph';
import { createLayoutEngine, LayoutEngine } from './layoutWorker';
import { IPipelineDocument, IPosition } from './pipelineFormat';

let elk: LayoutEngine | null = null;

/** Computed top-left positions of every step. */
export async function computeLayout(
  document: IPipelineDocument,
  direction: LayoutDirection
): Promise<Map<string, IPosition>> {
  const positions = new Map<string, IPosition>();
  if (document.steps.length === 0) {
    return positions;
  }
  elk = elk ?? createLayoutEngine();
  const result = await elk.layout(buildLayoutInput(document, direction));
  for (const child of result.children ?? []) {
    positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  }
  return positions;
}
