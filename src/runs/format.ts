/**
 * Formatting and parsing helpers of the run panel (durations: ../duration.ts). No JupyterLab
 * imports: unit-tested with jest.
 */

export type ParametersParse =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; reason: 'syntax' | 'not-object'; detail: string };

/** Run parameters typed by the user: a JSON object; blank means none. */
export function parseRunParameters(text: string): ParametersParse {
  if (text.trim() === '') {
    return { ok: true, value: {} };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'syntax', detail: (error as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not-object', detail: typeof value };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The text that prefills the parameters box. */
export function formatParameters(
  parameters: Readonly<Record<string, unknown>>
): string {
  return Object.keys(parameters).length === 0
    ? '{}'
    : JSON.stringify(parameters, null, 2);
}

/** An ISO time shown in the local time zone: "2026-11-22 10:15:00". */
export function formatStart(start: string | null | undefined): string {
  if (!start) {
    return '';
  }
  const date = new Date(start);
  if (Number.isNaN(date.getTime())) {
    return start;
  }
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}
