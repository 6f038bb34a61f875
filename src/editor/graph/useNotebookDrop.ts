/**
 * Notebooks dragged from the file browser and dropped on the canvas become steps where they
 * were dropped. The file browser drags with Lumino's drag and drop (`lm-*` events, the paths
 * under its contents MIME type), not HTML5's; the drop is kept from the dock panel, which would
 * open the files.
 */
import { useReactFlow } from '@xyflow/react';
import * as React from 'react';

import { PipelineEditorModel } from '../model';

/** The file browser's MIME type for the dragged paths (@jupyterlab/filebrowser's listing). */
const CONTENTS_MIME = 'application/x-jupyter-icontents';
const DROP_CLASS = 'jp-mod-dropTarget';

/** The part of Lumino's IDragEvent read here. */
interface IDragEvent extends MouseEvent {
  mimeData: { hasData(mime: string): boolean; getData(mime: string): unknown };
  dropAction: string;
  proposedAction: string;
}

/** The dragged notebooks' paths (none when the drag carries no notebook). */
export function draggedNotebooks(data: unknown): string[] {
  return Array.isArray(data)
    ? data.filter(
        (path): path is string =>
          typeof path === 'string' && path.endsWith('.ipynb')
      )
    : [];
}

/** `onDropped` runs before the steps are added (the view must then stay where it is). */
export function useNotebookDrop(
  container: React.RefObject<HTMLElement>,
  model: PipelineEditorModel,
  onDropped: () => void
): void {
  const { screenToFlowPosition } = useReactFlow();
  React.useEffect(() => {
    const node = container.current;
    if (!node) {
      return;
    }
    const notebooksOf = (event: Event) => {
      const drag = event as IDragEvent;
      return drag.mimeData?.hasData(CONTENTS_MIME)
        ? draggedNotebooks(drag.mimeData.getData(CONTENTS_MIME))
        : [];
    };
    const onDrag = (event: Event) => {
      if (notebooksOf(event).length === 0) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      const drag = event as IDragEvent;
      // The file browser offers only 'move'; it moves nothing itself (the target does).
      drag.dropAction = drag.proposedAction;
      node.classList.add(DROP_CLASS);
    };
    const onLeave = () => node.classList.remove(DROP_CLASS);
    const onDrop = (event: Event) => {
      node.classList.remove(DROP_CLASS);
      const paths = notebooksOf(event);
      if (paths.length === 0) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      const drag = event as IDragEvent;
      drag.dropAction = drag.proposedAction;
      const at = screenToFlowPosition({ x: drag.clientX, y: drag.clientY });
      onDropped();
      void model.addNotebooks(paths, at);
    };
    node.addEventListener('lm-dragenter', onDrag);
    node.addEventListener('lm-dragover', onDrag);
    node.addEventListener('lm-dragleave', onLeave);
    node.addEventListener('lm-drop', onDrop);
    return () => {
      node.removeEventListener('lm-dragenter', onDrag);
      node.removeEventListener('lm-dragover', onDrag);
      node.removeEventListener('lm-dragleave', onLeave);
      node.removeEventListener('lm-drop', onDrop);
    };
  }, [container, model, onDropped, screenToFlowPosition]);
}
