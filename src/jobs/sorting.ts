/**
 * Sorting a table by any column: numbers by value, text in natural order ("run 2" before
 * "run 10"), missing values last whichever the direction. Stable. No JupyterLab imports.
 */

export type SortDirection = 'ascending' | 'descending';

export interface ISortKey {
  column: string;
  direction: SortDirection;
}

const collator = new Intl.Collator(undefined, {
  numeric: true,
  sensitivity: 'base'
});

function isMissing(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'number' && isNaN(value))
  );
}

/** Compare two present cells: numbers (and booleans) numerically, else as text. */
export function compareCells(a: unknown, b: unknown): number {
  const numeric = (v: unknown) =>
    typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) {
    return Number(a) - Number(b);
  }
  if (numeric(a) !== numeric(b)) {
    return numeric(a) ? -1 : 1; // numbers before text
  }
  const text = (v: unknown) =>
    typeof v === 'object' ? JSON.stringify(v) : String(v);
  return collator.compare(text(a), text(b));
}

/** The rows sorted by `cell(row, key.column)`; the input is left as it was. */
export function sortRows<T>(
  rows: ReadonlyArray<T>,
  key: ISortKey,
  cell: (row: T, column: string) => unknown
): T[] {
  const sign = key.direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, value: cell(row, key.column) }))
    .sort((a, b) => {
      const missingA = isMissing(a.value);
      const missingB = isMissing(b.value);
      if (missingA || missingB) {
        return missingA === missingB ? a.index - b.index : missingA ? 1 : -1;
      }
      return sign * compareCells(a.value, b.value) || a.index - b.index;
    })
    .map(entry => entry.row);
}

/** The key after a click on `column`'s header: same column flips, another starts ascending. */
export function nextSortKey(
  current: ISortKey | null,
  column: string
): ISortKey {
  if (current?.column === column) {
    return {
      column,
      direction: current.direction === 'ascending' ? 'descending' : 'ascending'
    };
  }
  return { column, direction: 'ascending' };
}
