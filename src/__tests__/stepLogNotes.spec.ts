/**
 * What Show Log says for a step that never ran.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { didNotRunNote } from '../runs/stepLogNotes';

const trans = {
  __: (text: string, ...args: unknown[]) =>
    args.reduce<string>(
      (out, arg, i) => out.replace(`%${i + 1}`, String(arg)),
      text
    )
} as unknown as TranslationBundle;

describe('why a step has no log', () => {
  it('names the reason for each way a step does not run', () => {
    expect(didNotRunNote({ status: 'upstream_failed' }, trans)).toMatch(
      /depends on failed/
    );
    expect(didNotRunNote({ status: 'not_selected' }, trans)).toMatch(
      /not selected/
    );
    expect(
      didNotRunNote(
        { status: 'cached', cachedFrom: { runId: 'R1', attempt: 1 } },
        trans
      )
    ).toMatch(/from run R1 was reused/);
    expect(didNotRunNote({ status: 'mocked' }, trans)).toMatch(
      /a mock stood in/
    );
    expect(didNotRunNote({ status: 'cancelled', start: null }, trans)).toMatch(
      /cancelled before it started/
    );
  });

  it('says nothing for a step that ran: its log is its output', () => {
    expect(didNotRunNote({ status: 'succeeded' }, trans)).toBeNull();
    expect(didNotRunNote({ status: 'failed' }, trans)).toBeNull();
    expect(
      didNotRunNote(
        { status: 'cancelled', start: '2026-12-03T10:00:00Z' },
        trans
      )
    ).toBeNull();
    expect(didNotRunNote(undefined, trans)).toBeNull();
  });
});
