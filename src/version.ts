/**
 * Checking that the server extension answers and matches this frontend's version.
 */
declare const require: (path: string) => { version: string };

/** This lab extension's version (from its package.json). */
export const FRONTEND_VERSION: string = require('../package.json').version;

export type ServerCheck =
  | { kind: 'ok'; version: string }
  | { kind: 'missing' }
  | { kind: 'mismatch'; frontend: string; server: string }
  | { kind: 'unreachable'; reason: string };

/**
 * The Python package version (PEP 440) and the npm version (semver) of one release differ in
 * spelling for pre-releases (`0.2.0a1` vs `0.2.0-alpha.1`); compare their normalized forms.
 */
export function normalizeVersion(version: string): string {
  return version
    .trim()
    .toLowerCase()
    .replace(/-?alpha\.?/, 'a')
    .replace(/-?beta\.?/, 'b')
    .replace(/-?rc\.?/, 'rc')
    .replace(/\+.*$/, '');
}

export function compareWithServer(
  frontend: string,
  server: string
): ServerCheck {
  return normalizeVersion(frontend) === normalizeVersion(server)
    ? { kind: 'ok', version: server }
    : { kind: 'mismatch', frontend, server };
}
