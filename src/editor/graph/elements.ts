/**
 * Turns the model (and the run service's step states) into xyflow nodes and edges.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { MarkerType } from '@xyflow/react';

import { edgeCatalogFlow, flowLabelLines, flowTitle } from '../../catalogFlow';
import type { IRunLog } from '../../runs/dto';
import { stepProgressLabel } from '../../status';
import { IStepState } from '../../tokens';
import { dependencies } from '../graphOps';
import { LayoutDirection, NODE_HEIGHT, NODE_WIDTH } from '../layoutGraph';
import { PipelineEditorModel } from '../model';
import { IPipelineDocument } from '../pipelineFormat';
import { CatalogEdgeType } from './CatalogEdge';
import { EXPECTED_SIZE, expectedHandles } from './nodeGeometry';
import { IStepNodeData, StepNodeType } from './StepNode';
import { isLargePipeline } from './zoomLevels';

const NO_PROBLEMS: string[] = [];

export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

/** `previous` itself when `next` holds the same objects: xyflow then does no work at all. */
function unlessUnchanged<T>(next: T[], previous: ReadonlyArray<T>): T[] {
  const same =
    next.length === previous.length &&
    next.every((item, index) => item === previous[index]);
  return same ? (previous as T[]) : next;
}

/** Equal data draws the same node: shallow, with the problems compared by value. */
function sameData(a: IStepNodeData, b: IStepNodeData): boolean {
  for (const key of Object.keys(b) as Array<keyof IStepNodeData>) {
    if (key !== 'problems' && a[key] !== b[key]) {
      return false;
    }
  }
  return (
    a.problems.length === b.problems.length &&
    a.problems.every((problem, index) => problem === b.problems[index])
  );
}

/**
 * Nodes for the steps that have a position (stored or laid out). `previous` keeps xyflow's
 * measurements and the position of a node being dragged, so a re-render does not make it jump.
 * A node whose drawing did not change is the previous object itself: xyflow then re-renders
 * only the nodes that changed (one status event re-renders one node, not a thousand).
 * With `shown`, the other steps are hidden (the status filter); with `drawn`, the other steps
 * are left out (not drawn yet: the first drawing of a large pipeline).
 */
export function buildNodes(
  model: PipelineEditorModel,
  states: ReadonlyMap<string, IStepState>,
  direction: LayoutDirection,
  trans: TranslationBundle,
  previous: ReadonlyArray<StepNodeType>,
  shown: ReadonlySet<string> | null = null,
  drawn: ReadonlySet<string> | null = null
): StepNodeType[] {
  const document = model.document;
  if (!document) {
    return [];
  }
  const previousById = new Map(previous.map(node => [node.id, node]));
  const selected = new Set(model.selection);
  const problemsByStep = new Map<string, string[]>();
  for (const problem of model.problems) {
    if (problem.step) {
      const list = problemsByStep.get(problem.step) ?? [];
      list.push(problem.message);
      problemsByStep.set(problem.step, list);
    }
  }
  const positions = model.positions();
  const large = isLargePipeline(document.steps.length);
  const nodes: StepNodeType[] = [];
  for (const step of document.steps) {
    const old = previousById.get(step.id);
    const position = old?.dragging ? old.position : positions.get(step.id);
    if (!position || (drawn && !drawn.has(step.id))) {
      continue; // placed once the layout answers, or drawn in a later frame
    }
    const state = states.get(step.id);
    const data: IStepNodeData = {
      stepId: step.id,
      notebook: step.notebook,
      status: state?.status ?? 'idle',
      durationS: state?.durationS ?? null,
      progress: stepProgressLabel(state, trans),
      errorText: state?.error
        ? `${state.error.name}: ${state.error.message}`
        : null,
      problems: problemsByStep.get(step.id) ?? NO_PROBLEMS,
      direction,
      large,
      trans
    };
    const isSelected = selected.has(step.id);
    const hidden = shown !== null && !shown.has(step.id);
    if (
      old &&
      old.position.x === position.x &&
      old.position.y === position.y &&
      !!old.selected === isSelected &&
      !!old.hidden === hidden &&
      sameData(old.data, data)
    ) {
      nodes.push(old);
      continue;
    }
    // Unmeasured (or turned), a node comes with its expected size and handles: xyflow then
    // culls it like a measured one instead of drawing it wherever the view is.
    const guessed = !old?.measured || old.data.direction !== direction;
    nodes.push({
      id: step.id,
      type: 'step',
      position,
      initialWidth: NODE_WIDTH,
      initialHeight: NODE_HEIGHT,
      selected: isSelected,
      hidden,
      dragging: old?.dragging,
      measured: old?.measured ?? EXPECTED_SIZE,
      ...(guessed ? { handles: expectedHandles(direction) } : {}),
      data
    });
  }
  return unlessUnchanged(nodes, previous);
}

/** The edges between drawn steps (all of them when `drawn` is null). */
export function edgesBetween(
  edges: CatalogEdgeType[],
  drawn: ReadonlySet<string> | null
): CatalogEdgeType[] {
  return drawn
    ? edges.filter(edge => drawn.has(edge.source) && drawn.has(edge.target))
    : edges;
}

const ARROW = { type: MarkerType.ArrowClosed, width: 18, height: 18 };

interface IEdgeSources {
  document: IPipelineDocument;
  log: IRunLog | null;
  trans: TranslationBundle;
}
/** What each edge array was drawn from: status events rebuild the nodes, not the edges. */
const drawnFrom = new WeakMap<ReadonlyArray<CatalogEdgeType>, IEdgeSources>();

/**
 * Edges for the dependencies (an arrowhead at the dependent), labelled with the catalog entries
 * that flowed in `log`. An unchanged edge is the previous object itself (see buildNodes); drawn
 * from the same document and log, `previous` is returned without looking at any edge.
 */
export function buildEdges(
  model: PipelineEditorModel,
  log: IRunLog | null,
  trans: TranslationBundle,
  previous: ReadonlyArray<CatalogEdgeType>
): CatalogEdgeType[] {
  const document = model.document;
  if (!document) {
    return [];
  }
  const sources = drawnFrom.get(previous);
  if (
    sources?.document === document &&
    sources.log === log &&
    sources.trans === trans
  ) {
    return previous as CatalogEdgeType[];
  }
  const ids = new Set(document.steps.map(step => step.id));
  const previousById = new Map(previous.map(edge => [edge.id, edge]));
  const edges = dependencies(document)
    .filter(edge => ids.has(edge.source) && ids.has(edge.target))
    .map(({ source, target }): CatalogEdgeType => {
      const id = edgeId(source, target);
      const flow = edgeCatalogFlow(log, source, target);
      const old = previousById.get(id);
      const data = {
        lines: flowLabelLines(flow, trans),
        title: flowTitle(flow, trans),
        names: flow.map(entry => entry.name)
      };
      if (
        old?.data &&
        old.data.title === data.title &&
        old.data.lines.join('\n') === data.lines.join('\n') &&
        old.data.names.join(' ') === data.names.join(' ')
      ) {
        return old;
      }
      return {
        id,
        source,
        target,
        type: 'catalog' as const,
        markerEnd: ARROW,
        selected: old?.selected ?? false,
        data
      };
    });
  const result = unlessUnchanged(edges, previous);
  drawnFrom.set(result, { document, log, trans });
  return result;
}
