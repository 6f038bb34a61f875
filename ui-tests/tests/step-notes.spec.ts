/**
 * What the run panel and the notebook say about steps and cells that do not run: Show Log on a
 * step that never ran (`upstream_failed`) says why, and "Skip Cell in Pipeline Runs" is offered
 * on code cells only (markdown cells never run).
 */
import { expect } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  expectStatus,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelRow,
  runAll,
  uploadChain
} from './helpers';

test('Show Log on a step whose upstream failed says why it did not run', async ({
  page,
  tmpPath
}) => {
  await uploadChain(page, tmpPath, 'two.pipeline.json', [
    { id: 'a', sources: ['raise ValueError("a fails")'] },
    { id: 'b', sources: ['print("b ran")'] }
  ]);
  await openPipelineFromFileBrowser(page, tmpPath, 'two.pipeline.json', 'b');
  await page.sidebar.openTab(PANEL_ID);
  await runAll(page);
  await expectStatus(panelRow(page, 'a'), 'failed');
  await expectStatus(panelRow(page, 'b'), 'upstream_failed');

  await panelRow(page, 'b').locator('.jp-runnable-show-log').click();
  const log = page.locator('.jp-runnable-step-log[data-step-id="b"]');
  await expect(log).toHaveAttribute('data-complete', 'true', {
    timeout: 20000
  });
  await expect(log.locator('.jp-runnable-step-log-status')).toHaveText(
    'This step did not run: a step it depends on failed.'
  );
});

test('"Skip Cell in Pipeline Runs" is offered on code cells, not on markdown cells', async ({
  page,
  tmpPath
}) => {
  await page.contents.uploadContent(
    JSON.stringify({
      cells: [
        {
          id: 'md',
          cell_type: 'markdown',
          metadata: {},
          source: '# Notes'
        },
        {
          id: 'code',
          cell_type: 'code',
          execution_count: null,
          metadata: {},
          outputs: [],
          source: 'x = 1'
        }
      ],
      metadata: {
        kernelspec: {
          name: 'python3',
          display_name: 'Python 3',
          language: 'python'
        }
      },
      nbformat: 4,
      nbformat_minor: 5
    }),
    'text',
    `${tmpPath}/mixed.ipynb`
  );
  await page.notebook.openByPath(`${tmpPath}/mixed.ipynb`);
  await page.notebook.activate('mixed.ipynb');
  const cells = page.locator('.jp-NotebookPanel:visible .jp-Cell');
  const menuItem = page.locator('.lm-Menu-item', {
    hasText: 'Skip Cell in Pipeline Runs'
  });

  await cells.nth(1).locator('.jp-InputPrompt').click();
  await cells.nth(1).locator('.jp-InputPrompt').click({ button: 'right' });
  await expect(menuItem).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menuItem).toBeHidden();

  await cells.nth(0).locator('.jp-InputPrompt').click();
  await expect(cells.nth(0)).toHaveClass(/jp-mod-active/);
  await cells.nth(0).locator('.jp-InputPrompt').click({ button: 'right' });
  // The menu is open, without the item (Lumino keeps hidden items as hidden nodes).
  await expect(
    page.locator('.lm-Menu-item', { hasText: 'Copy' }).first()
  ).toBeVisible();
  await expect(menuItem).toBeHidden();
});
