/**
 * A graph readable at any size: fit view of a 200-step pipeline at a readable zoom with compact
 * nodes, full nodes zoomed in, the search box, the failed/running filter after a real run, and
 * the properties panel folded when nothing is selected.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  EDITOR,
  expectStatus,
  graphAtRest,
  graphNode,
  layeredPipeline,
  openPipeline,
  PANEL_ID,
  runAll,
  screenshotPath,
  uploadNotebook,
  uploadNotebooks,
  uploadPipeline
} from './helpers';

/** The graph's zoom, from xyflow's viewport transform. */
async function zoom(page: IJupyterLabPageFixture): Promise<number> {
  const transform = await page
    .locator(`${EDITOR} .react-flow__viewport`)
    .evaluate(node => (node as HTMLElement).style.transform);
  return Number(/scale\(([\d.]+)\)/.exec(transform)![1]);
}

/** On-screen height in px of a node's step id, as drawn. */
async function idTextHeight(
  page: IJupyterLabPageFixture,
  stepId: string
): Promise<number> {
  return graphNode(page, stepId)
    .locator('.jp-runnable-node-id')
    .evaluate(node => {
      const size = parseFloat(getComputedStyle(node).fontSize);
      const graph = node.closest('.react-flow__viewport') as HTMLElement;
      const scale = Number(/scale\(([\d.]+)\)/.exec(graph.style.transform)![1]);
      return size * scale;
    });
}

test('a 200-step pipeline fits at a readable zoom: compact nodes zoomed out, full ones zoomed in', async ({
  page,
  tmpPath
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await uploadNotebooks(page, tmpPath, ['step.ipynb']);
  const path = `${tmpPath}/large.pipeline.json`;
  await uploadPipeline(page, path, layeredPipeline(200, 15));
  await openPipeline(page, path);
  await expect(page.locator('.jp-runnable-node').first()).toBeVisible();

  // Fit view (at open and from the toolbar) stops at a readable zoom instead of showing all.
  await page
    .locator(
      '.jp-runnable-PipelineEditorWidget .jp-Toolbar [data-command="runnable-jupyter:fit-view"]'
    )
    .click();
  await graphAtRest(page);
  expect(await zoom(page)).toBeGreaterThanOrEqual(0.3);
  const compact = page.locator('.jp-runnable-node.jp-mod-compact');
  await expect(compact.first()).toBeVisible();
  const shown = await compact.first().getAttribute('data-step-id');
  expect(await idTextHeight(page, shown!)).toBeGreaterThanOrEqual(7);
  // Compact: the name and status only.
  await expect(
    compact.first().locator('.jp-runnable-node-notebook')
  ).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('editor-large.png') });

  // Zoomed in, the nodes are full again.
  const zoomIn = page.locator(`${EDITOR} .react-flow__controls-zoomin`);
  for (let i = 0; i < 6 && (await zoom(page)) < 0.6; i++) {
    await zoomIn.click();
    await graphAtRest(page);
  }
  await expect(compact).toHaveCount(0);
  await expect(
    page.locator('.jp-runnable-node .jp-runnable-node-notebook').first()
  ).toBeVisible();

  // The search box selects a step by name and centres it.
  const search = page.locator('.jp-runnable-graph-search');
  await search.fill('step_0187');
  await search.press('Enter');
  const found = graphNode(page, 'step_0187');
  await expect(found).toHaveClass(/jp-mod-selected/);
  await graphAtRest(page);
  const box = (await found.boundingBox())!;
  const graph = (await page.locator('.jp-runnable-graph').boundingBox())!;
  expect(
    Math.abs(box.x + box.width / 2 - (graph.x + graph.width / 2))
  ).toBeLessThan(60);
  expect(
    Math.abs(box.y + box.height / 2 - (graph.y + graph.height / 2))
  ).toBeLessThan(60);
  await expect(
    page.locator('.jp-runnable-properties input[name="id"]')
  ).toHaveValue('step_0187');

  // 199 other steps: the current dependency as a checkbox, others added by name.
  const panel = page.locator('.jp-runnable-properties');
  await expect(panel.locator('input[type="checkbox"]')).toHaveCount(1);
  await expect(
    panel.locator('input[name="depends_on:step_0172"]')
  ).toBeChecked();
  const add = panel.locator('input[name="depends_on_add"]');
  await add.fill('step_0001');
  await add.press('Enter');
  await expect(
    panel.locator('input[name="depends_on:step_0001"]')
  ).toBeChecked();

  await search.fill('no_such_step');
  await search.press('Enter');
  await expect(page.locator('.jp-runnable-graph-search-missing')).toContainText(
    'No step matches'
  );
});

test('the properties panel folds when nothing is selected and can be toggled', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, ['a.ipynb']);
  const path = `${tmpPath}/one.pipeline.json`;
  await uploadPipeline(page, path, {
    version: 1,
    steps: [{ id: 'a', notebook: 'a.ipynb', position: { x: 0, y: 0 } }]
  });
  await openPipeline(page, path);
  const panel = page.locator('.jp-runnable-properties');
  await expect(panel).toHaveClass(/jp-mod-collapsed/);
  expect((await panel.boundingBox())!.width).toBeLessThan(40);

  await graphNode(page, 'a').click();
  await expect(panel).not.toHaveClass(/jp-mod-collapsed/);
  await expect(panel.locator('input[name="id"]')).toHaveValue('a');

  await panel.getByRole('button', { name: 'Hide properties' }).click();
  await expect(panel).toHaveClass(/jp-mod-collapsed/);
  await panel.getByRole('button', { name: 'Show properties' }).click();
  await expect(panel.locator('input[name="id"]')).toHaveValue('a');

  // A click on the empty canvas (left middle: the finder is top left, the controls bottom left).
  const pane = page.locator(`${EDITOR} .react-flow__pane`);
  const height = (await pane.boundingBox())!.height;
  await pane.click({ position: { x: 12, y: height / 2 } });
  await expect(panel).toHaveClass(/jp-mod-collapsed/);
});

test('the filter shows only the failed and running steps with their neighbours', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, [
    'load.ipynb',
    'report.ipynb',
    'other.ipynb'
  ]);
  await uploadNotebook(page, `${tmpPath}/train.ipynb`, [
    'raise ValueError("bad data")'
  ]);
  const path = `${tmpPath}/fails.pipeline.json`;
  await uploadPipeline(page, path, {
    version: 1,
    steps: [
      { id: 'load', notebook: 'load.ipynb', position: { x: 0, y: 0 } },
      {
        id: 'train',
        notebook: 'train.ipynb',
        depends_on: ['load'],
        position: { x: 300, y: 0 }
      },
      {
        id: 'report',
        notebook: 'report.ipynb',
        depends_on: ['train'],
        position: { x: 600, y: 0 }
      },
      { id: 'other', notebook: 'other.ipynb', position: { x: 0, y: 150 } }
    ]
  });
  await openPipeline(page, path);
  await page.sidebar.openTab(PANEL_ID);
  await runAll(page);
  await expectStatus(graphNode(page, 'train'), 'failed');
  await expectStatus(graphNode(page, 'other'), 'succeeded');

  await page.locator('.jp-runnable-graph-filter input').check();
  await expect(page.locator('.jp-runnable-graph-filter-count')).toContainText(
    '3 steps shown'
  );
  for (const id of ['load', 'train', 'report']) {
    await expect(graphNode(page, id)).toBeVisible();
  }
  await expect(graphNode(page, 'other')).toBeHidden();

  await page.locator('.jp-runnable-graph-filter input').uncheck();
  await expect(graphNode(page, 'other')).toBeVisible();
});

/** The largest number of graph nodes in the page at any frame since the page loaded. */
function countDrawnNodes(): void {
  (window as any).__maxDrawnNodes = 0;
  const count = () => {
    const drawn = document.querySelectorAll(
      '.jp-runnable-PipelineEditor .react-flow__node'
    ).length;
    const w = window as any;
    w.__maxDrawnNodes = Math.max(w.__maxDrawnNodes, drawn);
    requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
}

/** The start and end points of an edge's path, in graph coordinates. */
async function edgeEnds(
  page: IJupyterLabPageFixture,
  edgeId: string
): Promise<number[]> {
  const d = await page
    .locator(
      `${EDITOR} .react-flow__edge[data-id="${edgeId}"] path.react-flow__edge-path`
    )
    .getAttribute('d');
  const numbers = (d ?? '').match(/-?[\d.]+/g)!.map(Number);
  return [...numbers.slice(0, 2), ...numbers.slice(-2)];
}

test('opening 1,000 steps draws only the nodes in view; edges to the others end where those nodes are drawn', async ({
  page,
  tmpPath
}) => {
  await page.addInitScript(countDrawnNodes);
  await page.reload();
  await page.setViewportSize({ width: 1440, height: 900 });
  await uploadNotebooks(page, tmpPath, ['step.ipynb']);
  const path = `${tmpPath}/thousand.pipeline.json`;
  await uploadPipeline(page, path, layeredPipeline(1000, 20));
  await openPipeline(page, path);
  await expect(page.locator('.jp-runnable-node').first()).toBeVisible();
  await graphAtRest(page);
  const drawn = await page.evaluate(() => (window as any).__maxDrawnNodes);
  // About 12 layers of 20 steps fit at the readable zoom; not the 1,000.
  expect(drawn).toBeGreaterThan(0);
  expect(drawn).toBeLessThan(500);

  // An edge drawn into view from a step that is not drawn (one layer further left).
  const edge = await page.evaluate(editor => {
    const root = document.querySelector(editor)!;
    const ids = new Set(
      Array.from(root.querySelectorAll<HTMLElement>('.jp-runnable-node')).map(
        node => node.dataset.stepId
      )
    );
    const edges = Array.from(
      root.querySelectorAll<SVGElement>('.react-flow__edge')
    ).map(element => element.dataset.id!);
    return edges.find(id => {
      const [source, target] = id.split('->');
      return !ids.has(source) && ids.has(target);
    });
  }, EDITOR);
  expect(edge).toBeTruthy();
  const before = await edgeEnds(page, edge!);
  const source = edge!.split('->')[0];

  // Brought into view, the step is drawn and measured: the edge keeps its ends.
  const search = page.locator('.jp-runnable-graph-search');
  await search.fill(source);
  await search.press('Enter');
  await expect(graphNode(page, source)).toBeVisible();
  await graphAtRest(page);
  const after = await edgeEnds(page, edge!);
  after.forEach((value, index) =>
    expect(Math.abs(value - before[index])).toBeLessThan(0.5)
  );
});
