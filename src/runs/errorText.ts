/**
 * A failed step's error as people read it: a one-line summary (the exception and the first line
 * of its message), the failing cell's first lines, the traceback with long paths shortened (its
 * colour escapes kept for the renderer), the plain text "Copy error" copies. No JupyterLab
 * imports: unit-tested with jest.
 */

/** Terminal escape sequences: CSI (colours, styles) and OSC (e.g. hyperlinks). */
const ANSI_ESCAPE =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
/** The same, captured: `split` gives text, escape, text, escape... */
const ANSI_PIECES = new RegExp(`(${ANSI_ESCAPE.source})`);

/** Lines of the failing cell shown under the summary. */
export const SOURCE_PREVIEW_LINES = 5;

/** `text` without terminal escape sequences (the engine keeps a traceback's colours). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

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
 * The failing cell's first lines as the panel shows them: at most SOURCE_PREVIEW_LINES, then
 * "…" when the cell has more.
 */
export function sourcePreview(source: string | null | undefined): string[] {
  const lines = source ? source.split('\n') : [];
  return lines.length > SOURCE_PREVIEW_LINES
    ? [...lines.slice(0, SOURCE_PREVIEW_LINES), '…']
    : lines;
}

/**
 * The traceback with paths shortened: the workspace root (`serverRoot`) dropped, and anything
 * up to `site-packages/` (or `dist-packages/`) kept from there on. Colour escapes stay as they
 * are: only the text between them is shortened (IPython colours a path as one piece).
 */
export function shortenPaths(text: string, serverRoot: string): string {
  const root = serverRoot.replace(/[/\\]+$/, '');
  return text
    .split(ANSI_PIECES)
    .map((piece, index) =>
      index % 2 === 1 ? piece : shortenPlainPaths(piece, root)
    )
    .join('');
}

function shortenPlainPaths(text: string, root: string): string {
  let shortened = text.replace(
    /(?:[A-Za-z]:)?[^\s"'():]*[/\\]((?:site|dist)-packages[/\\])/g,
    '$1'
  );
  if (root.length > 1) {
    shortened = shortened
      .split(`${root}/`)
      .join('')
      .split(`${root}\\`)
      .join('');
  }
  return shortened;
}

/** What "Copy error" puts on the clipboard: the error in full, as plain text. */
export function errorForClipboard(error: {
  name: string;
  message: string;
  traceback?: string;
}): string {
  const head = error.message ? `${error.name}: ${error.message}` : error.name;
  return error.traceback ? `${head}\n\n${stripAnsi(error.traceback)}` : head;
}
