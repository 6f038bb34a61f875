/**
 * The ids ticked in a list of checkboxes (runs to compare in the run history and a job's runs).
 */
import * as React from 'react';

export function useCheckedSet(): [
  ReadonlySet<string>,
  (id: string, on: boolean) => void
] {
  const [checked, setChecked] = React.useState<ReadonlySet<string>>(new Set());
  const toggle = React.useCallback((id: string, on: boolean) => {
    setChecked(previous => {
      const next = new Set(previous);
      if (on) {
        next.add(id);
      } else {
        next.delete(id);
      }
      return next;
    });
  }, []);
  return [checked, toggle];
}
