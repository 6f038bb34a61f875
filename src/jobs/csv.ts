/**
 * A table as CSV (RFC 4180: fields with commas, quotes or line breaks quoted, quotes doubled,
 * CRLF line ends). No JupyterLab imports: unit-tested with jest.
 */

function cellText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

function field(value: unknown): string {
  const text = cellText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<unknown>>
): string {
  return (
    [header, ...rows].map(row => row.map(field).join(',')).join('\r\n') + '\r\n'
  );
}
