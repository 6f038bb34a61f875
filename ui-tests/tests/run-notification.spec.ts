/**
 * A run started from this tab announces its end: a JupyterLab notification says it failed and
 * at which step (or that it succeeded), and its "Show Run" action opens the run again.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  EDITOR,
  expectStatus,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelButton,
  panelRow,
  uploadNotebook,
  uploadPipeline
} from './helpers';

test('a finished run is announced, naming the failed step, and Show Run opens it', async ({
  page,
  tmpPath
}) => {
  await uploadNotebook(page, `${tmpPath}/prepare.ipynb`, ['x = 1']);
  await uploadNotebook(page, `${tmpPath}/train.ipynb`, [
    'raise ValueError("n_estimators must be positive")'
  ]);
  await uploadPipeline(page, `${tmpPath}/model.pipeline.json`, {
    version: 1,
    steps: [
      { id: 'prepare', notebook: 'prepare.ipynb', position: { x: 0, y: 0 } },
      {
        id: 'train',
        notebook: 'train.ipynb',
        depends_on: ['prepare'],
        position: { x: 300, y: 0 }
      }
    ]
  });
  await openPipelineFromFileBrowser(
    page,
    tmpPath,
    'model.pipeline.json',
    'train'
  );
  await page.sidebar.openTab(PANEL_ID);
  await panelButton(page, 'run-all').click();
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
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
