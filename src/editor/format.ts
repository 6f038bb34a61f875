/**
 * Small pure formatting helpers for the editor's views.
 */

/** Split a comma- or line-separated list, dropping blanks. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map(item => item.trim())
    .filter(item => item.length > 0);
}

/** The file name of a path. */
export function basename(path: string): string {
  return path.split('/').pop() ?? path;
}
