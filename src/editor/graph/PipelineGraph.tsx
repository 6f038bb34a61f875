/**
 * The graph view (@xyflow/react): steps as nodes, depends_on as edges. Every edit goes to the
 * model, which writes the document; the view re-renders from the model's signals.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Connection,
  Controls,
  EdgeChange,
  MiniMap,
  NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow
} from '@xyflow/react';
import * as React from 'react';

import { IRunService, IStepState } from '../../tokens';
import { connectionRefusal } from '../connectionRefusal';
import { removeElements, setPositions } from '../graphOps';
import { LayoutDirection } from '../layoutGraph';
import { RunStatusSource } from '../settings';
import { PipelineEditorModel } from '../model';
import { CatalogEdge, CatalogEdgeType } from './CatalogEdge';
import { buildEdges, buildNodes, edgesBetween } from './elements';
import { minimapNodeColor } from './minimapColors';
import { StepNode, StepNodeType } from './StepNode';
import { graphAriaLabels } from './ariaLabels';
import { GraphFinder } from './GraphFinder';
import { focusedSteps } from './stepFocus';
import { useAutoFit } from './useAutoFit';
import { useFirstDrawing } from './useFirstDrawing';
import { useNotebookDrop } from './useNotebookDrop';
import { useStepKeys } from './useStepKeys';
import {
  fitViewOptions,
  isLargePipeline,
  MAX_ZOOM,
  MIN_ZOOM
} from './zoomLevels';

import '@xyflow/react/dist/style.css';

const NODE_TYPES = { step: StepNode };
const EDGE_TYPES = { catalog: CatalogEdge };
const DELETE_KEYS = ['Delete', 'Backspace'];
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const BANNER_MS = 6000;
const MINIMAP_STYLE = { width: 160, height: 100 };
/** Minimap nodes take their step's status colour; the mask and background come from CSS. */
const minimapColor = (node: StepNodeType) => minimapNodeColor(node.data.status);

export interface IPipelineGraphProps {
  model: PipelineEditorModel;
  runStatus: RunStatusSource;
  direction: LayoutDirection;
  trans: TranslationBundle;
  onOpenStep: (stepId: string) => void;
}

/** A callback that runs `callback` once in the next animation frame however often it is called. */
function useOncePerFrame(callback: () => void): () => void {
  const latest = React.useRef(callback);
  latest.current = callback;
  const frame = React.useRef(0);
  React.useEffect(() => () => cancelAnimationFrame(frame.current), []);
  return React.useCallback(() => {
    if (frame.current === 0) {
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        latest.current();
      });
    }
  }, []);
}

function GraphCanvas(props: IPipelineGraphProps): JSX.Element {
  const { model, runStatus, direction, trans, onOpenStep } = props;
  const { fitView } = useReactFlow();
  const [runService, setRunService] = React.useState(runStatus.service);
  const [nodes, setNodes] = React.useState<StepNodeType[]>([]);
  const [edges, setEdges] = React.useState<CatalogEdgeType[]>([]);
  const allEdges = React.useRef<CatalogEdgeType[]>([]);
  const [banner, setBanner] = React.useState<string | null>(null);
  const container = React.useRef<HTMLDivElement>(null);
  const stepCount = model.document?.steps.length ?? 0;
  const fitOptions = React.useMemo(
    () => fitViewOptions(stepCount),
    [stepCount]
  );
  const ariaLabels = React.useMemo(() => graphAriaLabels(trans), [trans]);
  const firstDrawing = useFirstDrawing(container, fitOptions);
  const fit = React.useCallback(() => {
    if (!firstDrawing.refit()) {
      void fitView(fitOptions);
    }
  }, [firstDrawing, fitView, fitOptions]);
  const { onMoveStart, stopAutoFit } = useAutoFit(
    container,
    nodes.length,
    fit,
    firstDrawing.fitted
  );

  const [filtered, setFiltered] = React.useState(false);
  const [shownCount, setShownCount] = React.useState<number | null>(null);

  const onStepKey = useStepKeys({
    container,
    model,
    direction,
    onOpenStep,
    onNavigate: stopAutoFit
  });
  useNotebookDrop(container, model, stopAutoFit);

  const build = React.useCallback(() => {
    const states: ReadonlyMap<string, IStepState> =
      runService?.stepStates(model.pipelinePath) ?? new Map();
    const shown =
      filtered && model.document
        ? focusedSteps(model.document, id => states.get(id)?.status ?? 'idle')
        : null;
    setShownCount(shown ? shown.size : null);
    const drawn = firstDrawing.nextDrawn(
      model.positions(),
      isLargePipeline(stepCount)
    );
    setNodes(previous =>
      buildNodes(model, states, direction, trans, previous, shown, drawn)
    );
    const log = runService?.shownRun(model.pipelinePath) ?? null;
    if (drawn) {
      // Built from every edge of the last frame, so the drawing's frames share one build.
      allEdges.current = buildEdges(model, log, trans, allEdges.current);
      setEdges(edgesBetween(allEdges.current, drawn));
    } else {
      setEdges(previous => buildEdges(model, log, trans, previous));
    }
  }, [model, runService, direction, trans, filtered, firstDrawing, stepCount]);
  // Status events can come many per frame: one rebuild per frame draws them all.
  const rebuild = useOncePerFrame(() => {
    build();
    if (firstDrawing.drawing()) {
      rebuild(); // the first drawing's next frame
    }
  });

  React.useEffect(() => {
    const onRunChanged = (_: IRunService, path: string) => {
      if (path === model.pipelinePath) {
        rebuild();
      }
    };
    const onFit = () => void fitView({ ...fitOptions, duration: 200 });
    rebuild();
    model.changed.connect(rebuild);
    model.selectionChanged.connect(rebuild);
    model.fitViewRequested.connect(onFit);
    runService?.changed.connect(onRunChanged);
    return () => {
      model.changed.disconnect(rebuild);
      model.selectionChanged.disconnect(rebuild);
      model.fitViewRequested.disconnect(onFit);
      runService?.changed.disconnect(onRunChanged);
    };
  }, [model, runService, build, rebuild, fitView, fitOptions]);

  React.useEffect(() => {
    const onSource = () => setRunService(runStatus.service);
    runStatus.changed.connect(onSource);
    return () => void runStatus.changed.disconnect(onSource);
  }, [runStatus]);

  React.useEffect(() => {
    if (!banner) {
      return;
    }
    const timer = window.setTimeout(() => setBanner(null), BANNER_MS);
    return () => window.clearTimeout(timer);
  }, [banner]);

  const onNodesChange = React.useCallback(
    (changes: NodeChange<StepNodeType>[]) => {
      // Removal goes through onDelete (one edit); selection through the model.
      const local = changes.filter(
        c => c.type !== 'remove' && c.type !== 'select'
      );
      if (local.length > 0) {
        setNodes(current => applyNodeChanges(local, current));
      }
      const selects = changes.filter(c => c.type === 'select');
      if (selects.length > 0) {
        const selection = new Set(model.selection);
        for (const change of selects) {
          if (change.type === 'select') {
            change.selected
              ? selection.add(change.id)
              : selection.delete(change.id);
          }
        }
        model.setSelection([...selection]);
      }
    },
    [model]
  );

  const onEdgesChange = React.useCallback(
    (changes: EdgeChange<CatalogEdgeType>[]) => {
      const local = changes.filter(c => c.type !== 'remove');
      setEdges(current => applyEdgeChanges(local, current));
    },
    []
  );

  const onDelete = React.useCallback(
    ({
      nodes: gone,
      edges: cut
    }: {
      nodes: StepNodeType[];
      edges: CatalogEdgeType[];
    }) => {
      model.apply(document =>
        removeElements(
          document,
          gone.map(node => node.id),
          cut.map(edge => ({ source: edge.source, target: edge.target }))
        )
      );
    },
    [model]
  );

  const onConnect = React.useCallback(
    (connection: Connection) => {
      const result = model.connect(connection.source, connection.target);
      if (!result.ok) {
        const message = connectionRefusal(
          result.reason,
          connection.source,
          connection.target,
          trans
        );
        if (message) {
          // One message, in the graph, gone after a few seconds (no toast beside it).
          setBanner(message);
        }
      }
    },
    [model, trans]
  );

  const onNodeDragStop = React.useCallback(
    (_: unknown, __: StepNodeType, dragged: StepNodeType[]) => {
      model.apply(document =>
        setPositions(
          document,
          new Map(dragged.map(node => [node.id, node.position]))
        )
      );
    },
    [model]
  );

  return (
    <div
      className="jp-runnable-graph"
      ref={container}
      tabIndex={-1}
      onKeyDownCapture={onStepKey}
      // xyflow prevents the default focus on mouse down; the graph's shortcuts need focus here.
      onMouseDown={() => container.current?.focus({ preventScroll: true })}
    >
      {banner && (
        <div className="jp-runnable-graph-banner" role="alert">
          {banner}
        </div>
      )}
      {model.document?.steps.length === 0 && (
        <div className="jp-runnable-graph-empty">
          {trans.__(
            'This pipeline has no steps yet. Right-click notebooks in the file browser and choose "Add to Pipeline".'
          )}
        </div>
      )}
      <ReactFlow<StepNodeType, CatalogEdgeType>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        onNodeDragStop={onNodeDragStop}
        onNodeDoubleClick={(_, node) => onOpenStep(node.id)}
        // A click on a step opens the properties panel: the view must not refit then.
        onNodeClick={stopAutoFit}
        deleteKeyCode={DELETE_KEYS}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        selectionKeyCode="Shift"
        minZoom={MIN_ZOOM}
        maxZoom={MAX_ZOOM}
        fitViewOptions={fitOptions}
        // A large pipeline draws only what is in view.
        onlyRenderVisibleElements={isLargePipeline(stepCount)}
        defaultMarkerColor="var(--jp-ui-font-color2)"
        ariaLabelConfig={ariaLabels}
        onMoveStart={onMoveStart}
      >
        <GraphFinder
          model={model}
          trans={trans}
          filtered={filtered}
          shownCount={shownCount}
          onFilterChange={setFiltered}
          onNavigate={stopAutoFit}
        />
        <Background />
        <MiniMap<StepNodeType>
          pannable
          zoomable
          style={MINIMAP_STYLE}
          nodeColor={minimapColor}
          nodeBorderRadius={2}
          // In screen pixels (xyflow scales it); the colour comes from CSS.
          maskStrokeWidth={1}
        />
        <Controls />
      </ReactFlow>
    </div>
  );
}

/** The graph with its own xyflow store; memoised, so the editor's re-renders skip it. */
export const PipelineGraph = React.memo(
  (props: IPipelineGraphProps): JSX.Element => {
    return (
      <ReactFlowProvider>
        <GraphCanvas {...props} />
      </ReactFlowProvider>
    );
  }
);
