/**
 * xyflow's screen-reader texts through the translator (ReactFlow's `ariaLabelConfig`).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { AriaLabelConfig } from '@xyflow/react';

export function graphAriaLabels(
  trans: TranslationBundle
): Partial<AriaLabelConfig> {
  return {
    'node.a11yDescription.default': trans.__(
      'Press Enter or Space to select a step, Enter again to open its notebook, the arrow keys to go to a connected step, Delete to remove it and Escape to cancel.'
    ),
    'node.a11yDescription.keyboardDisabled': trans.__(
      'Press Enter or Space to select a step. The arrow keys then move it. Press Delete to remove it and Escape to cancel.'
    ),
    'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }) =>
      trans.__(
        'Moved the step %1. New position, x: %2, y: %3',
        direction,
        x,
        y
      ),
    'edge.a11yDescription.default': trans.__(
      'Press Enter or Space to select a dependency, then Delete to remove it or Escape to cancel.'
    ),
    'controls.ariaLabel': trans.__('Graph controls'),
    'controls.zoomIn.ariaLabel': trans.__('Zoom in'),
    'controls.zoomOut.ariaLabel': trans.__('Zoom out'),
    'controls.fitView.ariaLabel': trans.__('Fit pipeline to view'),
    'controls.interactive.ariaLabel': trans.__('Toggle interactivity'),
    'minimap.ariaLabel': trans.__('Mini map'),
    'handle.ariaLabel': trans.__('Connection handle')
  };
}
