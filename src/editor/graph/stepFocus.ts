/**
 * Finding steps in a large graph (pure, jest-tested): a step by its name typed in the search
 * box, and the steps the "failed and running" filter keeps.
 */
import { StepStatus } from '../../tokens';
import { dependencies } from '../graphOps';
import { IPipelineDocument } from '../pipelineFormat';

const FOCUSED_STATUSES: ReadonlySet<StepStatus> = new Set<StepStatus>([
  'failed',
  'running'
]);

/**
 * The step a search names: the id itself, else the first id starting with the query, else the
 * first containing it (case-insensitive, in file order); null when none does.
 */
export function findStep(
  document: IPipelineDocument,
  query: string
): string | null {
  const wanted = query.trim().toLowerCase();
  if (wanted === '') {
    return null;
  }
  const ids = document.steps.map(step => step.id);
  const lower = ids.map(id => id.toLowerCase());
  const exact = lower.indexOf(wanted);
  if (exact >= 0) {
    return ids[exact];
  }
  const prefix = lower.findIndex(id => id.startsWith(wanted));
  if (prefix >= 0) {
    return ids[prefix];
  }
  const part = lower.findIndex(id => id.includes(wanted));
  return part >= 0 ? ids[part] : null;
}

/** The failed and running steps and their direct neighbours (dependencies and dependents). */
export function focusedSteps(
  document: IPipelineDocument,
  statusOf: (stepId: string) => StepStatus | 'idle'
): Set<string> {
  const focused = new Set(
    document.steps
      .map(step => step.id)
      .filter(id => FOCUSED_STATUSES.has(statusOf(id) as StepStatus))
  );
  const kept = new Set(focused);
  for (const { source, target } of dependencies(document)) {
    if (focused.has(source)) {
      kept.add(target);
    }
    if (focused.has(target)) {
      kept.add(source);
    }
  }
  return kept;
}
