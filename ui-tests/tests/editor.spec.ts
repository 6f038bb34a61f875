/**
 * The pipeline editor: file type, graph editing, "Add to Pipeline", validation messages.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  currentTab,
  EDITOR,
  graphAtRest,
  openPipeline,
  readJson,
  saveCurrent,
  screenshotPath,
  uploadNotebooks,
  uploadPipeline
} from './helpers';

/** Drag from one step's output handle to another step's input handle. */
async function connect(
  page: IJupyterLabPageFixture,
  source: string,
  target: string
): Promise<void> {
  const from = await page
    .locator(`.react-flow__node[data-id="${source}"] .react-flow__handle-right`)
    .boundingBox();
  const to = await page
    .locator(`.react-flow__node[data-id="${target}"] .react-flow__handle-left`)
    .boundingBox();
  expect(from).not.toBeNull();
  expect(to).not.toBeNull();
  await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
  await page.mouse.down();
  await page.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, {
    steps: 10
  });
  await page.mouse.up();
}

test('create a pipeline from the Launcher, add two notebooks, connect them and save', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, [
    'load_data.ipynb',
    'train model.ipynb'
  ]);
  await page.filebrowser.refresh();

  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('launcher:create');
  });
  await page
    .locator('.jp-Launcher:visible .jp-LauncherCard')
    .filter({
      has: page.locator('.jp-LauncherCard-label', { hasText: /^Pipeline$/ })
    })
    .click();
  await expect(page.locator(EDITOR)).toBeVisible();
  await expect(currentTab(page)).toContainText('untitled.pipeline.json');

  const first = page.locator('.jp-DirListing-item', {
    hasText: 'load_data.ipynb'
  });
  const second = page.locator('.jp-DirListing-item', {
    hasText: 'train model.ipynb'
  });
  // Selected again if a refresh of the listing lands between the two clicks and drops it.
  await expect(async () => {
    await first.click();
    await second.click({ modifiers: ['Control'] });
    await expect(first).toHaveClass(/jp-mod-selected/, { timeout: 1000 });
    await expect(second).toHaveClass(/jp-mod-selected/, { timeout: 1000 });
  }).toPass({ timeout: 15000 });
  await second.click({ button: 'right' });
  await page.locator('.lm-Menu-item', { hasText: 'Add to Pipeline' }).click();

  await expect(page.locator('.jp-runnable-node')).toHaveCount(2);
  await expect(
    page.locator('.jp-runnable-node[data-step-id="load_data"]')
  ).toHaveAttribute('data-status', 'idle');
  await expect(
    page.locator('.jp-runnable-node[data-step-id="train_model"]')
  ).toBeVisible();

  await connect(page, 'load_data', 'train_model');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(currentTab(page)).toHaveClass(/jp-mod-dirty/);

  await page.locator(`${EDITOR} .react-flow__pane`).click();
  await saveCurrent(page);

  const saved = await readJson(page, `${tmpPath}/untitled.pipeline.json`);
  expect(saved.steps.map((step: any) => step.id)).toEqual([
    'load_data',
    'train_model'
  ]);
  expect(saved.steps[0].notebook).toBe('load_data.ipynb');
  expect(saved.steps[1].notebook).toBe('train model.ipynb');
  expect(saved.steps[1].depends_on).toEqual(['load_data']);
  expect(saved.steps[0].position).toEqual({
    x: expect.any(Number),
    y: expect.any(Number)
  });
});

test('a connection that would create a cycle is refused with a visible message', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, ['a.ipynb', 'b.ipynb']);
  await uploadPipeline(page, `${tmpPath}/cycle.pipeline.json`, {
    version: 1,
    steps: [
      { id: 'a', notebook: 'a.ipynb', position: { x: 0, y: 0 } },
      {
        id: 'b',
        notebook: 'b.ipynb',
        depends_on: ['a'],
        position: { x: 320, y: 0 }
      }
    ]
  });
  await openPipeline(page, `${tmpPath}/cycle.pipeline.json`);
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  // b → a would close a → b → a.
  const from = await page
    .locator('.react-flow__node[data-id="b"] .react-flow__handle-right')
    .boundingBox();
  const to = await page
    .locator('.react-flow__node[data-id="a"] .react-flow__handle-left')
    .boundingBox();
  await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
  await page.mouse.down();
  await page.mouse.move(
    to!.x + to!.width / 2 + 20,
    to!.y + to!.height / 2 + 30,
    {
      steps: 8
    }
  );
  await page.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, {
    steps: 4
  });
  await page.mouse.up();

  await expect(page.locator('.jp-runnable-graph-banner')).toContainText(
    'cycle'
  );
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(currentTab(page)).not.toHaveClass(/jp-mod-dirty/);
});

test('a malformed pipeline file opens with the parse error, not a blank widget', async ({
  page,
  tmpPath
}) => {
  await page.contents.uploadContent(
    '{"version": 1, "steps": [ {"id": "a", ',
    'text',
    `${tmpPath}/broken.pipeline.json`
  );
  await openPipeline(page, `${tmpPath}/broken.pipeline.json`);
  const panel = page.locator('.jp-runnable-problems.jp-mod-blocking');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('cannot be shown as a graph');
  await expect(panel.locator('.jp-runnable-problem')).toContainText(
    'not valid JSON'
  );
});

test('a pipeline with a cycle and a missing notebook shows the validation messages', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, ['a.ipynb']);
  await uploadPipeline(page, `${tmpPath}/invalid.pipeline.json`, {
    version: 1,
    steps: [
      { id: 'a', notebook: 'a.ipynb', depends_on: ['b'] },
      { id: 'b', notebook: 'missing.ipynb', depends_on: ['a'] }
    ]
  });
  await openPipeline(page, `${tmpPath}/invalid.pipeline.json`);
  const problems = page.locator('.jp-runnable-problems');
  await expect(problems).toBeVisible();
  await expect(problems).toContainText(/cycle/i);
  await expect(problems).toContainText('missing.ipynb');
  // The graph is still drawn, with the problem on the step.
  await expect(page.locator('.jp-runnable-node[data-step-id="b"]')).toHaveClass(
    /jp-mod-warning/
  );
});

test('"Add to Pipeline" with no editor open asks for a pipeline and refuses duplicates', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, ['prep.ipynb']);
  await page.filebrowser.refresh();

  const item = page.locator('.jp-DirListing-item', { hasText: 'prep.ipynb' });
  await item.click({ button: 'right' });
  await page.locator('.lm-Menu-item', { hasText: 'Add to Pipeline' }).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Add the notebooks to');
  await expect(dialog.locator('select option')).toHaveText([/A new pipeline/]);
  await dialog.getByRole('button', { name: 'Add' }).click();

  await expect(
    page.locator('.jp-runnable-node[data-step-id="prep"]')
  ).toBeVisible();
  await saveCurrent(page);
  const saved = await readJson(page, `${tmpPath}/untitled.pipeline.json`);
  expect(saved.steps).toEqual([
    { id: 'prep', notebook: 'prep.ipynb', position: expect.any(Object) }
  ]);

  // Once more, now with the editor open: no duplicate, a notification instead.
  await item.click({ button: 'right' });
  await page.locator('.lm-Menu-item', { hasText: 'Add to Pipeline' }).click();
  await expect(
    page.locator('.Toastify__toast', { hasText: 'is already a step of' })
  ).toBeVisible();
  await expect(page.locator('.jp-runnable-node')).toHaveCount(1);

  // Closed editor: the dialog now offers the existing pipeline first.
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('application:close-all')
  );
  await item.click({ button: 'right' });
  await page.locator('.lm-Menu-item', { hasText: 'Add to Pipeline' }).click();
  await expect(dialog.locator('select option').first()).toHaveText(
    /untitled\.pipeline\.json$/
  );
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('editing in the graph and the properties panel: delete, undo, rename, open', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, ['a.ipynb', 'b.ipynb']);
  const path = `${tmpPath}/edit.pipeline.json`;
  await uploadPipeline(page, path, {
    version: 1,
    steps: [
      { id: 'a', notebook: 'a.ipynb' },
      { id: 'b', notebook: 'b.ipynb', depends_on: ['a'] }
    ]
  });
  await openPipeline(page, path);

  // Steps without positions are laid out left to right.
  const a = page.locator('.jp-runnable-node[data-step-id="a"]');
  const b = page.locator('.jp-runnable-node[data-step-id="b"]');
  await expect(b).toBeVisible();
  expect((await a.boundingBox())!.x).toBeLessThan((await b.boundingBox())!.x);

  // Select + Delete removes the step and its edge; undo brings both back.
  await b.click();
  await page.keyboard.press('Delete');
  await expect(b).toHaveCount(0);
  await expect(page.locator('.react-flow__edge')).toHaveCount(0);
  await page.locator(`${EDITOR} .react-flow__pane`).click();
  await page.keyboard.press('Control+z');
  await expect(b).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  // Renaming in the properties panel updates depends_on.
  await a.click();
  const idField = page.locator('.jp-runnable-properties input[name="id"]');
  await expect(idField).toHaveValue('a');
  await idField.fill('load');
  await idField.press('Enter');
  await expect(
    page.locator('.jp-runnable-node[data-step-id="load"]')
  ).toBeVisible();
  const parameters = page.locator(
    '.jp-runnable-properties textarea[name="parameters"]'
  );
  await parameters.fill('{"n": ');
  await expect(page.locator('.jp-runnable-field-error')).toContainText(
    'Not valid JSON'
  );
  await parameters.fill('{"n": 3}');
  await page.locator('.jp-runnable-properties input[name="timeout_s"]').click();
  await saveCurrent(page);
  const saved = await readJson(page, path);
  expect(saved.steps[0]).toMatchObject({ id: 'load', parameters: { n: 3 } });
  expect(saved.steps[1].depends_on).toEqual(['load']);

  // Shift-click adds to the selection (the step selection the run commands use). The open
  // properties panel covers the middle of b: the click goes to b's visible top-left corner
  // (aimed at b's middle, it hit the edge or the pane and Playwright retried for up to 45 s).
  await page.locator('.jp-runnable-node[data-step-id="load"]').click();
  await page
    .locator('.jp-runnable-node[data-step-id="b"]')
    .click({ modifiers: ['Shift'], position: { x: 8, y: 8 } });
  await expect(page.locator('.jp-runnable-properties')).toContainText(
    '2 steps selected'
  );

  // A change on disk (here: another writer) shows after "Reload from Disk".
  await uploadPipeline(page, path, {
    version: 1,
    steps: [{ id: 'only', notebook: 'a.ipynb' }]
  });
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('docmanager:reload')
  );
  await expect(page.locator('.jp-runnable-node')).toHaveCount(1);
  await expect(
    page.locator('.jp-runnable-node[data-step-id="only"]')
  ).toBeVisible();
  await page.locator('.jp-runnable-node[data-step-id="only"]').click();

  // Double-click opens the step's notebook.
  await page.locator('.jp-runnable-node[data-step-id="only"]').dblclick();
  await expect(currentTab(page)).toContainText('a.ipynb');
});

test('notebooks dropped from the file browser land where dropped; "Add to Pipeline" places them beside the graph', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, [
    'a.ipynb',
    'c.ipynb',
    'd.ipynb',
    'e.ipynb'
  ]);
  const path = `${tmpPath}/drop.pipeline.json`;
  await uploadPipeline(page, path, {
    version: 1,
    steps: [{ id: 'a', notebook: 'a.ipynb', position: { x: 0, y: 0 } }]
  });
  await openPipeline(page, path);
  await page.filebrowser.openDirectory(tmpPath);

  // Drag c.ipynb from the listing onto the canvas, right of step a.
  const item = page.locator('.jp-DirListing-item', { hasText: 'c.ipynb' });
  const from = (await item.boundingBox())!;
  const graph = (await page.locator('.jp-runnable-graph').boundingBox())!;
  const drop = {
    x: graph.x + graph.width * 0.75,
    y: graph.y + graph.height / 2
  };
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(drop.x, drop.y, { steps: 20 });
  await page.mouse.up();
  const dropped = page.locator('.jp-runnable-node[data-step-id="c"]');
  await expect(dropped).toBeVisible();
  const box = (await dropped.boundingBox())!;
  expect(Math.abs(box.x + box.width / 2 - drop.x)).toBeLessThan(40);
  expect(Math.abs(box.y + box.height / 2 - drop.y)).toBeLessThan(40);
  // Dropped on the graph, not opened as a tab.
  await expect(currentTab(page)).toContainText('drop.pipeline.json');

  // Two more with "Add to Pipeline": side by side, right of the graph.
  await page.locator('.jp-DirListing-item', { hasText: 'd.ipynb' }).click();
  const e = page.locator('.jp-DirListing-item', { hasText: 'e.ipynb' });
  await e.click({ modifiers: ['Control'] });
  await e.click({ button: 'right' });
  await page.locator('.lm-Menu-item', { hasText: 'Add to Pipeline' }).click();
  await expect(page.locator('.jp-runnable-node')).toHaveCount(4);
  await saveCurrent(page);
  const saved = await readJson(page, path);
  const at = (id: string) =>
    saved.steps.find((step: any) => step.id === id).position;
  expect(at('d').y).toBe(at('e').y);
  expect(at('d').x).toBeGreaterThan(at('c').x);
  expect(at('e').x).toBeGreaterThan(at('d').x);
});

test('screenshot: a laid-out pipeline in the light theme', async ({
  page,
  tmpPath
}) => {
  const steps = [
    { id: 'load_data', notebook: 'load_data.ipynb' },
    { id: 'clean', notebook: 'clean.ipynb', depends_on: ['load_data'] },
    { id: 'profile', notebook: 'profile.ipynb', depends_on: ['load_data'] },
    { id: 'train', notebook: 'train.ipynb', depends_on: ['clean'] },
    { id: 'report', notebook: 'report.ipynb', depends_on: ['profile', 'train'] }
  ];
  await uploadNotebooks(
    page,
    tmpPath,
    steps.map(step => step.notebook)
  );
  const path = `${tmpPath}/demo.pipeline.json`;
  await uploadPipeline(page, path, { version: 1, steps });
  await page.setViewportSize({ width: 1400, height: 800 });
  await openPipeline(page, path);
  await expect(page.locator('.jp-runnable-node')).toHaveCount(5);
  // The toolbar (declared in schema/editor.json) lays the steps out and stores positions.
  await page
    .locator(
      '.jp-runnable-PipelineEditorWidget .jp-Toolbar [data-command="runnable-jupyter:auto-layout"]'
    )
    .click();
  await expect(currentTab(page)).toHaveClass(/jp-mod-dirty/);
  await page.locator('.jp-runnable-node[data-step-id="train"]').click();
  await expect(
    page.locator('.jp-runnable-properties input[name="id"]')
  ).toHaveValue('train');
  await graphAtRest(page);
  await page.screenshot({ path: screenshotPath('editor.png') });
  await saveCurrent(page);
  const saved = await readJson(page, path);
  expect(saved.steps.every((step: any) => step.position)).toBe(true);
});
