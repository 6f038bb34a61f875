/**
 * Colours of the graph's minimap nodes: the status colours of style/status.css, as --jp-*
 * variables so the light and dark themes both apply. No JupyterLab imports: unit-tested with jest.
 */
import type { StepStatus } from '../../tokens';

const STATUS_COLORS: Partial<Record<StepStatus | 'idle', string>> = {
  running: 'var(--jp-brand-color1)',
  succeeded: 'var(--jp-success-color1)',
  cached: 'var(--jp-success-color2)',
  failed: 'var(--jp-error-color1)',
  upstream_failed: 'var(--jp-error-color2)',
  cancelled: 'var(--jp-warn-color1)'
};

/** A step that has not run (or is pending, not selected): a neutral colour of the theme. */
export const MINIMAP_IDLE_COLOR = 'var(--jp-layout-color4)';

/** The minimap fill of a step node with this status. */
export function minimapNodeColor(
  status: StepStatus | 'idle' | undefined
): string {
  return (status && STATUS_COLORS[status]) ?? MINIMAP_IDLE_COLOR;
}
