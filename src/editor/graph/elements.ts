/**
 * Turns the model (and the run service's step states) into xyflow nodes and edges.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { edgeCatalogFlow, flowLabelLines, flowTitle } from '../../catalogFlow';
import type { IRunLog } from '../../runs/dto';
import { stepProgressLabel } from '../../status';
import { IStepState } from '../../tokens';
import { dependencies } from '../graphOps';
import { LayoutDirection } from '../layoutGraph';
import { PipelineEditorModel } from '../model';
import { CatalogEdgeType } from './CatalogEdge';
import { StepNodeType } from './StepNode';

export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

/**
 * Nodes for the steps that have a position (stored or laid out). `previous` keeps xyflow's
 * measurements and the position of a node being dragged, so a re-render does not make it jump.
 */
export function buildNodes(
  model: PipelineEditorModel,
  states: ReadonlyMap<string, IStepState>,
  direction: LayoutDirection,
  trans: TranslationBundle,
  previous: ReadonlyArray<StepNodeType>
): StepNodeType[] {
  const document = model.document;
  if (!document) {
    return [];
  }
  const previousById = new Map(previous.map(node => [node.id, node]));
  const selected = new Set(model.selection);
  const nodes: StepNodeType[] = [];
  for (const step of document.steps) {
    const old = previousById.get(step.id);
    const position = old?.dragging ? old.position : model.position(step.id);
    if (!position) {
      continue; // placed once the layout answers
    }
    const state = states.get(step.id);
    nodes.push({
      id: step.id,
      type: 'step',
      position,
      selected: selected.has(step.id),
      dragging: old?.dragging,
      measured: old?.measured,
      data: {
        stepId: step.id,
        notebook: step.notebook,
        status: state?.status ?? 'idle',
        durationS: state?.durationS ?? null,
        progress: stepProgressLabel(state, trans),
        errorText: state?.error
          ? `${state.error.name}: ${state.error.message}`
          : null,
        problems: model.problems
          .filter(problem => problem.step === step.id)
          .map(problem => problem.message),
        direction,
        trans
      }
    });
  }
  return nodes;
}

/** Edges for the dependencies, labelled with the catalog entries that flowed in `log`. */
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
  const ids = new Set(document.steps.map(step => step.id));
  const selected = new Set(
    previous.filter(edge => edge.selected).map(edge => edge.id)
  );
  return dependencies(document)
    .filter(edge => ids.has(edge.source) && ids.has(edge.target))
    .map(({ source, target }) => {
      const id = edgeId(source, target);
      const flow = edgeCatalogFlow(log, source, target);
      return {
        id,
        source,
        target,
        type: 'catalog' as const,
        selected: selected.has(id),
        data: {
          lines: flowLabelLines(flow, trans),
          title: flowTitle(flow, trans),
          names: flow.map(entry => entry.name)
        }
      };
    });
}
