/**
 * Pure edits of a pipeline document (no JupyterLab imports). Every function returns a new
 * document and leaves its input untouched, so the model can diff, undo and re-render safely.
 *
 * Edges follow `depends_on`: an edge source → target means "target depends on source".
 */
import { MAX_STEP_ID_LENGTH, STEP_ID_PATTERN } from '../pipelineSchema';
import { IPipelineDocument, IPipelineStep, IPosition } from './pipelineFormat';

export { MAX_STEP_ID_LENGTH, STEP_ID_PATTERN };

export interface IDependency {
  source: string;
  target: string;
}

export type ConnectResult =
  | { ok: true; document: IPipelineDocument }
  | { ok: false; reason: 'self' | 'exists' | 'cycle' | 'unknown' };

function replaceStep(
  document: IPipelineDocument,
  id: string,
  update: (step: IPipelineStep) => IPipelineStep
): IPipelineDocument {
  return {
    ...document,
    steps: document.steps.map(step => (step.id === id ? update(step) : step))
  };
}

/** All edges of the graph, in file order. */
export function dependencies(document: IPipelineDocument): IDependency[] {
  const edges: IDependency[] = [];
  for (const step of document.steps) {
    for (const source of step.depends_on ?? []) {
      edges.push({ source, target: step.id });
    }
  }
  return edges;
}

/** Whether `from` reaches `to` by following depends_on (i.e. `from` depends on `to`). */
function dependsOnTransitively(
  document: IPipelineDocument,
  from: string,
  to: string
): boolean {
  const byId = new Map(document.steps.map(step => [step.id, step]));
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) {
      return true;
    }
    if (seen.has(id)) {
      continue;
    }
    seen.add(id);
    stack.push(...(byId.get(id)?.depends_on ?? []));
  }
  return false;
}

/** Whether adding source → target would close a cycle. */
export function wouldCreateCycle(
  document: IPipelineDocument,
  source: string,
  target: string
): boolean {
  return source === target || dependsOnTransitively(document, source, target);
}

/** Make `target` depend on `source`, refusing self-loops, duplicates and cycles. */
export function addDependency(
  document: IPipelineDocument,
  source: string,
  target: string
): ConnectResult {
  const ids = new Set(document.steps.map(step => step.id));
  if (!ids.has(source) || !ids.has(target)) {
    return { ok: false, reason: 'unknown' };
  }
  if (source === target) {
    return { ok: false, reason: 'self' };
  }
  const targetStep = document.steps.find(step => step.id === target)!;
  if ((targetStep.depends_on ?? []).includes(source)) {
    return { ok: false, reason: 'exists' };
  }
  if (wouldCreateCycle(document, source, target)) {
    return { ok: false, reason: 'cycle' };
  }
  return {
    ok: true,
    document: replaceStep(document, target, step => ({
      ...step,
      depends_on: [...(step.depends_on ?? []), source]
    }))
  };
}

/** Remove steps and edges; edges to removed steps go with them. */
export function removeElements(
  document: IPipelineDocument,
  stepIds: ReadonlyArray<string>,
  edges: ReadonlyArray<IDependency> = []
): IPipelineDocument {
  const removed = new Set(stepIds);
  const isRemovedEdge = (source: string, target: string) =>
    removed.has(source) ||
    edges.some(edge => edge.source === source && edge.target === target);
  return {
    ...document,
    steps: document.steps
      .filter(step => !removed.has(step.id))
      .map(step => {
        if (!step.depends_on) {
          return step;
        }
        const kept = step.depends_on.filter(
          source => !isRemovedEdge(source, step.id)
        );
        return kept.length === step.depends_on.length
          ? step
          : { ...step, depends_on: kept };
      })
  };
}

/** Why a new id cannot be used, or null when it can. */
export function stepIdProblem(
  document: IPipelineDocument,
  oldId: string,
  newId: string
): 'pattern' | 'long' | 'taken' | null {
  if (!STEP_ID_PATTERN.test(newId)) {
    return 'pattern';
  }
  if (newId.length > MAX_STEP_ID_LENGTH) {
    return 'long';
  }
  if (newId !== oldId && document.steps.some(step => step.id === newId)) {
    return 'taken';
  }
  return null;
}

/** Rename a step and every reference to it in depends_on. */
export function renameStep(
  document: IPipelineDocument,
  oldId: string,
  newId: string
): IPipelineDocument {
  return {
    ...document,
    steps: document.steps.map(step => {
      const renamed = step.id === oldId ? { ...step, id: newId } : step;
      if (!renamed.depends_on?.includes(oldId)) {
        return renamed;
      }
      return {
        ...renamed,
        depends_on: renamed.depends_on.map(id => (id === oldId ? newId : id))
      };
    })
  };
}

/** Set or (with `undefined`) remove fields of one step. */
export function updateStep(
  document: IPipelineDocument,
  id: string,
  patch: Partial<IPipelineStep>
): IPipelineDocument {
  return replaceStep(document, id, step => {
    const updated: IPipelineStep = { ...step, ...patch };
    for (const key of Object.keys(patch)) {
      if (patch[key] === undefined) {
        delete updated[key];
      }
    }
    return updated;
  });
}

/** Store positions (the only UI state the file keeps). */
export function setPositions(
  document: IPipelineDocument,
  positions: ReadonlyMap<string, IPosition>
): IPipelineDocument {
  return {
    ...document,
    steps: document.steps.map(step => {
      const position = positions.get(step.id);
      return position
        ? {
            ...step,
            position: { x: Math.round(position.x), y: Math.round(position.y) }
          }
        : step;
    })
  };
}

// Room left for the `_N` suffix `uniqueStepId` may add.
const STEP_ID_BASE_LENGTH = MAX_STEP_ID_LENGTH - 8;

/** A step id from a notebook path: its file name without `.ipynb`, sanitized and cut short. */
export function stepIdFromNotebook(path: string): string {
  const name = path.split('/').pop() ?? '';
  const stem = name.replace(/\.ipynb$/i, '');
  const id = stem
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, STEP_ID_BASE_LENGTH)
    .replace(/_+$/, '');
  return id || 'step';
}

/** `base`, or `base_2`, `base_3`, ... whichever is not taken. */
export function uniqueStepId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) {
    return base;
  }
  let index = 2;
  while (taken.has(`${base}_${index}`)) {
    index++;
  }
  return `${base}_${index}`;
}

function normalizeSegments(path: string): string[] {
  const result: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (
      part === '..' &&
      result.length > 0 &&
      result[result.length - 1] !== '..'
    ) {
      result.pop();
    } else {
      result.push(part);
    }
  }
  return result;
}

/** Posix path of `to` relative to the folder `fromDir` (both relative to the server root). */
export function relativePath(fromDir: string, to: string): string {
  const from = normalizeSegments(fromDir);
  const target = normalizeSegments(to);
  let common = 0;
  while (
    common < from.length &&
    common < target.length &&
    from[common] === target[common]
  ) {
    common++;
  }
  const ups = from.slice(common).map(() => '..');
  return [...ups, ...target.slice(common)].join('/');
}

/** `relative` resolved against the folder `baseDir` (server-root relative, no leading slash). */
export function joinPath(baseDir: string, relative: string): string {
  return normalizeSegments(`${baseDir}/${relative}`).join('/');
}

export function dirname(path: string): string {
  const parts = normalizeSegments(path);
  parts.pop();
  return parts.join('/');
}

export interface IAddNotebooksResult {
  document: IPipelineDocument;
  added: string[];
  /** Notebook paths (as given) that already were steps. */
  alreadyPresent: string[];
}

/**
 * Add notebooks (paths relative to the server root) as steps of a pipeline living in
 * `pipelineDir`. Ids come from the file names, made unique; a notebook already in the
 * pipeline is not added twice.
 */
export function addNotebookSteps(
  document: IPipelineDocument,
  pipelineDir: string,
  notebookPaths: ReadonlyArray<string>
): IAddNotebooksResult {
  const taken = new Set(document.steps.map(step => step.id));
  const present = new Set(
    document.steps.map(step => joinPath(pipelineDir, step.notebook))
  );
  const steps = [...document.steps];
  const added: string[] = [];
  const alreadyPresent: string[] = [];
  for (const path of notebookPaths) {
    const normalized = normalizeSegments(path).join('/');
    if (present.has(normalized)) {
      alreadyPresent.push(path);
      continue;
    }
    const id = uniqueStepId(stepIdFromNotebook(path), taken);
    taken.add(id);
    present.add(normalized);
    steps.push({ id, notebook: relativePath(pipelineDir, normalized) });
    added.push(id);
  }
  return { document: { ...document, steps }, added, alreadyPresent };
}
