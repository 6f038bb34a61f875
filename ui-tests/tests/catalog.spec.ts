/**
 * The catalog in the UI, against the real server extension and real kernels: after a run, the
 * edge between two steps names the entry that flowed along it; "Open Pipeline Catalog" (the
 * editor's toolbar) lists the entries, and selecting one shows its versions and a preview (a
 * DataFrame's head as a table, JSON pretty-printed); a screenshot for the docs.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  EDITOR,
  expectStatus,
  graphNode,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelRow,
  runAll,
  screenshotPath,
  uploadNotebook,
  uploadPipeline
} from './helpers';

const CATALOG = '.jp-runnable-catalog';

/** load puts a DataFrame `wine` and a dict `params`; train reads `wine`. */
async function setUpPipeline(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<void> {
  await uploadNotebook(page, `${folder}/load.ipynb`, [
    'rows = 30',
    [
      'import pandas as pd',
      'from runnable_jupyter import catalog',
      'wine = pd.DataFrame({"alcohol": [12.0 + i / 10 for i in range(rows)],',
      '                     "cultivar": [f"class_{i % 3}" for i in range(rows)]})',
      'catalog.put("wine", wine)',
      'catalog.put("params", {"rows": rows, "split": [0.75, 0.25]})'
    ].join('\n')
  ]);
  await uploadNotebook(page, `${folder}/train.ipynb`, [
    [
      'from runnable_jupyter import catalog',
      'wine = catalog.get("wine")',
      'print("training on", len(wine), "rows")'
    ].join('\n')
  ]);
  await uploadPipeline(page, `${folder}/wine.pipeline.json`, {
    version: 1,
    name: 'wine sample',
    steps: [
      { id: 'load', notebook: 'load.ipynb', position: { x: 0, y: 0 } },
      {
        id: 'train',
        notebook: 'train.ipynb',
        depends_on: ['load'],
        position: { x: 360, y: 0 }
      }
    ]
  });
}

test.describe('catalog', () => {
  test.use({ viewport: { width: 1680, height: 900 } });

  test('edges name the entries that flowed; the catalog view lists and previews them', async ({
    page,
    tmpPath
  }) => {
    await setUpPipeline(page, tmpPath);
    await openPipelineFromFileBrowser(
      page,
      tmpPath,
      'wine.pipeline.json',
      'train'
    );
    await page.sidebar.openTab(PANEL_ID);
    await expect(panelRow(page, 'train')).toBeVisible();

    // Nothing ran yet: the edge has no label.
    const label = page.locator(
      `${EDITOR} .jp-runnable-edge-label[data-edge-id="load->train"]`
    );
    await expect(page.locator(`${EDITOR} .react-flow__edge`)).toHaveCount(1);
    await expect(label).toHaveCount(0);

    await runAll(page);
    await expectStatus(graphNode(page, 'train'), 'succeeded');

    // The edge names what load wrote and train read (not `params`, which train did not read).
    await expect(label).toHaveAttribute('data-entries', 'wine', {
      timeout: 20000
    });
    await expect(label).toContainText(/wine · \d+(\.\d)? KB/);
    await expect(label).toHaveAttribute(
      'title',
      /1 catalog entry in the shown run/
    );

    // Open the catalog from the editor's toolbar: it opens beside the editor.
    await page.sidebar.close('left');
    await page
      .locator(
        '.jp-runnable-PipelineEditorWidget .jp-Toolbar [data-command="runnable-jupyter:open-catalog"]'
      )
      .click();
    const catalog = page.locator(CATALOG);
    await expect(catalog).toBeVisible();
    const wine = catalog.locator(
      '.jp-runnable-catalog-entries tr[data-name="wine"]'
    );
    await expect(wine).toBeVisible({ timeout: 20000 });
    await expect(
      catalog.locator('.jp-runnable-catalog-entries tr[data-name="params"]')
    ).toBeVisible();
    // Its current version: short sha256, size, format; produced by the run's load step.
    await expect(wine).toContainText('parquet');
    await expect(wine).toContainText('step load');

    // Select it: its versions, with who read them, and the head of the DataFrame.
    await wine.click();
    await expect(wine).toHaveAttribute('aria-selected', 'true');
    const versions = catalog.locator('.jp-runnable-catalog-versions tbody tr');
    await expect(versions).toHaveCount(1);
    await expect(versions.first()).toContainText('current');
    await expect(versions.first()).toContainText('1 run');
    const preview = catalog.locator(
      '.jp-runnable-catalog-preview[data-kind="table"]'
    );
    await expect(preview).toBeVisible({ timeout: 20000 });
    await expect(preview.locator('thead th')).toHaveText([
      'alcohol',
      'cultivar'
    ]);
    await expect(preview.locator('tbody tr')).toHaveCount(20);
    await expect(preview.locator('tbody tr').first()).toContainText('class_0');
    await expect(preview).toContainText('20 of 30 rows, 2 columns');

    await page.sidebar.close('right');
    await page
      .locator(
        '.jp-runnable-PipelineEditorWidget .jp-Toolbar [data-command="runnable-jupyter:fit-view"]'
      )
      .click();
    await page.screenshot({ path: screenshotPath('catalog.png') });

    // JSON is pretty-printed.
    await catalog
      .locator('.jp-runnable-catalog-entries tr[data-name="params"]')
      .click();
    const json = catalog.locator(
      '.jp-runnable-catalog-preview[data-kind="json"]'
    );
    await expect(json).toBeVisible({ timeout: 20000 });
    await expect(json.locator('pre')).toContainText('"split": [\n    0.75,');

    // The command palette has the command too.
    expect(
      await page.evaluate(() =>
        (window as any).jupyterapp.commands.hasCommand(
          'runnable-jupyter:open-catalog'
        )
      )
    ).toBe(true);
  });
});
