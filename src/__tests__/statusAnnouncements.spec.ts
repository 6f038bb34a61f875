/**
 * What the run panel's aria-live region says: steps that ended (failures named first), many
 * steps counted in one sentence, the run's end; an old run's log that arrives finished is not
 * announced.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  announcementText,
  emptyAnnouncement,
  gatherChanges,
  IRunSnapshot
} from '../runs/statusAnnouncements';
import type { RunStatus, StepStatus } from '../tokens';

const trans = {
  __: (text: string, ...args: unknown[]) =>
    text.replace(/%(\d)/g, (_, n) => String(args[Number(n) - 1]))
} as unknown as TranslationBundle;

function run(
  status: RunStatus,
  steps: [string, StepStatus][],
  runId = 'r1'
): IRunSnapshot {
  return { runId, status, steps: new Map(steps) };
}

describe('status announcements', () => {
  it('names a failed step and the run end', () => {
    const pending = emptyAnnouncement();
    gatherChanges(
      pending,
      run('running', [
        ['load', 'running'],
        ['train_forest', 'running']
      ]),
      run('failed', [
        ['load', 'succeeded'],
        ['train_forest', 'failed']
      ])
    );
    expect(announcementText(pending, trans)).toBe(
      'train_forest failed. load succeeded. The run failed.'
    );
  });

  it('counts many steps ending between two announcements in one sentence', () => {
    const before: [string, StepStatus][] = [];
    const after: [string, StepStatus][] = [];
    for (let index = 0; index < 1000; index++) {
      before.push([`s${index}`, 'pending']);
      after.push([`s${index}`, index < 998 ? 'succeeded' : 'failed']);
    }
    const pending = emptyAnnouncement();
    gatherChanges(pending, run('running', before), run('running', after));
    expect(announcementText(pending, trans)).toBe(
      's998, s999 failed. 998 steps succeeded (s0, s1, s2 and others).'
    );
  });

  it('says nothing of another run, of steps outside the run, or of a finished log arriving', () => {
    const pending = emptyAnnouncement();
    gatherChanges(pending, null, run('failed', [['a', 'failed']]));
    gatherChanges(
      pending,
      run('running', [['a', 'running']], 'r1'),
      run('failed', [['a', 'failed']], 'r2')
    );
    gatherChanges(
      pending,
      run('succeeded', [['a', 'succeeded']]),
      run('succeeded', [
        ['a', 'succeeded'],
        ['b', 'not_selected']
      ])
    );
    expect(announcementText(pending, trans)).toBe('');
  });
});
