/**
 * After partial runs, the run panel shows each step's last known status: a step the shown run
 * did not run shows its status in the latest run that ran it, not just "not selected".
 */
import { expect } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  expectStatus,
  openPipeline,
  PANEL_ID,
  panelButton,
  panelRow,
  uploadNotebook,
  uploadPipeline
} from './helpers';

test('a step the shown run did not run shows its status in the latest run that ran it', async ({
  page,
  tmpPath
}) => {
  await uploadNotebook(page, `${tmpPath}/a.ipynb`, ['print("a")']);
  await uploadNotebook(page, `${tmpPath}/b.ipynb`, ['print("b")']);
  await uploadPipeline(page, `${tmpPath}/pair.pipeline.json`, {
    version: 1,
    steps: [
      { id: 'a', notebook: 'a.ipynb', position: { x: 0, y: 0 } },
      { id: 'b', notebook: 'b.ipynb', position: { x: 300, y: 0 } }
    ]
  });
  await openPipeline(page, `${tmpPath}/pair.pipeline.json`);
  await page.sidebar.openTab(PANEL_ID);
  const check = (stepId: string) =>
    panelRow(page, stepId).locator('input[type="checkbox"]');

  await check('a').check();
  await panelButton(page, 'run-selected').click();
  await expectStatus(panelRow(page, 'a'), 'succeeded');
  const first = await page
    .locator(`#${PANEL_ID} .jp-runnable-run-shown`)
    .getAttribute('data-run-id');

  await check('a').uncheck();
  await check('b').check();
  await panelButton(page, 'run-selected').click();
  await expectStatus(panelRow(page, 'b'), 'succeeded');
  await expect(panelRow(page, 'a')).toHaveAttribute(
    'data-status',
    'not_selected'
  );
  const last = panelRow(page, 'a').locator('.jp-runnable-run-step-last');
  await expect(last).toHaveAttribute('data-status', 'succeeded');
  await expect(last).toHaveAttribute('data-run-id', first!);
  await expect(last).toContainText(/succeeded/i);
});
