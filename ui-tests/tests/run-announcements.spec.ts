/**
 * Screen readers hear a run go on: the run panel's aria-live region says which step failed and
 * how the run ended, against the real server and kernels.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  expectStatus,
  openPipeline,
  PANEL_ID,
  panelButton,
  panelRow,
  uploadNotebook,
  uploadPipeline
} from './helpers';

test('the aria-live region announces a failed step and the run end', async ({
  page,
  tmpPath
}) => {
  await uploadNotebook(page, `${tmpPath}/load.ipynb`, ['print("loaded")']);
  await uploadNotebook(page, `${tmpPath}/train_forest.ipynb`, [
    'raise ValueError("n_estimators must be positive")'
  ]);
  await uploadPipeline(page, `${tmpPath}/wine.pipeline.json`, {
    version: 1,
    steps: [
      { id: 'load', notebook: 'load.ipynb', position: { x: 0, y: 0 } },
      {
        id: 'train_forest',
        notebook: 'train_forest.ipynb',
        depends_on: ['load'],
        position: { x: 300, y: 0 }
      }
    ]
  });
  await openPipeline(page, `${tmpPath}/wine.pipeline.json`);
  await page.sidebar.openTab(PANEL_ID);
  await expect(panelRow(page, 'train_forest')).toBeVisible();

  const region = page.locator(`#${PANEL_ID} .jp-runnable-run-announcer`);
  await expect(region).toHaveAttribute('aria-live', 'polite');
  await expect(region).toHaveText('');

  await panelButton(page, 'run-all').click();
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
  await expectStatus(panelRow(page, 'train_forest'), 'failed');
  await expect(region).toContainText('train_forest failed.', {
    timeout: 10000
  });
  await expect(region).toContainText('load succeeded.');
  await expect(region).toContainText('The run failed.', { timeout: 10000 });
});
