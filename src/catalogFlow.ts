/**
 * Catalog entries as the graph and the catalog view show them: which entries flow along a
 * dependency edge in a run (what the upstream step wrote and the downstream step read), the
 * edge's label and tooltip, sizes and short version ids. No JupyterLab runtime imports:
 * unit-tested with jest.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { ICatalogAccess, IRunLog, IStepAttempt } from './runs/dto';

/** One entry (one version of it) passed from a step to another. */
export interface ICatalogFlowEntry {
  name: string;
  sha256: string;
  size: number;
}

/** How many entries an edge label names before "+N more". */
export const MAX_LABEL_ENTRIES = 2;

function lastAttempt(log: IRunLog, stepId: string): IStepAttempt | undefined {
  const attempts = log.steps[stepId]?.attempts ?? [];
  return attempts[attempts.length - 1];
}

/**
 * The entries `source` wrote and `target` read in the run (the same version: name and sha256),
 * from each step's last attempt, by name. Empty when either step did not run in it.
 */
export function edgeCatalogFlow(
  log: IRunLog | null,
  source: string,
  target: string
): ICatalogFlowEntry[] {
  if (log === null) {
    return [];
  }
  const writes: ReadonlyArray<ICatalogAccess> =
    lastAttempt(log, source)?.catalog_writes ?? [];
  const reads: ReadonlyArray<ICatalogAccess> =
    lastAttempt(log, target)?.catalog_reads ?? [];
  const written = new Set(
    writes.map(access => `${access.name}\n${access.sha256}`)
  );
  const flow = new Map<string, ICatalogFlowEntry>();
  for (const read of reads) {
    if (written.has(`${read.name}\n${read.sha256}`) && !flow.has(read.name)) {
      flow.set(read.name, {
        name: read.name,
        sha256: read.sha256,
        size: read.size
      });
    }
  }
  return [...flow.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
}

/** "0 B", "512 B", "12.3 KB", "4.0 MB", "123 MB", "1.2 GB" (1 KB = 1024 bytes). */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) {
    return '';
  }
  if (bytes < 1024) {
    return `${Math.max(0, Math.round(bytes))} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // 1023.96 KB would round to "1024.0 KB": the next unit reads better.
  if (value >= 1023.95 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

/** The first 10 hex digits of a version's sha256 (enough to tell versions apart). */
export function shortSha(sha256: string | null | undefined): string {
  return (sha256 ?? '').slice(0, 10);
}

/** "wine · 12.3 KB" */
export function entryText(entry: ICatalogFlowEntry): string {
  return `${entry.name} · ${formatSize(entry.size)}`;
}

/** The edge label, one line per entry: at most `max` entries, then "+N more". */
export function flowLabelLines(
  entries: ReadonlyArray<ICatalogFlowEntry>,
  trans: TranslationBundle,
  max = MAX_LABEL_ENTRIES
): string[] {
  // "+1 more" would take the line the entry itself would.
  const shown = entries.length <= max + 1 ? entries.length : max;
  const lines = entries.slice(0, shown).map(entryText);
  if (entries.length > shown) {
    lines.push(trans.__('+%1 more', entries.length - shown));
  }
  return lines;
}

/** The edge's tooltip: every entry with its size and version. */
export function flowTitle(
  entries: ReadonlyArray<ICatalogFlowEntry>,
  trans: TranslationBundle
): string {
  if (entries.length === 0) {
    return '';
  }
  return [
    trans._n(
      '%1 catalog entry in the shown run:',
      '%1 catalog entries in the shown run:',
      entries.length
    ),
    ...entries.map(entry => `${entryText(entry)} (${shortSha(entry.sha256)})`)
  ].join('\n');
}
