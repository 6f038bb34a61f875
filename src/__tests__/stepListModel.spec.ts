/**
 * The run panel's step list: grouped by status once long (folded groups leave their steps out),
 * "n of N done", and the step a selection change brings into view.
 */
import {
  addedSelection,
  GROUPED_FROM,
  runProgress,
  stepListRows,
  stepRowIndex
} from '../runs/stepListModel';
import type { IStepInfo, IStepState, StepStatus } from '../tokens';

function steps(count: number): IStepInfo[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `step_${index}`,
    notebook: `step_${index}.ipynb`
  }));
}

function states(entries: [string, StepStatus][]): Map<string, IStepState> {
  return new Map(entries.map(([id, status]) => [id, { status } as IStepState]));
}

describe('stepListRows', () => {
  it('lists a short pipeline in its own order, without groups', () => {
    const rows = stepListRows(
      steps(3),
      states([['step_1', 'failed']]),
      new Set()
    );
    expect(rows.map(row => row.kind)).toEqual(['step', 'step', 'step']);
  });

  it('groups a long pipeline by status, failures first, folded groups left out', () => {
    const all = steps(GROUPED_FROM + 10);
    const shown = states([
      ['step_5', 'failed'],
      ['step_6', 'running'],
      ['step_7', 'succeeded'],
      ['step_8', 'succeeded']
    ]);
    const rows = stepListRows(all, shown, new Set(['succeeded']));
    const headers = rows.filter(row => row.kind === 'group');
    expect(headers).toEqual([
      { kind: 'group', group: 'failed', count: 1, folded: false },
      { kind: 'group', group: 'running', count: 1, folded: false },
      { kind: 'group', group: 'succeeded', count: 2, folded: true },
      { kind: 'group', group: 'none', count: all.length - 4, folded: false }
    ]);
    expect(rows[1]).toEqual({ kind: 'step', step: all[5] });
    expect(stepRowIndex(rows, 'step_7')).toBe(-1); // folded away
    expect(stepRowIndex(rows, 'step_6')).toBe(3);
    expect(rows).toHaveLength(4 + 1 + 1 + all.length - 4);
  });
});

describe('runProgress', () => {
  it('counts the finished steps of those the run runs', () => {
    const shown = states([
      ['step_0', 'succeeded'],
      ['step_1', 'failed'],
      ['step_2', 'running'],
      ['step_3', 'pending'],
      ['step_4', 'not_selected']
    ]);
    expect(runProgress(steps(6), shown)).toEqual({ done: 2, total: 4 });
  });
});

describe('addedSelection', () => {
  it('names the one step a selection change added', () => {
    expect(addedSelection(['a'], ['a', 'b'])).toBe('b');
    expect(addedSelection(['a', 'b'], ['b'])).toBeNull();
    expect(addedSelection([], ['a', 'b', 'c'])).toBeNull(); // select all
  });
});
