/**
 * Scales of the metric chart: "nice" ticks and a linear scale for numbers, evenly spaced
 * points for other values (text, booleans). No JupyterLab imports: unit-tested with jest.
 */

export interface ILinearAxis {
  min: number;
  max: number;
  ticks: number[];
}

/** A step of 1, 2 or 5 times a power of ten giving about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** An axis covering the values with round ticks (a single value gets room around it). */
export function niceAxis(
  values: ReadonlyArray<number>,
  count = 5
): ILinearAxis {
  const finite = values.filter(v => Number.isFinite(v));
  if (finite.length === 0) {
    return { min: 0, max: 1, ticks: [0, 0.5, 1] };
  }
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  if (low === high) {
    const pad = Math.abs(low) > 0 ? Math.abs(low) * 0.1 : 1;
    low -= pad;
    high += pad;
  }
  const step = niceStep(high - low, count);
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  // Rounded to the step's decimals: 0.1 + 0.2 must show as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let tick = min; tick <= max + step / 2; tick += step) {
    ticks.push(Number(tick.toFixed(decimals)));
  }
  return { min, max, ticks };
}

/** Maps [d0, d1] onto [r0, r1] linearly (a reversed range puts high values on top). */
export function linearScale(
  domain: [number, number],
  range: [number, number]
): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return value => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Evenly spaced positions for distinct values, in the order given, centred in the range. */
export function pointScale(
  values: ReadonlyArray<string>,
  range: [number, number]
): Map<string, number> {
  const [r0, r1] = range;
  const step = (r1 - r0) / Math.max(1, values.length);
  return new Map(
    values.map((value, index) => [value, r0 + step * (index + 0.5)])
  );
}

/** A tick label: at most 4 significant digits, no trailing zeros. */
export function tickLabel(value: number): string {
  return Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(1)
    : String(Number(value.toPrecision(4)));
}
