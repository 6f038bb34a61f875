/**
 * Where a step node's handles are before xyflow has measured it (style/editor.css draws the node
 * NODE_WIDTH x NODE_HEIGHT with 10 px handles and a 1 px border, centred on its sides). Pure.
 *
 * xyflow renders every node it has not measured, whatever the viewport; a node that comes with
 * a size and handles is culled like the others. So a large pipeline opens drawing only the nodes
 * in view, and edges to the others attach where those nodes' handles will be. A drawn node is
 * measured as usual and its real size and handles replace these.
 */
import { NodeHandle, Position } from '@xyflow/react';

import { LayoutDirection, NODE_HEIGHT, NODE_WIDTH } from '../layoutGraph';

/** A handle's drawn box: `.jp-runnable-node .react-flow__handle` plus its border. */
export const HANDLE_SIZE = 12;

function handle(
  type: 'source' | 'target',
  position: Position,
  centreX: number,
  centreY: number
): NodeHandle {
  return {
    id: null,
    type,
    position,
    x: centreX - HANDLE_SIZE / 2,
    y: centreY - HANDLE_SIZE / 2,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE
  };
}

/** The target and source handles of a node drawn at the layout size. */
export function expectedHandles(direction: LayoutDirection): NodeHandle[] {
  return direction === 'left-to-right'
    ? [
        handle('target', Position.Left, 0, NODE_HEIGHT / 2),
        handle('source', Position.Right, NODE_WIDTH, NODE_HEIGHT / 2)
      ]
    : [
        handle('target', Position.Top, NODE_WIDTH / 2, 0),
        handle('source', Position.Bottom, NODE_WIDTH / 2, NODE_HEIGHT)
      ];
}

export const EXPECTED_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT };
