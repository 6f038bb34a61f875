/**
 * "Export Pipeline…": the example pipeline exported from its editor as a standalone script
 * (the toolbar) and as an Argo Workflow (the graph's context menu, which asks for the image),
 * each written beside the pipeline and opened; exporting again asks before overwriting.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';
import * as fs from 'fs';
import * as path from 'path';

import { graphNode, openPipeline } from './helpers';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const DIALOG = '.jp-Dialog';
const TOOLBAR_BUTTON =
  '.jp-runnable-PipelineEditorWidget .jp-Toolbar [data-command="runnable-jupyter:export-pipeline"]';

/** The example pipeline and its notebooks, under `folder`. */
async function uploadExample(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<void> {
  const files = ['wine.pipeline.json'];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(EXAMPLES, relative), {
      withFileTypes: true
    })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(child);
      } else if (entry.name.endsWith('.ipynb')) {
        files.push(child);
      }
    }
  };
  walk('wine');
  for (const file of files) {
    await page.contents.uploadContent(
      fs.readFileSync(path.join(EXAMPLES, file), 'utf-8'),
      'text',
      `${folder}/${file}`
    );
  }
}

async function readText(
  page: IJupyterLabPageFixture,
  filePath: string
): Promise<string> {
  return page.evaluate(async where => {
    const model = await (window as any).jupyterapp.serviceManager.contents.get(
      where,
      { content: true, format: 'text', type: 'file' }
    );
    return model.content as string;
  }, filePath);
}

const tab = (page: IJupyterLabPageFixture, name: string) =>
  page.locator('.lm-TabBar-tab', { hasText: name });

test('Export Pipeline… writes the example as a script and as an Argo Workflow and opens them', async ({
  page,
  tmpPath
}) => {
  await uploadExample(page, tmpPath);
  await openPipeline(page, `${tmpPath}/wine.pipeline.json`);
  await expect(graphNode(page, 'load')).toBeVisible();

  // A script, from the editor's toolbar (the default format).
  await page.locator(TOOLBAR_BUTTON).click();
  const dialog = page.locator(DIALOG);
  await expect(dialog.locator('.jp-runnable-export')).toBeVisible();
  await expect(dialog.locator('input[value="script"]')).toBeChecked();
  await page.screenshot({ path: 'test-results/export-dialog.png' });
  await dialog.locator('.jp-mod-accept').click();
  await expect(tab(page, 'wine_pipeline.py')).toBeVisible();
  const script = await readText(page, `${tmpPath}/wine_pipeline.py`);
  expect(script).toContain('import papermill');
  expect(script).not.toContain('import runnable_jupyter');

  // An Argo Workflow, from the graph's context menu: the image is asked for.
  await tab(page, 'wine.pipeline.json').click();
  await page
    .locator('.jp-runnable-PipelineEditorWidget .jp-runnable-graph')
    .click({ button: 'right', position: { x: 20, y: 20 } });
  await page.locator('.lm-Menu-item', { hasText: 'Export Pipeline…' }).click();
  await dialog.locator('input[value="argo"]').check();
  await dialog.locator('.jp-mod-accept').click();
  await expect(dialog.locator('[role="alert"]')).toContainText(
    'Give the container image'
  );
  await dialog.locator('input[name="image"]').fill('ghcr.io/acme/wine:1');
  await expect(dialog.locator('[role="alert"]')).toHaveCount(0);
  await dialog.locator('input[name="volumeClaim"]').fill('team-notebooks');
  await dialog.locator('.jp-mod-accept').click();
  await expect(tab(page, 'wine.argo.yaml')).toBeVisible();
  const workflow = await readText(page, `${tmpPath}/wine.argo.yaml`);
  expect(workflow).toContain('kind: Workflow');
  expect(workflow).toContain('claimName: team-notebooks');
  expect(workflow).toContain('image: ghcr.io/acme/wine:1');
  expect(workflow).toMatch(/- exec-step\n/);

  // Again: the dialog remembers the choices, and an existing file is kept unless confirmed.
  await tab(page, 'wine.pipeline.json').click();
  await page.locator(TOOLBAR_BUTTON).click();
  await expect(dialog.locator('input[name="image"]')).toHaveValue(
    'ghcr.io/acme/wine:1'
  );
  await dialog.locator('input[value="script"]').check();
  await dialog.locator('.jp-mod-accept').click();
  await expect(dialog).toContainText('wine_pipeline.py exists already');
  await dialog.locator('.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
  expect(await readText(page, `${tmpPath}/wine_pipeline.py`)).toBe(script);
});
