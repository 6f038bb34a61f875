/**
 * Screen readers hear a run go on: the page's aria-live region says which step failed and how
 * the run ended, against the real server and kernels, whether or not the run panel shows.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  expectStatus,
  graphNode,
  openPipeline,
  PANEL_ID,
  panelRow,
  runAll,
  uploadChain
} from './helpers';

/** The region belongs to the page, not to the run panel. */
const REGION = 'body > .jp-runnable-run-announcer';

async function setUpFailingPipeline(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  const path = await uploadChain(page, tmpPath, 'wine.pipeline.json', [
    { id: 'load', sources: ['print("loaded")'] },
    {
      id: 'train_forest',
      sources: ['raise ValueError("n_estimators must be positive")']
    }
  ]);
  await openPipeline(page, path);
}

test('the aria-live region announces a failed step and the run end', async ({
  page,
  tmpPath
}) => {
  await setUpFailingPipeline(page, tmpPath);
  await page.sidebar.openTab(PANEL_ID);
  await expect(panelRow(page, 'train_forest')).toBeVisible();

  const region = page.locator(REGION);
  await expect(region).toHaveAttribute('aria-live', 'polite');
  await expect(region).toHaveText('');

  await runAll(page);
  await expectStatus(panelRow(page, 'train_forest'), 'failed');
  await expect(region).toContainText('train_forest failed.', {
    timeout: 10000
  });
  await expect(region).toContainText('load succeeded.');
  await expect(region).toContainText('The run failed.', { timeout: 10000 });
});

test('the run is announced with the run panel closed', async ({
  page,
  tmpPath
}) => {
  await setUpFailingPipeline(page, tmpPath);
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel).toBeHidden();
  const region = page.locator(REGION);
  await expect(region).toHaveCount(1);

  // Run All from the command palette's command, the panel never opened.
  await page.evaluate(() => {
    void (window as any).jupyterapp.commands.execute(
      'runnable-jupyter:run-all'
    );
  });
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
  await expectStatus(graphNode(page, 'train_forest'), 'failed');
  await expect(region).toContainText('train_forest failed.', {
    timeout: 10000
  });
  await expect(region).toContainText('The run failed.', { timeout: 10000 });
  await expect(panel).toBeHidden();
});
