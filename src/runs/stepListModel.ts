/**
 * What the run panel's step list shows: its rows (steps, grouped by status once the list is
 * long, a group folded away when asked), how far the shown run is, and which run button is the
 * main action. No JupyterLab imports: unit-tested with jest.
 */
import type { IStepInfo, IStepState, StepStatus } from '../tokens';
import { isStepFinished } from './stepStates';

/** From this many steps on, the list groups its steps by status. */
export const GROUPED_FROM = 30;

/** A status group's key: a step status, or `none` for steps the shown run has no state for. */
export type StatusGroup = StepStatus | 'none';

/** Groups in the order they are listed: what needs attention first. */
export const GROUP_ORDER: ReadonlyArray<StatusGroup> = [
  'failed',
  'running',
  'upstream_failed',
  'cancelled',
  'pending',
  'succeeded',
  'cached',
  'mocked',
  'not_selected',
  'none'
];

export type StepListRow =
  | { kind: 'group'; group: StatusGroup; count: number; folded: boolean }
  | { kind: 'step'; step: IStepInfo };

export function statusGroup(state: IStepState | undefined): StatusGroup {
  return state?.status ?? 'none';
}

/**
 * The list's rows: every step in pipeline order while the list is short, else a header per
 * non-empty status group followed by its steps (none when the group is folded).
 */
export function stepListRows(
  steps: ReadonlyArray<IStepInfo>,
  states: ReadonlyMap<string, IStepState>,
  folded: ReadonlySet<StatusGroup>
): StepListRow[] {
  if (steps.length < GROUPED_FROM) {
    return steps.map(step => ({ kind: 'step', step }));
  }
  const groups = new Map<StatusGroup, IStepInfo[]>();
  for (const step of steps) {
    const group = statusGroup(states.get(step.id));
    const members = groups.get(group) ?? [];
    members.push(step);
    groups.set(group, members);
  }
  const rows: StepListRow[] = [];
  for (const group of GROUP_ORDER) {
    const members = groups.get(group);
    if (!members) {
      continue;
    }
    const isFolded = folded.has(group);
    rows.push({
      kind: 'group',
      group,
      count: members.length,
      folded: isFolded
    });
    if (!isFolded) {
      rows.push(...members.map(step => ({ kind: 'step' as const, step })));
    }
  }
  return rows;
}

/** The row index of a step, or -1 (folded away or not in the pipeline). */
export function stepRowIndex(
  rows: ReadonlyArray<StepListRow>,
  stepId: string
): number {
  return rows.findIndex(row => row.kind === 'step' && row.step.id === stepId);
}

/** How far the shown run is: its finished steps out of the steps it runs. */
export function runProgress(
  steps: ReadonlyArray<IStepInfo>,
  states: ReadonlyMap<string, IStepState>
): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const step of steps) {
    const status = states.get(step.id)?.status;
    if (!status || status === 'not_selected') {
      continue;
    }
    total++;
    if (isStepFinished(status)) {
      done++;
    }
  }
  return { done, total };
}

/**
 * The step a selection change added (what the list scrolls to), or null: none added, or many
 * ("Select all" has no one step to show).
 */
export function addedSelection(
  before: ReadonlyArray<string>,
  after: ReadonlyArray<string>
): string | null {
  const known = new Set(before);
  const added = after.filter(id => !known.has(id));
  return added.length === 1 ? added[0] : null;
}
