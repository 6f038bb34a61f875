/**
 * Pure parts of the auto layout: the ELK input graph for a pipeline and the placement of steps
 * that have no position yet (no elkjs import here, so jest can test it quickly).
 */
import { dependencies } from './graphOps';
import { IPipelineDocument, IPosition } from './pipelineFormat';

export type LayoutDirection = 'left-to-right' | 'top-to-bottom';

/** Size given to ELK for every node (the node component is drawn at about this size). */
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 76;

export interface ILayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface ILayoutEdge {
  id: string;
  sources: string[];
  targets: string[];
}

export interface ILayoutInput {
  id: string;
  layoutOptions: Record<string, string>;
  children: ILayoutNode[];
  edges: ILayoutEdge[];
}

/** The ELK graph: layered algorithm, edges from dependency to dependent. */
export function buildLayoutInput(
  document: IPipelineDocument,
  direction: LayoutDirection
): ILayoutInput {
  const ids = new Set(document.steps.map(step => step.id));
  return {
    id: 'pipeline',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction === 'left-to-right' ? 'RIGHT' : 'DOWN',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Keep the file order within a layer, so the layout is stable across edits.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES'
    },
    children: document.steps.map(step => ({
      id: step.id,
      width: NODE_WIDTH,
      height: NODE_HEIGHT
    })),
    // Dangling or duplicate references are validation errors; ELK must not see them.
    edges: dependencies(document)
      .filter(edge => ids.has(edge.source) && ids.has(edge.target))
      .map((edge, index) => ({
        id: `e${index}`,
        sources: [edge.source],
        targets: [edge.target]
      }))
  };
}

/**
 * Positions for the steps without one. When some steps already have positions, the computed
 * layout is shifted by the average offset between those steps' stored and computed positions,
 * so new steps land next to their neighbours in the user's arrangement.
 */
export function placeMissing(
  document: IPipelineDocument,
  computed: ReadonlyMap<string, IPosition>
): Map<string, IPosition> {
  const placed = document.steps.filter(
    step => step.position && computed.has(step.id)
  );
  let dx = 0;
  let dy = 0;
  if (placed.length > 0) {
    for (const step of placed) {
      dx += step.position!.x - computed.get(step.id)!.x;
      dy += step.position!.y - computed.get(step.id)!.y;
    }
    dx /= placed.length;
    dy /= placed.length;
  }
  const result = new Map<string, IPosition>();
  for (const step of document.steps) {
    const position = computed.get(step.id);
    if (!step.position && position) {
      result.set(step.id, {
        x: Math.round(position.x + dx),
        y: Math.round(position.y + dy)
      });
    }
  }
  return result;
}

const COLUMN_GAP = 80;
const ROW_GAP = 40;

/**
 * Positions for `count` steps added at once: a near-square grid, right of the steps already
 * placed (top-aligned with them), or centred on `at` (where notebooks were dropped).
 */
export function placeBeside(
  existing: ReadonlyArray<IPosition>,
  count: number,
  at?: IPosition
): IPosition[] {
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  let origin: IPosition = { x: 0, y: 0 };
  if (at) {
    origin = { x: at.x - NODE_WIDTH / 2, y: at.y - NODE_HEIGHT / 2 };
  } else if (existing.length > 0) {
    origin = {
      x: Math.max(...existing.map(p => p.x)) + NODE_WIDTH + COLUMN_GAP,
      y: Math.min(...existing.map(p => p.y))
    };
  }
  return Array.from({ length: count }, (_, index) => ({
    x: Math.round(origin.x + (index % columns) * (NODE_WIDTH + COLUMN_GAP)),
    y: Math.round(
      origin.y + Math.floor(index / columns) * (NODE_HEIGHT + ROW_GAP)
    )
  }));
}
