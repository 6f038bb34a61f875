/**
 * The checks the editor can make without the server (pure): used when the server's
 * `validate` route cannot be reached, so a broken graph is still explained.
 */
import { STEP_ID_PATTERN } from './graphOps';
import { IPipelineDocument, IProblem } from './pipelineFormat';

/** Steps on a cycle (each cycle reported once, by its first step in file order). */
function findCycles(document: IPipelineDocument): string[][] {
  // Duplicate ids (reported separately) pool their dependencies.
  const dependsOn = new Map<string, string[]>();
  for (const step of document.steps) {
    dependsOn.set(step.id, [
      ...(dependsOn.get(step.id) ?? []),
      ...(step.depends_on ?? [])
    ]);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const path: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'visiting');
    path.push(id);
    for (const dependency of dependsOn.get(id) ?? []) {
      if (!dependsOn.has(dependency)) {
        continue;
      }
      const seen = state.get(dependency);
      if (seen === 'visiting') {
        cycles.push(path.slice(path.indexOf(dependency)));
      } else if (seen === undefined) {
        visit(dependency);
      }
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const step of document.steps) {
    if (!state.has(step.id)) {
      visit(step.id);
    }
  }
  return cycles;
}

export function localProblems(document: IPipelineDocument): IProblem[] {
  const problems: IProblem[] = [];
  const counts = new Map<string, number>();
  document.steps.forEach(step =>
    counts.set(step.id, (counts.get(step.id) ?? 0) + 1)
  );
  document.steps.forEach((step, index) => {
    if (!STEP_ID_PATTERN.test(step.id)) {
      problems.push({
        pointer: `/steps/${index}/id`,
        step: step.id,
        message: 'A step id may only hold letters, digits, "_" and "-".'
      });
    }
    if ((counts.get(step.id) ?? 0) > 1) {
      problems.push({
        pointer: `/steps/${index}/id`,
        step: step.id,
        message: `Step id "${step.id}" is used more than once.`
      });
    }
    (step.depends_on ?? []).forEach((dependency, position) => {
      if (!counts.has(dependency)) {
        problems.push({
          pointer: `/steps/${index}/depends_on/${position}`,
          step: step.id,
          message: `Depends on "${dependency}", which is not a step of this pipeline.`
        });
      }
    });
  });
  for (const cycle of findCycles(document)) {
    const index = document.steps.findIndex(step => step.id === cycle[0]);
    problems.push({
      pointer: `/steps/${index}/depends_on`,
      step: cycle[0],
      message: `Dependency cycle: ${[...cycle, cycle[0]].join(' → ')}.`
    });
  }
  return problems;
}
