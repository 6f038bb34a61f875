/**
 * Arrow keys on a selected step go to a connected step (pure, jest-tested). Along the layout
 * direction: forward to the first dependent, back to the first dependency (the nearest across
 * the other axis). Across it: the previous or next step sharing a dependency (or, for steps
 * without one, another first-layer step), in drawing order.
 */
import { IPipelineDocument, IPosition } from '../pipelineFormat';
import { LayoutDirection } from '../layoutGraph';

export type ArrowKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

export function isArrowKey(key: string): key is ArrowKey {
  return (
    key === 'ArrowLeft' ||
    key === 'ArrowRight' ||
    key === 'ArrowUp' ||
    key === 'ArrowDown'
  );
}

export function connectedStep(
  document: IPipelineDocument,
  positions: ReadonlyMap<string, IPosition>,
  current: string,
  key: ArrowKey,
  direction: LayoutDirection
): string | null {
  const horizontal = direction === 'left-to-right';
  const forward = horizontal ? 'ArrowRight' : 'ArrowDown';
  const back = horizontal ? 'ArrowLeft' : 'ArrowUp';
  const along = (id: string) => {
    const p = positions.get(id);
    return p ? (horizontal ? p.x : p.y) : 0;
  };
  const across = (id: string) => {
    const p = positions.get(id);
    return p ? (horizontal ? p.y : p.x) : 0;
  };
  const step = document.steps.find(s => s.id === current);
  if (!step) {
    return null;
  }
  const dependencies = step.depends_on ?? [];
  const nearest = (ids: string[]) =>
    ids.length === 0
      ? null
      : ids.reduce((best, id) =>
          Math.abs(across(id) - across(current)) <
          Math.abs(across(best) - across(current))
            ? id
            : best
        );
  if (key === forward) {
    return nearest(
      document.steps
        .filter(s => (s.depends_on ?? []).includes(current))
        .map(s => s.id)
    );
  }
  if (key === back) {
    return nearest(dependencies.filter(id => positions.has(id)));
  }
  const siblings = document.steps
    .filter(s =>
      dependencies.length === 0
        ? (s.depends_on ?? []).length === 0
        : (s.depends_on ?? []).some(id => dependencies.includes(id))
    )
    .map(s => s.id)
    .sort((a, b) => across(a) - across(b) || along(a) - along(b));
  const index = siblings.indexOf(current);
  const previous = horizontal ? 'ArrowUp' : 'ArrowLeft';
  const next = index + (key === previous ? -1 : 1);
  return next >= 0 && next < siblings.length ? siblings[next] : null;
}
