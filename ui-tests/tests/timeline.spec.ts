/**
 * The run timeline: every step of the shown run on one time axis, a bar per attempt coloured by
 * status (a retried step shows both attempts), times on hover, and a click selecting the step in
 * the graph; a screenshot for the docs.
 */
import { expect } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  expectStatus,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelButton,
  panelRow,
  runAll,
  screenshotPath,
  uploadNotebook,
  uploadPipeline
} from './helpers';

test('the timeline shows each step and attempt of the run, and selects steps in the graph', async ({
  page,
  tmpPath
}) => {
  await uploadNotebook(page, `${tmpPath}/load.ipynb`, [
    'import time',
    'time.sleep(0.5)'
  ]);
  await uploadNotebook(page, `${tmpPath}/train.ipynb`, ['x = 1']);
  await uploadNotebook(page, `${tmpPath}/flaky.ipynb`, [
    'raise ValueError("not today")'
  ]);
  await uploadPipeline(page, `${tmpPath}/gantt.pipeline.json`, {
    version: 1,
    name: 'gantt',
    steps: [
      { id: 'load', notebook: 'load.ipynb', position: { x: 0, y: 0 } },
      {
        id: 'train',
        notebook: 'train.ipynb',
        depends_on: ['load'],
        position: { x: 0, y: 150 }
      },
      { id: 'flaky', notebook: 'flaky.ipynb', position: { x: 300, y: 0 } }
    ]
  });
  await openPipelineFromFileBrowser(
    page,
    tmpPath,
    'gantt.pipeline.json',
    'load'
  );
  await page.sidebar.openTab(PANEL_ID);
  await runAll(page);
  await expectStatus(panelRow(page, 'flaky'), 'failed');
  await expectStatus(panelRow(page, 'train'), 'succeeded');
  await panelButton(page, 'retry-run').click();
  const retryDialog = page.locator(
    '.jp-Dialog .jp-Dialog-button.jp-mod-accept'
  );
  if (await retryDialog.isVisible()) {
    await retryDialog.click();
  }
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'runnable-jupyter:show-timeline'
    );
  });

  const timeline = page.locator('.jp-runnable-timeline');
  await expect(timeline).toBeVisible();
  const row = (id: string) =>
    timeline.locator(`.jp-runnable-timeline-row[data-step-id="${id}"]`);
  await expect(
    timeline.locator('.jp-runnable-timeline-row[data-step-id]')
  ).toHaveCount(3);
  // The retry ran flaky again: two failed attempts on its row, once the retry ended.
  await expect(row('flaky').locator('.jp-runnable-timeline-bar')).toHaveCount(
    2,
    {
      timeout: 60000
    }
  );
  await expect(
    row('flaky').locator('.jp-runnable-timeline-bar[data-status="failed"]')
  ).toHaveCount(2);
  await expect(
    row('load').locator('.jp-runnable-timeline-bar[data-status="succeeded"]')
  ).toHaveCount(1);
  await expect(
    row('flaky').locator('.jp-runnable-timeline-bar').first()
  ).toHaveAttribute('title', /flaky · attempt 1 · failed/);
  // train waited for load: its bar starts right of load's.
  const left = async (id: string) =>
    (await row(id).locator('.jp-runnable-timeline-bar').first().boundingBox())!
      .x;
  expect(await left('train')).toBeGreaterThan(await left('load'));

  await row('train').locator('.jp-runnable-timeline-label').click();
  await expect(
    page.locator('.react-flow__node.selected', {
      has: page.locator('.jp-runnable-node[data-step-id="train"]')
    })
  ).toHaveCount(1);
  await expect(row('train')).toHaveAttribute('data-selected', 'true');

  await page.screenshot({ path: screenshotPath('timeline.png') });
});
