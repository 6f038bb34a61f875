/**
 * The run panel's aria-live region: screen readers hear steps end ("train_forest failed.") and
 * the run's end, at most one announcement a second however many steps change.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IStepState, RunStatus } from '../../tokens';
import {
  announcementText,
  emptyAnnouncement,
  gatherChanges,
  IPendingAnnouncement,
  IRunSnapshot,
  snapshot
} from '../statusAnnouncements';

/** The shortest time between two announcements. */
const ANNOUNCE_EVERY_MS = 1000;
/** Announcements kept in the region (the newest is what is read). */
const KEPT = 4;

export function StatusAnnouncer(props: {
  runId: string | null;
  runStatus: RunStatus | null;
  states: ReadonlyMap<string, IStepState>;
  trans: TranslationBundle;
}): JSX.Element {
  const { runId, runStatus, states, trans } = props;
  const last = React.useRef<IRunSnapshot | null>(null);
  const pending = React.useRef<IPendingAnnouncement>(emptyAnnouncement());
  const timer = React.useRef<number | null>(null);
  const lastAnnounced = React.useRef(0);
  const [messages, setMessages] = React.useState<
    ReadonlyArray<{ key: number; text: string }>
  >([]);

  const flush = React.useCallback(() => {
    timer.current = null;
    const text = announcementText(pending.current, trans);
    pending.current = emptyAnnouncement();
    if (text) {
      lastAnnounced.current = Date.now();
      setMessages(shown => [
        ...shown.slice(-(KEPT - 1)),
        { key: lastAnnounced.current, text }
      ]);
    }
  }, [trans]);

  React.useEffect(() => {
    if (runId === null) {
      last.current = null;
      return;
    }
    const now = snapshot(runId, runStatus, states);
    gatherChanges(pending.current, last.current, now);
    last.current = now;
    const waiting =
      pending.current.ended.size > 0 || pending.current.runEnd !== null;
    if (waiting && timer.current === null) {
      const wait = Math.max(
        0,
        lastAnnounced.current + ANNOUNCE_EVERY_MS - Date.now()
      );
      timer.current = window.setTimeout(flush, wait);
    }
  }, [runId, runStatus, states, flush]);

  React.useEffect(
    () => () => {
      if (timer.current !== null) {
        window.clearTimeout(timer.current);
      }
    },
    []
  );

  return (
    <div
      className="jp-runnable-run-announcer"
      role="log"
      aria-live="polite"
      aria-label={trans.__('Run status announcements')}
    >
      {messages.map(message => (
        <p key={message.key}>{message.text}</p>
      ))}
    </div>
  );
}
