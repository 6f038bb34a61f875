/**
 * Fit the graph in view when its first nodes appear (they may come after the layout answers)
 * and whenever the graph is resized (e.g. the problems list appears), until the user pans or
 * zooms (or the view is moved on purpose, e.g. to a step found by the search box). Returns the
 * handler for ReactFlow's `onMoveStart` and the function that stops the fitting.
 */
import { FitViewOptions, useReactFlow } from '@xyflow/react';
import * as React from 'react';

export function useAutoFit(
  container: React.RefObject<HTMLElement>,
  nodeCount: number,
  options: FitViewOptions
): {
  onMoveStart: (event: MouseEvent | TouchEvent | null) => void;
  stopAutoFit: () => void;
} {
  const { fitView } = useReactFlow();
  const fitted = React.useRef(false);
  const userMoved = React.useRef(false);

  React.useEffect(() => {
    if (!fitted.current && nodeCount > 0) {
      fitted.current = true;
      void fitView(options);
    }
  }, [nodeCount, fitView, options]);

  React.useEffect(() => {
    const node = container.current;
    if (!node) {
      return;
    }
    const observer = new ResizeObserver(() => {
      if (fitted.current && !userMoved.current) {
        void fitView(options);
      }
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [container, fitView, options]);

  // Only user gestures carry an event; programmatic fits do not.
  const onMoveStart = React.useCallback(
    (event: MouseEvent | TouchEvent | null) => {
      if (event) {
        userMoved.current = true;
      }
    },
    []
  );
  const stopAutoFit = React.useCallback(() => {
    userMoved.current = true;
  }, []);
  return { onMoveStart, stopAutoFit };
}
