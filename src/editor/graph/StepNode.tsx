/**
 * A step drawn in the graph: id, notebook, status badge, last duration, problems; in a large
 * pipeline zoomed out, compact (the id in large type and the status colour only).
 * The root element carries `data-step-id` and `data-status` (tests and CSS rely on them).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  Handle,
  Node,
  NodeProps,
  Position,
  ReactFlowState,
  useStore
} from '@xyflow/react';
import * as React from 'react';

import { StatusBadge } from '../../components/StatusBadge';
import { formatDuration } from '../../duration';
import { StepStatus } from '../../tokens';
import { basename } from '../format';
import { LayoutDirection } from '../layoutGraph';
import { COMPACT_BELOW_ZOOM } from './zoomLevels';

export interface IStepNodeData extends Record<string, unknown> {
  stepId: string;
  notebook: string;
  /** The run service's status, or "idle" when the step has not run. */
  status: StepStatus | 'idle';
  durationS: number | null;
  progress: string | null;
  errorText: string | null;
  problems: string[];
  direction: LayoutDirection;
  /** A large pipeline: drawn compact when zoomed out. */
  large: boolean;
  trans: TranslationBundle;
}

export type StepNodeType = Node<IStepNodeData, 'step'>;

/** A boolean, so zooming re-renders a node only when it crosses the threshold. */
const zoomedOut = (state: ReactFlowState) =>
  state.transform[2] < COMPACT_BELOW_ZOOM;

function StepNodeView(props: NodeProps<StepNodeType>): JSX.Element {
  const { data, selected } = props;
  const { trans } = data;
  const compact = useStore(zoomedOut) && data.large;
  const horizontal = data.direction === 'left-to-right';
  const duration = formatDuration(data.durationS);
  const classes = ['jp-runnable-node'];
  if (selected) {
    classes.push('jp-mod-selected');
  }
  if (data.problems.length > 0) {
    classes.push('jp-mod-warning');
  }
  if (compact) {
    classes.push('jp-mod-compact');
  }
  return (
    <div
      className={classes.join(' ')}
      data-step-id={data.stepId}
      data-status={data.status}
      title={[data.notebook, ...data.problems, data.errorText ?? '']
        .filter(Boolean)
        .join('\n')}
    >
      <Handle
        type="target"
        position={horizontal ? Position.Left : Position.Top}
      />
      {compact ? (
        <span className="jp-runnable-node-id">{data.stepId}</span>
      ) : (
        <>
          <div className="jp-runnable-node-header">
            <span className="jp-runnable-node-id">{data.stepId}</span>
            <StatusBadge status={data.status} trans={trans} />
          </div>
          <div className="jp-runnable-node-notebook">
            {basename(data.notebook)}
          </div>
          <div className="jp-runnable-node-footer">
            {data.progress ??
              (duration ? trans.__('last run %1', duration) : '')}
            {data.problems.length > 0 && (
              <span className="jp-runnable-node-problem">
                {trans._n('%1 problem', '%1 problems', data.problems.length)}
              </span>
            )}
          </div>
          {data.errorText && (
            <div className="jp-runnable-node-error">{data.errorText}</div>
          )}
        </>
      )}
      <Handle
        type="source"
        position={horizontal ? Position.Right : Position.Bottom}
      />
    </div>
  );
}

/** Memoised: a node re-renders when its own data, selection or drag state changes. */
export const StepNode = React.memo(StepNodeView);
