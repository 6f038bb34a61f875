/**
 * A run started from this tab announces its end: a JupyterLab notification says it failed and
 * at which step (or that it succeeded), and its "Show Run" action opens the run again.
 */
import { expect } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  EDITOR,
  expectStatus,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelRow,
  runAll,
  uploadChain
} from './helpers';

test('a finished run is announced, naming the failed step, and Show Run opens it', async ({
  page,
  tmpPath
}) => {
  await uploadChain(page, tmpPath, 'model.pipeline.json', [
    { id: 'prepare', sources: ['x = 1'] },
    {
      id: 'train',
      sources: ['raise ValueError("n_estimators must be positive")']
    }
  ]);
  await openPipelineFromFileBrowser(
    page,
    tmpPath,
    'model.pipeline.json',
    'train'
  );
  await page.sidebar.openTab(PANEL_ID);
  await runAll(page);
  await expectStatus(panelRow(page, 'train'), 'failed');
  const runId =
    (await page
      .locator(`#${PANEL_ID} .jp-runnable-run-shown`)
      .getAttribute('data-run-id')) ?? '';

  const toast = page.locator('.Toastify__toast', {
    hasText: 'model.pipeline.json: the run failed at step train'
  });
  await expect(toast).toBeVisible({ timeout: 20000 });

  // Close the pipeline: the notification's action brings it and the run back.
  await page.evaluate(() =>
    (window as any).jupyterapp.shell.currentWidget?.close()
  );
  await expect(page.locator(EDITOR)).toHaveCount(0);
  await toast.getByRole('button', { name: 'Show Run' }).click();
  await expect(page.locator(EDITOR)).toBeVisible();
  await expect(
    page.locator(`#${PANEL_ID} .jp-runnable-run-shown`)
  ).toHaveAttribute('data-run-id', runId);
  await expectStatus(panelRow(page, 'train'), 'failed', 20000);
});
