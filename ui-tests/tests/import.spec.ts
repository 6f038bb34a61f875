/**
 * "Import as Pipeline": an Elyra pipeline file of the file browser becomes a pipeline file, its
 * report shows in a dialog and the new file opens in the pipeline editor.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';
import * as fs from 'fs';
import * as path from 'path';

import { EDITOR, graphNode, readJson } from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures', 'elyra');
const SOURCE = 'with_notebooks.pipeline';
const REPORT = '.jp-Dialog .jp-runnable-ImportReport';

/** The Elyra test pipeline and its two notebooks, as the corpus has them. */
async function uploadElyraPipeline(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<void> {
  for (const file of [
    SOURCE,
    'notebooks/notebook_1.ipynb',
    'notebooks/notebook_2.ipynb'
  ]) {
    await page.contents.uploadContent(
      fs.readFileSync(path.join(FIXTURES, file), 'utf-8'),
      'text',
      `${folder}/${file}`
    );
  }
}

async function openContextMenu(
  page: IJupyterLabPageFixture,
  fileName: string
): Promise<void> {
  await page
    .locator('.jp-DirListing-item', { hasText: new RegExp(`^${fileName}`) })
    .first()
    .click({ button: 'right' });
  await expect(page.locator('.lm-Menu').first()).toBeVisible();
}

const importItem = (page: IJupyterLabPageFixture) =>
  page.locator('.lm-Menu-item', { hasText: 'Import as Pipeline' });

test('right-click an Elyra pipeline, Import as Pipeline: report, then the editor with its steps', async ({
  page,
  tmpPath
}) => {
  await uploadElyraPipeline(page, tmpPath);
  await page.filebrowser.openDirectory(tmpPath);

  // Not offered on other files.
  await openContextMenu(page, 'notebooks');
  await expect(importItem(page)).toHaveCount(0);
  await page.keyboard.press('Escape');

  await openContextMenu(page, SOURCE);
  await importItem(page).click();

  const report = page.locator(REPORT);
  await expect(report).toBeVisible();
  await expect(page.locator('.jp-Dialog-header')).toContainText(
    `Imported ${SOURCE}`
  );
  await expect(report).toContainText('Elyra pipeline, format 7');
  await expect(report).toContainText('with 2 steps');
  await expect(report).toContainText('The new pipeline file is valid.');
  await expect(
    report.locator('[data-kind="steps"] li', { hasText: 'notebook_1' })
  ).toBeVisible();
  await expect(report.locator('[data-kind="not_mapped"]')).toContainText(
    'runtime_image'
  );
  await expect(report.locator('[data-kind="notes"]')).toContainText(
    'Kubernetes secret'
  );
  await expect(report.locator('[data-kind="mapped"]')).toContainText('/name');
  await page.screenshot({ path: 'test-results/import-report.png' });
  await page.locator('.jp-Dialog button', { hasText: 'Close' }).click();
  await expect(report).toHaveCount(0);

  await expect(page.locator(EDITOR)).toBeVisible();
  await expect(page.locator('.lm-TabBar-tab.jp-mod-current')).toContainText(
    'with_notebooks.pipeline.json'
  );
  await expect(graphNode(page, 'notebook_1')).toBeVisible({ timeout: 20000 });
  await expect(graphNode(page, 'notebook_2')).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  const written = await readJson(
    page,
    `${tmpPath}/with_notebooks.pipeline.json`
  );
  expect(written.steps.map((step: any) => step.id)).toEqual([
    'notebook_1',
    'notebook_2'
  ]);
});

test('importing again asks before overwriting the pipeline file', async ({
  page,
  tmpPath
}) => {
  await uploadElyraPipeline(page, tmpPath);
  await page.contents.uploadContent(
    '{"version": 1, "steps": []}',
    'text',
    `${tmpPath}/with_notebooks.pipeline.json`
  );
  await page.filebrowser.openDirectory(tmpPath);

  await openContextMenu(page, SOURCE);
  await importItem(page).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-Dialog-header')).toContainText('Overwrite?');
  await expect(dialog).toContainText('exists already');
  await dialog.locator('button', { hasText: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(
    (await readJson(page, `${tmpPath}/with_notebooks.pipeline.json`)).steps
  ).toEqual([]);

  await openContextMenu(page, SOURCE);
  await importItem(page).click();
  await dialog.locator('button', { hasText: 'Overwrite' }).click();
  await expect(page.locator(REPORT)).toContainText('with 2 steps');
  await page.locator('.jp-Dialog button', { hasText: 'Close' }).click();
  await expect(graphNode(page, 'notebook_2')).toBeVisible({ timeout: 20000 });
  expect(
    (await readJson(page, `${tmpPath}/with_notebooks.pipeline.json`)).steps
  ).toHaveLength(2);
});

test('a file that is no pipeline is refused with the server message', async ({
  page,
  tmpPath
}) => {
  await page.contents.uploadContent(
    'not json',
    'text',
    `${tmpPath}/broken.orchest`
  );
  await page.filebrowser.openDirectory(tmpPath);
  await openContextMenu(page, 'broken.orchest');
  await importItem(page).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-Dialog-header')).toContainText(
    'Cannot Import broken.orchest'
  );
  await expect(dialog).toContainText('is not valid JSON');
  await dialog.locator('button', { hasText: 'OK' }).click();
  await expect(page.locator(EDITOR)).toHaveCount(0);
});
