/**
 * Fit the graph in view when its first nodes appear (they may come after the layout answers)
 * and whenever the graph is resized (e.g. the problems list appears), until the user pans or
 * zooms (or the view is moved on purpose, e.g. to a step found by the search box). `fit` fits
 * the view; `fittedAlready` tells whether the view was fitted before the first nodes came (the
 * first drawing of a large pipeline). Returns the handler for ReactFlow's `onMoveStart` and the
 * function that stops the fitting.
 */
import * as React from 'react';

export function useAutoFit(
  container: React.RefObject<HTMLElement>,
  nodeCount: number,
  fit: () => void,
  fittedAlready: () => boolean
): {
  onMoveStart: (event: MouseEvent | TouchEvent | null) => void;
  stopAutoFit: () => void;
} {
  const fitted = React.useRef(false);
  const userMoved = React.useRef(false);

  React.useEffect(() => {
    if (!fitted.current && nodeCount > 0) {
      fitted.current = true;
      if (!fittedAlready()) {
        fit();
      }
    }
  }, [nodeCount, fit, fittedAlready]);

  React.useEffect(() => {
    const node = container.current;
    if (!node) {
      return;
    }
    const observer = new ResizeObserver(() => {
      if (fitted.current && !userMoved.current) {
        fit();
      }
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [container, fit]);

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
