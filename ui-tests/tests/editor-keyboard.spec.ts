/**
 * Building a pipeline without a mouse: Tab to a step, Enter selects it, its dependencies are
 * checkboxes in the properties panel (Space), a cycle is refused with the graph's message, and
 * no step selected shows the pipeline's own settings.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';

import {
  EDITOR,
  openPipeline,
  readJson,
  uploadNotebooks,
  uploadPipeline
} from './helpers';

/** Press Tab (at most `limit` times) until the focused element matches `selector`. */
async function tabTo(
  page: IJupyterLabPageFixture,
  selector: string,
  limit = 60
): Promise<void> {
  for (let i = 0; i < limit; i++) {
    const focused = await page.evaluate(
      wanted => document.activeElement?.matches(wanted) ?? false,
      selector
    );
    if (focused) {
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('a two-step pipeline built with the keyboard only', async ({
  page,
  tmpPath
}) => {
  await uploadNotebooks(page, tmpPath, ['a.ipynb', 'b.ipynb']);
  const path = `${tmpPath}/keys.pipeline.json`;
  await uploadPipeline(page, path, {
    version: 1,
    steps: [
      { id: 'a', notebook: 'a.ipynb', position: { x: 0, y: 0 } },
      { id: 'b', notebook: 'b.ipynb', position: { x: 320, y: 0 } }
    ]
  });
  await openPipeline(page, path);
  const edges = page.locator(`${EDITOR} .react-flow__edge`);
  await expect(edges).toHaveCount(0);

  // Nothing selected: the panel (opened with the keyboard) edits the pipeline itself.
  await tabTo(page, '.jp-runnable-properties-toggle');
  await page.keyboard.press('Enter');
  await tabTo(page, 'input[name="pipeline_name"]');
  await page.keyboard.type('keyboard demo');
  await page.keyboard.press('Enter');

  // Tab to step b, Enter selects it, Space on "a" under "Depends on" draws the edge.
  await tabTo(page, '.react-flow__node[data-id="b"]');
  await page.keyboard.press('Enter');
  await expect(
    page.locator('.jp-runnable-properties input[name="id"]')
  ).toHaveValue('b');
  await tabTo(page, 'input[name="depends_on:a"]');
  await page.keyboard.press('Space');
  await expect(edges).toHaveCount(1);

  // a depending on b would close a cycle: refused with the graph's message, nothing written.
  await tabTo(page, '.react-flow__node[data-id="a"]');
  await page.keyboard.press('Enter');
  await expect(
    page.locator('.jp-runnable-properties input[name="id"]')
  ).toHaveValue('a');
  await tabTo(page, 'input[name="depends_on:b"]');
  await page.keyboard.press('Space');
  await expect(
    page.locator('.jp-runnable-depends-on [role="alert"]')
  ).toContainText('would create a cycle');
  await expect(page.locator('input[name="depends_on:b"]')).not.toBeChecked();
  await expect(edges).toHaveCount(1);

  await page.keyboard.press('Control+s');
  await expect(page.locator('.lm-TabBar-tab.jp-mod-current')).not.toHaveClass(
    /jp-mod-dirty/
  );
  const saved = await readJson(page, path);
  expect(saved.name).toBe('keyboard demo');
  expect(saved.steps[0].depends_on).toBeUndefined();
  expect(saved.steps[1].depends_on).toEqual(['a']);

  // Arrow keys go along the edges; Enter on the selected step opens its notebook.
  await tabTo(page, '.react-flow__node[data-id="a"]');
  await page.keyboard.press('ArrowRight');
  await expect(
    page.locator('.jp-runnable-properties input[name="id"]')
  ).toHaveValue('b');
  await page.keyboard.press('ArrowLeft');
  await expect(
    page.locator('.jp-runnable-properties input[name="id"]')
  ).toHaveValue('a');
  await page.keyboard.press('Enter');
  await expect(page.locator('.lm-TabBar-tab.jp-mod-current')).toContainText(
    'a.ipynb'
  );
});
