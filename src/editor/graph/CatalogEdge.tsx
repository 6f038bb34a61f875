/**
 * A dependency edge drawn as xyflow's default (bezier) edge, labelled with the catalog entries
 * that flowed along it in the shown run ("wine · 12.3 KB", "+2 more"; every entry in the
 * tooltip). The label carries `data-entries` (the entry names; tests rely on it).
 */
import {
  BaseEdge,
  Edge,
  EdgeLabelRenderer,
  EdgeProps,
  getBezierPath
} from '@xyflow/react';
import * as React from 'react';

export interface ICatalogEdgeData extends Record<string, unknown> {
  /** The label's lines; none when nothing flowed along the edge (or nothing ran). */
  lines: string[];
  /** The full list, for the tooltip. */
  title: string;
  /** The entry names (the label's `data-entries`, space-separated). */
  names: string[];
}

export type CatalogEdgeType = Edge<ICatalogEdgeData, 'catalog'>;

export function CatalogEdge(props: EdgeProps<CatalogEdgeType>): JSX.Element {
  const [path, labelX, labelY] = getBezierPath({
    sourceX: props.sourceX,
    sourceY: props.sourceY,
    sourcePosition: props.sourcePosition,
    targetX: props.targetX,
    targetY: props.targetY,
    targetPosition: props.targetPosition
  });
  const lines = props.data?.lines ?? [];
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        markerEnd={props.markerEnd}
        markerStart={props.markerStart}
        style={props.style}
        interactionWidth={props.interactionWidth}
      />
      {lines.length > 0 && (
        <EdgeLabelRenderer>
          <div
            className={`jp-runnable-edge-label nodrag nopan${props.selected ? ' jp-mod-selected' : ''}`}
            data-edge-id={props.id}
            data-entries={props.data?.names.join(' ')}
            title={props.data?.title}
            // Placed at the edge's middle; xyflow's renderer is positioned over the canvas.
            style={{
              transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`
            }}
          >
            {lines.map((line, index) => (
              <div key={index} className="jp-runnable-edge-label-line">
                {line}
              </div>
            ))}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
