/**
 * The status words and durations shared by the editor's graph and the run panel.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { durationBetween, elapsedSeconds, formatDuration } from '../duration';
import { statusLabel, stepProgressLabel } from '../status';

/** A translation bundle that substitutes %1, %2... like JupyterLab's null translator. */
const trans = {
  __: (text: string, ...args: unknown[]) =>
    text.replace(/%(\d+)/g, (_, index) => String(args[Number(index) - 1]))
} as unknown as TranslationBundle;

describe('status labels', () => {
  it('labels step, run and idle statuses in words', () => {
    expect(statusLabel('upstream_failed', trans)).toBe('upstream failed');
    expect(statusLabel('not_selected', trans)).toBe('not selected');
    expect(statusLabel('interrupted', trans)).toBe('interrupted');
    expect(statusLabel('idle', trans)).toBe('idle');
    expect(statusLabel('succeeded', trans)).toBe('succeeded');
  });

  it('shows cell progress only while a step runs', () => {
    expect(
      stepProgressLabel({ status: 'running', cell: 2, cells: 5 }, trans)
    ).toBe('cell 2 of 5');
    expect(stepProgressLabel({ status: 'running', cells: 5 }, trans)).toBe(
      'cell 0 of 5'
    );
    expect(
      stepProgressLabel({ status: 'succeeded', cell: 5, cells: 5 }, trans)
    ).toBeNull();
    expect(stepProgressLabel(undefined, trans)).toBeNull();
  });
});

describe('durations', () => {
  it('formats durations for people', () => {
    expect(formatDuration(0.42)).toBe('0.4 s');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3780)).toBe('1 h 03 min');
    expect(formatDuration(null)).toBe('');
    expect(formatDuration(-1)).toBe('');
  });

  it('measures elapsed time from an ISO start', () => {
    expect(
      elapsedSeconds('2026-11-22T10:00:00Z', Date.parse('2026-11-22T10:00:07Z'))
    ).toBe(7);
    expect(elapsedSeconds(null, 0)).toBeNull();
    expect(
      durationBetween('2026-11-22T10:00:00Z', '2026-11-22T10:01:00Z')
    ).toBe(60);
    expect(durationBetween('2026-11-22T10:00:00Z', null)).toBeNull();
  });
});
