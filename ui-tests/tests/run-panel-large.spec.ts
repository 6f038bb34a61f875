/**
 * The run panel with a generated 1,000-step pipeline: the step list renders only the rows in
 * view, keeps the run buttons in view when scrolled, styles the enabled main action as primary,
 * follows the graph's selection (and the graph follows the list), and while a run goes on
 * shows "n of N done"; once long, steps are grouped by status.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  expectStatus,
  graphNode,
  openPipeline,
  PANEL_ID,
  panelButton,
  panelRow,
  screenshotPath,
  uploadNotebook,
  layeredPipeline,
  uploadPipeline
} from './helpers';

const SIZE = 1000;

async function renderedRows(page: IJupyterLabPageFixture): Promise<number> {
  return page.locator(`#${PANEL_ID} .jp-runnable-run-step`).count();
}

test('a 1,000-step pipeline: a windowed step list, sticky buttons, selection both ways, progress', async ({
  page,
  tmpPath
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await uploadNotebook(page, `${tmpPath}/step.ipynb`, [
    'import time\ntime.sleep(3)\nprint("ok")'
  ]);
  const path = `${tmpPath}/large.pipeline.json`;
  await uploadPipeline(page, path, layeredPipeline(SIZE, 20));
  await openPipeline(page, path);
  await page.sidebar.openTab(PANEL_ID);
  const list = page.locator(`#${PANEL_ID} .jp-runnable-run-step-list`);
  await expect(panelRow(page, 'step_0000')).toBeVisible();

  // Every step is a row of the list (one group header above them), few are in the page.
  await expect(list).toHaveAttribute('data-rows', String(SIZE + 1));
  await expect(
    page.locator(`#${PANEL_ID} .jp-runnable-run-step-group[data-group="none"]`)
  ).toContainText(`(${SIZE})`);
  expect(await renderedRows(page)).toBeLessThan(80);

  // Nothing selected: Run All is the main (primary) action, Run Selected is disabled.
  await expect(panelButton(page, 'run-all')).toHaveClass(/jp-mod-accept/);
  await expect(panelButton(page, 'run-selected')).not.toHaveClass(
    /jp-mod-accept/
  );

  // Graph -> list: the editor's search selects a far step; the list scrolls to it, checked.
  const search = page.locator('.jp-runnable-graph-search');
  await search.fill('step_0990');
  await search.press('Enter');
  const far = panelRow(page, 'step_0990');
  await expect(far).toBeInViewport();
  await expect(far.locator('input[type="checkbox"]')).toBeChecked();
  expect(await renderedRows(page)).toBeLessThan(80);
  await expect(panelButton(page, 'run-selected')).toHaveClass(/jp-mod-accept/);
  await expect(panelButton(page, 'run-all')).not.toHaveClass(/jp-mod-accept/);

  // List -> graph: checking the next row selects its node too.
  await panelRow(page, 'step_0991').locator('input[type="checkbox"]').check();
  await expect(graphNode(page, 'step_0991')).toHaveClass(/jp-mod-selected/);
  await expect(graphNode(page, 'step_0990')).toHaveClass(/jp-mod-selected/);

  // Scrolled to the end of the panel, the run buttons stay in view.
  await page
    .locator(`#${PANEL_ID}`)
    .evaluate(node => node.scrollTo(0, node.scrollHeight));
  await expect(panelButton(page, 'cancel-run')).toBeInViewport();
  await expect(panelButton(page, 'run-selected')).toBeInViewport();

  // A run of three steps of the first layer: "n of 3 done" while it goes on, then groups.
  await search.fill('step_0000');
  await search.press('Enter');
  await expect(panelRow(page, 'step_0000')).toBeInViewport();
  const checkAll = page.locator(
    `#${PANEL_ID} .jp-runnable-run-check-all input`
  );
  await checkAll.check();
  await checkAll.uncheck();
  for (const stepId of ['step_0000', 'step_0001', 'step_0002']) {
    await panelRow(page, stepId).locator('input[type="checkbox"]').check();
  }
  await panelButton(page, 'run-selected').click();
  const done = page.locator(`#${PANEL_ID} .jp-runnable-run-steps-done`);
  await expect(done).toHaveText(/^[0-2] of 3 done$/, { timeout: 30000 });
  await page.screenshot({
    path: screenshotPath('run-panel-large.png'),
    clip: (await page.locator(`#${PANEL_ID}`).boundingBox()) ?? undefined
  });
  for (const stepId of ['step_0000', 'step_0001', 'step_0002']) {
    await expectStatus(panelRow(page, stepId), 'succeeded');
  }
  await expect(done).toHaveCount(0);
  await expect(
    page.locator(
      `#${PANEL_ID} .jp-runnable-run-step-group[data-group="succeeded"]`
    )
  ).toContainText('(3)');
  await expect(
    page.locator(
      `#${PANEL_ID} .jp-runnable-run-step-group[data-group="not_selected"]`
    )
  ).toContainText(`(${SIZE - 3})`);
  // Folding a group leaves its steps out of the list.
  await page
    .locator(
      `#${PANEL_ID} .jp-runnable-run-step-group[data-group="succeeded"] button`
    )
    .click();
  await expect(panelRow(page, 'step_0000')).toHaveCount(0);
  await expect(list).toHaveAttribute('data-rows', String(SIZE - 3 + 2));
});
