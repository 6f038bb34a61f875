/**
 * Playwright configuration of the editor benchmark (`benchmarks/editor.bench.ts`): the UI tests'
 * set-up (Debian's Chromium, JupyterLab started by Playwright) at 1440x900, no retries.
 * A benchmark measures and reports; it asserts no time.
 */
const base = require('./playwright.config');

module.exports = {
  ...base,
  testDir: './benchmarks',
  testMatch: '*.bench.ts',
  timeout: 30 * 60 * 1000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: { ...base.use, viewport: { width: 1440, height: 900 }, trace: 'off' }
};
