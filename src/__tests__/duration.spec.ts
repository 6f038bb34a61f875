import { attemptDurations, formatAttemptDurations } from '../duration';

const T0 = Date.parse('2026-12-02T12:04:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe('run durations', () => {
  it('counts each attempt of a retried run, not the hour between them', () => {
    const run = {
      start: at(0),
      end: at(3779),
      attempts: [
        { number: 1, start: at(0), end: at(2.7) },
        { number: 2, start: at(3775.9), end: at(3779) }
      ]
    };
    const durations = attemptDurations(run);
    expect(durations.map(d => Math.round(d * 10) / 10)).toEqual([2.7, 3.1]);
    expect(formatAttemptDurations(durations)).toBe('2.7 s + 3.1 s = 5.8 s');
  });

  it('counts a retry in progress up to now, and nothing without a clock', () => {
    const run = {
      start: at(0),
      end: null,
      attempts: [
        { number: 1, start: at(0), end: at(2.7) },
        { number: 2, start: at(3600), end: null }
      ]
    };
    expect(formatAttemptDurations(attemptDurations(run, T0 + 3601000))).toBe(
      '2.7 s + 1.0 s = 3.7 s'
    );
    expect(attemptDurations(run)).toEqual([]);
  });

  it('keeps start to end for runs listed without their attempts', () => {
    expect(
      formatAttemptDurations(attemptDurations({ start: at(0), end: at(4) }))
    ).toBe('4.0 s');
    expect(formatAttemptDurations([])).toBe('');
  });
});
