/**
 * A failed step's error, readable in the run panel: the exception and the first line of its
 * message with the failing cell and its first lines, the traceback on demand (in the kernel's
 * colours, paths shortened, the workspace root gone) and "Copy Error" for the whole of it as
 * plain text.
 */
import { expect } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  expectStatus,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelRow,
  runAll,
  screenshotPath,
  uploadChain
} from './helpers';

const FAILING_CELL = [
  '# n_estimators comes from the run parameters',
  'def fit(n):',
  '    raise ValueError(f"n_estimators must be positive\\nGot {n} instead")',
  '',
  '',
  'fit(-5)'
];

test('a failed step shows a one-line error, its cell, its traceback on demand, and copies it', async ({
  page,
  tmpPath
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await uploadChain(page, tmpPath, 'errors.pipeline.json', [
    { id: 'train', sources: ['import json', FAILING_CELL.join('\n')] }
  ]);
  await openPipelineFromFileBrowser(
    page,
    tmpPath,
    'errors.pipeline.json',
    'train'
  );
  await page.sidebar.openTab(PANEL_ID);
  await runAll(page);
  await expectStatus(panelRow(page, 'train'), 'failed');

  const error = panelRow(page, 'train').locator('.jp-runnable-run-step-error');
  await expect(error.locator('.jp-runnable-run-step-error-summary')).toHaveText(
    'ValueError: n_estimators must be positive (in cell 2)',
    {
      timeout: 20000
    }
  );
  // The cell's first five lines as the notebook holds them, "…" for the rest.
  const source = error.locator('.jp-runnable-run-step-error-source');
  await expect(source).toBeVisible();
  expect(await source.textContent()).toBe(
    [...FAILING_CELL.slice(0, 5), '…'].join('\n')
  );
  const family = await source.evaluate(
    node => getComputedStyle(node).fontFamily
  );
  const codeFamily = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.fontFamily = 'var(--jp-code-font-family)';
    document.body.appendChild(probe);
    const value = getComputedStyle(probe).fontFamily;
    probe.remove();
    return value;
  });
  expect(family).toBe(codeFamily);

  const traceback = error.locator('.jp-runnable-run-step-traceback pre');
  await expect(traceback).toBeHidden();
  await error.locator('.jp-runnable-run-step-traceback summary').click();
  await expect(traceback).toBeVisible();
  await expect(traceback).toContainText('Got -5 instead');
  // The kernel's colours are drawn by JupyterLab's renderer, never printed as escapes.
  await expect(
    traceback.locator('span[class*="ansi-"], span[style*="color"]').first()
  ).toBeVisible();
  expect(await traceback.textContent()).not.toMatch(/\x1b|\[[0-9;]+m/);
  await error.screenshot({
    path: screenshotPath('step-error.png'),
    style: '.Toastify { display: none !important; }' // the run's notification
  });
  const root = await page.evaluate(() => {
    const data = document.getElementById('jupyter-config-data');
    return JSON.parse(data?.textContent ?? '{}').serverRoot as string;
  });
  expect(await traceback.textContent()).not.toContain(root);

  await error.locator('.jp-runnable-copy-error').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(
    'ValueError: n_estimators must be positive\nGot -5 instead'
  );
  expect(copied).toContain('fit(-5)');
  expect(copied).not.toContain('\x1b');
});
