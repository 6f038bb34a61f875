/**
 * A failed step's error as people read it: a one-line summary (the exception and the first line
 * of its message), the traceback with long paths shortened, the text "Copy error" copies. No
 * JupyterLab imports: unit-tested with jest.
 */

/** The first non-empty line of an error message. */
export function firstLine(message: string): string {
  return (
    message
      .split('\n')
      .map(line => line.trim())
      .find(line => line !== '') ?? ''
  );
}

/**
 * The traceback with paths shortened: the workspace root (`serverRoot`) dropped, and anything
 * up to `site-packages/` (or `dist-packages/`) kept from there on.
 */
export function shortenPaths(text: string, serverRoot: string): string {
  let shortened = text.replace(
    /(?:[A-Za-z]:)?[^\s"'():]*[/\\]((?:site|dist)-packages[/\\])/g,
    '$1'
  );
  const root = serverRoot.replace(/[/\\]+$/, '');
  if (root.length > 1) {
    shortened = shortened
      .split(`${root}/`)
      .join('')
      .split(`${root}\\`)
      .join('');
  }
  return shortened;
}

/** What "Copy error" puts on the clipboard: the error in full. */
export function errorForClipboard(error: {
  name: string;
  message: string;
  traceback?: string;
}): string {
  const head = error.message ? `${error.name}: ${error.message}` : error.name;
  return error.traceback ? `${head}\n\n${error.traceback}` : head;
}
