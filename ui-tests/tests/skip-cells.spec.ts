/**
 * "Skip Cell in Pipeline Runs": a cell that would raise is tagged from the cell context menu,
 * marked in the notebook, and a pipeline run skips it; untagged again (keyboard shortcut), the
 * run fails and the error shows on the graph node and the run panel.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  expectStatus,
  graphNode,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelButton,
  panelRow,
  RUN_TIMEOUT,
  screenshotPath,
  uploadNotebook,
  uploadPipeline
} from './helpers';

const COMMAND_LABEL = 'Skip Cell in Pipeline Runs';

async function runStep(page: IJupyterLabPageFixture): Promise<void> {
  await page.activity.activateTab('skip.pipeline.json');
  const runSelected = panelButton(page, 'run-selected');
  await expect(runSelected).toBeEnabled({ timeout: RUN_TIMEOUT });
  await runSelected.click();
  await expectStatus(panelRow(page, 'a'), /pending|running/);
}

// Wide enough for the graph, the editor's properties and the run panel side by side.
test.use({ viewport: { width: 1440, height: 860 } });

test('a skipped cell is not run by the pipeline; unskipped, its error shows', async ({
  page,
  tmpPath
}) => {
  await uploadNotebook(page, `${tmpPath}/a.ipynb`, [
    'x = 1',
    'raise ValueError("boom from the pipeline")',
    'print("after", x)'
  ]);
  await uploadPipeline(page, `${tmpPath}/skip.pipeline.json`, {
    version: 1,
    steps: [{ id: 'a', notebook: 'a.ipynb', position: { x: 0, y: 0 } }]
  });

  // Skip the raising cell from its context menu.
  await page.notebook.openByPath(`${tmpPath}/a.ipynb`);
  await page.notebook.activate('a.ipynb');
  const raisingCell = page.locator('.jp-NotebookPanel:visible .jp-Cell').nth(1);
  await raisingCell.locator('.jp-InputPrompt').click();
  await raisingCell.locator('.jp-InputPrompt').click({ button: 'right' });
  await page.locator('.lm-Menu-item', { hasText: COMMAND_LABEL }).click();
  await expect(raisingCell).toHaveClass(/jp-runnable-skipped-cell/);
  await expect(raisingCell.locator('.jp-runnable-skip-label')).toHaveText(
    'skipped in pipeline runs'
  );
  await expect(
    page.locator('.jp-NotebookPanel:visible .jp-runnable-skipped-cell')
  ).toHaveCount(1);
  await page
    .locator('.jp-NotebookPanel:visible .jp-Notebook')
    .screenshot({ path: screenshotPath('skipped-cell.png') });
  await page.notebook.save();

  // Run the pipeline: the step succeeds without running the raising cell.
  await openPipelineFromFileBrowser(page, tmpPath, 'skip.pipeline.json', 'a');
  await page.sidebar.close('left');
  await page.sidebar.openTab(PANEL_ID);
  await graphNode(page, 'a').click();
  // The panel's checkbox follows the graph selection.
  await expect(
    panelRow(page, 'a').locator('input[type="checkbox"]')
  ).toBeChecked();
  await runStep(page);
  await expectStatus(panelRow(page, 'a'), 'succeeded');
  await expectStatus(graphNode(page, 'a'), 'succeeded');

  // Unskip it with the keyboard shortcut (command mode), the context menu showing it checked.
  await page.notebook.activate('a.ipynb');
  await raisingCell.locator('.jp-InputPrompt').click({ button: 'right' });
  await expect(
    page.locator('.lm-Menu-item', { hasText: COMMAND_LABEL })
  ).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Escape');
  await raisingCell.locator('.jp-InputPrompt').click();
  await page.keyboard.press('Control+Alt+k');
  await expect(raisingCell).not.toHaveClass(/jp-runnable-skipped-cell/);
  await expect(
    page.locator('.jp-NotebookPanel:visible .jp-runnable-skip-label')
  ).toHaveCount(0);
  await page.notebook.save();

  // Run again: the step fails, and the error is on the graph node and the panel.
  await runStep(page);
  await expectStatus(panelRow(page, 'a'), 'failed');
  await expectStatus(graphNode(page, 'a'), 'failed');
  await expect(
    panelRow(page, 'a').locator('.jp-runnable-run-step-error')
  ).toContainText('ValueError: boom from the pipeline');
  await expect(
    graphNode(page, 'a').locator('.jp-runnable-node-error')
  ).toContainText('boom from the pipeline');
});
