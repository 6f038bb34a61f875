/**
 * Playwright configuration for the galata UI tests: Debian's Chromium, no browser download,
 * JupyterLab started on 127.0.0.1 by Playwright itself.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.UI_TEST_PORT || '8888';

module.exports = {
  ...baseConfig,
  timeout: 120000,
  retries: process.env.CI ? 1 : 0,
  // Two browsers on the one server: on 2 cores the suite took 409 s wall (588 CPU-s) with one
  // worker and 330 s (625 CPU-s) with two, each test in its own folder (tmpPath).
  workers: 2,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}`,
    video: 'off',
    // Recording a trace costs about a third of the suite's CPU (editor.spec.ts: 104 CPU-s without,
    // 150 with): only a retried test records one, and CI retries each failure once.
    trace: 'on-first-retry',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  webServer: {
    command: 'jlpm start',
    url: `http://127.0.0.1:${port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
