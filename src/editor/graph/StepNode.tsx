/**
 * A step drawn in the graph: id, notebook, status badge, last duration, problems.
 * The root element carries `data-step-id` and `data-status` (tests and CSS rely on them).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Handle, Node, NodeProps, Position } from '@xyflow/react';
import * as React from 'react';

import { StatusBadge } from '../../components/StatusBadge';
import { formatDuration } from '../../duration';
import { StepStatus } from '../../tokens';
import { basename } from '../format';
import { LayoutDirection } from '../layoutGraph';

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
  trans: TranslationBundle;
}

export type StepNodeType = Node<IStepNodeData, 'step'>;

export function StepNode(props: NodeProps<StepNodeType>): JSX.Element {
  const { data, selected } = props;
  const { trans } = data;
  const horizontal = data.direction === 'left-to-right';
  const duration = formatDuration(data.durationS);
  return (
    <div
      className={`jp-runnable-node${selected ? ' jp-mod-selected' : ''}${
        data.problems.length > 0 ? ' jp-mod-warning' : ''
      }`}
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
      <div className="jp-runnable-node-header">
        <span className="jp-runnable-node-id">{data.stepId}</span>
        <StatusBadge status={data.status} trans={trans} />
      </div>
      <div className="jp-runnable-node-notebook">{basename(data.notebook)}</div>
      <div className="jp-runnable-node-footer">
        {data.progress ?? (duration ? trans.__('last run %1', duration) : '')}
        {data.problems.length > 0 && (
          <span className="jp-runnable-node-problem">
            {trans._n('%1 problem', '%1 problems', data.problems.length)}
          </span>
        )}
      </div>
      {data.errorText && (
        <div className="jp-runnable-node-error">{data.errorText}</div>
      )}
      <Handle
        type="source"
        position={horizontal ? Position.Right : Position.Bottom}
      />
    </div>
  );
}
