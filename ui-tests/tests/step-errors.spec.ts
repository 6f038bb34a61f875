/**
 * A failed step's error, readable in the run panel: the exception and the first line of its
 * message with the failing cell, the traceback on demand (paths shortened, the workspace root
 * gone) and "Copy Error" for the whole of it.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  expectStatus,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelButton,
  panelRow,
  uploadNotebook,
  uploadPipeline
} from './helpers';

test('a failed step shows a one-line error, its traceback on demand, and copies it', async ({
  page,
  tmpPath
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await uploadNotebook(page, `${tmpPath}/train.ipynb`, [
    'import json',
    'def fit(n):\n    raise ValueError(f"n_estimators must be positive\\nGot {n} instead")\n\nfit(-5)'
  ]);
  await uploadPipeline(page, `${tmpPath}/errors.pipeline.json`, {
    version: 1,
    steps: [{ id: 'train', notebook: 'train.ipynb', position: { x: 0, y: 0 } }]
  });
  await openPipelineFromFileBrowser(
    page,
    tmpPath,
    'errors.pipeline.json',
    'train'
  );
  await page.sidebar.openTab(PANEL_ID);
  await panelButton(page, 'run-all').click();
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
  await expectStatus(panelRow(page, 'train'), 'failed');

  const error = panelRow(page, 'train').locator('.jp-runnable-run-step-error');
  await expect(error.locator('.jp-runnable-run-step-error-summary')).toHaveText(
    'ValueError: n_estimators must be positive (in cell 2)',
    {
      timeout: 20000
    }
  );
  const traceback = error.locator('.jp-runnable-run-step-traceback pre');
  await expect(traceback).toBeHidden();
  await error.locator('.jp-runnable-run-step-traceback summary').click();
  await expect(traceback).toBeVisible();
  await expect(traceback).toContainText('Got -5 instead');
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
});
