/**
 * The first drawing of a large pipeline (see firstDrawing.ts): the view fitted from the saved
 * positions before the first nodes reach xyflow, then the steps in view a batch per frame.
 * The graph calls `nextDrawn` once per rebuild (once per frame) while `drawing()` holds.
 */
import { useStoreApi, useReactFlow, XYPosition } from '@xyflow/react';
import * as React from 'react';

import { drawingFrames, fittedViewport } from './firstDrawing';
import { IFitOptions } from './zoomLevels';

type Phase =
  | { kind: 'waiting' }
  | {
      kind: 'drawing';
      frames: ReadonlyArray<ReadonlySet<string>>;
      next: number;
      positions: ReadonlyMap<string, XYPosition>;
    }
  | { kind: 'done' };

/** The next frame's steps of the first drawing; null (and done) at its last frame. */
function advance(
  phase: React.MutableRefObject<Phase>
): ReadonlySet<string> | null {
  const current = phase.current;
  if (current.kind !== 'drawing' || current.next >= current.frames.length - 1) {
    phase.current = { kind: 'done' };
    return null;
  }
  return current.frames[current.next++];
}

export interface IFirstDrawing {
  /** The steps xyflow gets this frame; null: every step (the first drawing is over). */
  nextDrawn: (
    positions: ReadonlyMap<string, XYPosition>,
    large: boolean
  ) => ReadonlySet<string> | null;
  /** Whether more frames of the first drawing are to come. */
  drawing: () => boolean;
  /** Whether the view was fitted here (the graph then skips its own first fit). */
  fitted: () => boolean;
  /** While drawing, fits the view from the positions again (a resize); false otherwise. */
  refit: () => boolean;
}

export function useFirstDrawing(
  container: React.RefObject<HTMLElement>,
  options: IFitOptions
): IFirstDrawing {
  const store = useStoreApi();
  const { setViewport } = useReactFlow();
  const phase = React.useRef<Phase>({ kind: 'waiting' });
  const fittedHere = React.useRef(false);

  /** Sets the fitted viewport now (synchronously: no duration); false if it cannot. */
  const fitFrom = React.useCallback(
    (positions: ReadonlyMap<string, XYPosition>) => {
      const element = container.current;
      const viewport =
        element && store.getState().panZoom
          ? fittedViewport(
              positions.values(),
              element.clientWidth,
              element.clientHeight,
              options
            )
          : null;
      if (viewport && element) {
        void setViewport(viewport);
        return {
          viewport,
          width: element.clientWidth,
          height: element.clientHeight
        };
      }
      return null;
    },
    [container, store, setViewport, options]
  );

  return React.useMemo(
    () => ({
      nextDrawn: (positions, large) => {
        const current = phase.current;
        if (current.kind === 'waiting') {
          if (positions.size === 0) {
            return null; // nothing placed yet: wait for the layout
          }
          const fit = large ? fitFrom(positions) : null;
          if (!fit) {
            phase.current = { kind: 'done' };
            return null;
          }
          fittedHere.current = true;
          const frames = drawingFrames(
            positions,
            fit.viewport,
            fit.width,
            fit.height
          );
          phase.current = { kind: 'drawing', frames, next: 0, positions };
          return advance(phase);
        }
        return current.kind === 'drawing' ? advance(phase) : null;
      },
      drawing: () => phase.current.kind === 'drawing',
      fitted: () => fittedHere.current,
      refit: () => {
        const current = phase.current;
        return (
          current.kind === 'drawing' && fitFrom(current.positions) !== null
        );
      }
    }),
    [fitFrom]
  );
}
