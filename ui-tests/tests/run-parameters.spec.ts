/**
 * The run panel's typed parameters, against the real server: a field per parameter the
 * notebooks' parameters cells declare (type, default, the steps using it, the pipeline's value
 * filled in), a value that does not parse as its type refused next to its field before any run
 * starts, a good one reaching the run log; the JSON view carries the same values.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  expectStatus,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelRow,
  readJson,
  runAll,
  screenshotPath,
  uploadNotebook,
  uploadPipeline
} from './helpers';

async function setUp(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<void> {
  await uploadNotebook(
    page,
    `${folder}/train.ipynb`,
    [
      'n_estimators: int = 100  # trees in the forest\nalpha = 0.5',
      'assert isinstance(n_estimators, int)\nprint("trees", n_estimators, alpha)'
    ],
    true
  );
  await uploadNotebook(
    page,
    `${folder}/report.ipynb`,
    ['alpha = 0.5\ntitle = "wine"', 'print("report", title, alpha)'],
    true
  );
  await uploadPipeline(page, `${folder}/typed.pipeline.json`, {
    version: 1,
    name: 'typed parameters',
    parameters: { alpha: 0.25 },
    steps: [
      { id: 'train', notebook: 'train.ipynb', position: { x: 0, y: 0 } },
      {
        id: 'report',
        notebook: 'report.ipynb',
        depends_on: ['train'],
        position: { x: 300, y: 0 }
      }
    ]
  });
}

test('typed run parameters: a bad value is refused by its field, a good one reaches the run', async ({
  page,
  tmpPath
}) => {
  await setUp(page, tmpPath);
  await openPipelineFromFileBrowser(
    page,
    tmpPath,
    'typed.pipeline.json',
    'train'
  );
  await page.sidebar.openTab(PANEL_ID);
  await expect(panelRow(page, 'report')).toBeVisible();

  const parameters = page.locator(`#${PANEL_ID} .jp-runnable-run-parameters`);
  await parameters.locator('summary').click();
  const field = (name: string) =>
    parameters.locator(`.jp-runnable-run-parameter[data-parameter="${name}"]`);
  // Each declared parameter: its type, default, the steps using it, the pipeline's value.
  await expect(field('n_estimators')).toContainText('int');
  await expect(field('n_estimators')).toContainText('default 100');
  await expect(field('n_estimators')).toContainText('used by train');
  await expect(field('alpha')).toContainText('float');
  await expect(field('alpha')).toContainText('used by train, report');
  await expect(field('alpha').locator('input')).toHaveValue('0.25');
  await expect(field('title').locator('input')).toHaveValue('wine');

  // Not a whole number: shown next to the field as typed, and Run All starts nothing.
  await field('n_estimators').locator('input').fill('many');
  await expect(
    field('n_estimators').locator('.jp-runnable-run-parameter-error')
  ).toHaveText("'many' is not a whole number");
  await runAll(page);
  await expect(
    page.locator(`#${PANEL_ID} .jp-runnable-run-parameters-refused`)
  ).toContainText('n_estimators');
  await expect(
    page.locator(`#${PANEL_ID} .jp-runnable-run-history-item`)
  ).toHaveCount(0);
  await page.screenshot({
    path: screenshotPath('run-parameters.png'),
    clip: (await page.locator(`#${PANEL_ID}`).boundingBox()) ?? undefined
  });

  // The JSON view shows the same values; back to the form, a good value runs.
  await field('n_estimators').locator('input').fill('7');
  await expect(
    field('n_estimators').locator('.jp-runnable-run-parameter-error')
  ).toHaveCount(0);
  await parameters.locator('button[data-view="json"]').click();
  const json = parameters.locator('textarea');
  await expect(json).toHaveValue(/"n_estimators": 7/);
  await json.fill('{"alpha": 0.25, "n_estimators": 7, "title": "red wine"}');
  await parameters.locator('button[data-view="form"]').click();
  await expect(field('title').locator('input')).toHaveValue('red wine');

  await runAll(page);
  for (const stepId of ['train', 'report']) {
    await expectStatus(panelRow(page, stepId), 'succeeded');
  }
  const header = page.locator(`#${PANEL_ID} .jp-runnable-run-shown`);
  const runId = await header.getAttribute('data-run-id');
  const log = await readJson(page, `${tmpPath}/typed.runs/${runId}/run.json`);
  expect(log.parameters).toEqual({
    alpha: 0.25,
    n_estimators: 7,
    title: 'red wine'
  });
});
