/**
 * The run panel's hook for each step's last known status (../lastKnownStates.ts): fetches the
 * logs of the earlier runs it needs, once each.
 */
import * as React from 'react';

import type { IStepInfo, IStepState } from '../../tokens';
import type { IRunLog, IRunSummary } from '../dto';
import {
  ILastKnownState,
  lastKnownStates,
  runsToLookAt
} from '../lastKnownStates';

export function useLastKnownStates(
  fetchLog: (runId: string) => Promise<IRunLog>,
  history: ReadonlyArray<IRunSummary>,
  shownRunId: string | null,
  steps: ReadonlyArray<IStepInfo>,
  states: ReadonlyMap<string, IStepState>
): ReadonlyMap<string, ILastKnownState> {
  const cache = React.useRef(new Map<string, IRunLog>());
  const [fetched, setFetched] = React.useState(0);
  const wanted = runsToLookAt(history, shownRunId, steps, states);
  const key = wanted.join(' ');
  React.useEffect(() => {
    let cancelled = false;
    const missing = wanted.filter(id => !cache.current.has(id));
    void (async () => {
      for (const runId of missing) {
        try {
          cache.current.set(runId, await fetchLog(runId));
        } catch {
          continue; // pruned since the history was listed: older runs still tell
        }
        if (cancelled) {
          return;
        }
        setFetched(count => count + 1);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [key]);
  return React.useMemo(() => {
    const logs = wanted
      .map(id => cache.current.get(id))
      .filter((log): log is IRunLog => log !== undefined);
    return lastKnownStates(steps, states, logs);
  }, [key, fetched, steps, states]);
}
