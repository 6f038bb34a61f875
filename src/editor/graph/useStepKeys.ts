/**
 * Keys on a focused step: an arrow goes to a connected step (selects and focuses it, bringing it
 * into view), Enter opens the notebook of a step already selected (the first Enter selects it,
 * as xyflow does). Returns the graph's capture-phase key handler, which runs before xyflow's
 * (whose arrows would move the node).
 */
import { useReactFlow } from '@xyflow/react';
import * as React from 'react';

import { LayoutDirection, NODE_HEIGHT, NODE_WIDTH } from '../layoutGraph';
import { PipelineEditorModel } from '../model';
import { connectedStep, isArrowKey } from './keyboardNavigation';

export interface IStepKeysOptions {
  container: React.RefObject<HTMLElement>;
  model: PipelineEditorModel;
  direction: LayoutDirection;
  onOpenStep: (stepId: string) => void;
  /** The view moves on purpose: no automatic fit afterwards. */
  onNavigate: () => void;
}

export function useStepKeys(
  options: IStepKeysOptions
): (event: React.KeyboardEvent) => void {
  const { container, model, direction, onOpenStep, onNavigate } = options;
  const { setCenter, getZoom } = useReactFlow();

  const focusStep = React.useCallback(
    (id: string, attempts = 3) => {
      const element = container.current?.querySelector<HTMLElement>(
        `.react-flow__node[data-id="${CSS.escape(id)}"]`
      );
      if (element) {
        element.focus(); // xyflow pans a partly hidden node into view
        return;
      }
      // Not drawn (out of view in a large pipeline): centre it, then focus it once drawn.
      const position = model.positions().get(id);
      if (position && attempts === 3) {
        void setCenter(
          position.x + NODE_WIDTH / 2,
          position.y + NODE_HEIGHT / 2,
          { zoom: getZoom() }
        );
      }
      if (attempts > 0) {
        requestAnimationFrame(() => focusStep(id, attempts - 1));
      }
    },
    [container, model, setCenter, getZoom]
  );

  return React.useCallback(
    (event: React.KeyboardEvent) => {
      const target = event.target as HTMLElement;
      const id = target.classList?.contains('react-flow__node')
        ? target.dataset.id
        : undefined;
      const document = model.document;
      if (!id || !document || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      if (event.key === 'Enter' && model.selection.length === 1) {
        if (model.selection[0] === id) {
          event.preventDefault();
          event.stopPropagation();
          onOpenStep(id);
        }
        return;
      }
      if (!isArrowKey(event.key) || event.shiftKey) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      const next = connectedStep(
        document,
        model.positions(),
        id,
        event.key,
        direction
      );
      if (next) {
        onNavigate();
        model.setSelection([next]);
        focusStep(next);
      }
    },
    [model, direction, onOpenStep, onNavigate, focusStep]
  );
}
