/**
 * A run's outputs stay as the run wrote them: "Open Output" shows the executed notebook
 * read-only, titled with the step and the run, with no kernel, never dirty, never saved (even
 * with a one-second autosave); "Show Log" is titled the same way.
 */
import { expect, galata, test } from '@jupyterlab/galata';

import {
  expectStatus,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelRow,
  runAll,
  uploadChain
} from './helpers';

// Autosave every second: an editable, dirty output would be written back within the test.
test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/docmanager-extension:plugin': {
      autosave: true,
      autosaveInterval: 1
    }
  }
});

const TITLE = /^profile · run \d\d-\d\d \d\d:\d\d$/;

test('Open Output shows the executed notebook read-only, with no kernel, never saved', async ({
  page,
  tmpPath
}) => {
  await uploadChain(
    page,
    tmpPath,
    'one.pipeline.json',
    [{ id: 'profile', sources: ['rows = 3', 'print("profiled", rows)'] }],
    { name: 'one step' }
  );
  await openPipelineFromFileBrowser(
    page,
    tmpPath,
    'one.pipeline.json',
    'profile'
  );
  await page.sidebar.openTab(PANEL_ID);
  await runAll(page);
  await expectStatus(panelRow(page, 'profile'), 'succeeded');

  const runId =
    (await page
      .locator(`#${PANEL_ID} .jp-runnable-run-shown`)
      .getAttribute('data-run-id')) ?? '';
  const output = `${tmpPath}/one.runs/${runId}/profile.ipynb`;
  const fileState = () =>
    page.evaluate(async path => {
      const contents = (window as any).jupyterapp.serviceManager.contents;
      const model = await contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      return `${model.last_modified} ${model.content}`;
    }, output);
  const before = await fileState();

  await panelRow(page, 'profile').locator('.jp-runnable-open-output').click();
  const view = page.locator(
    `.jp-runnable-run-output[data-path="${output}"]:visible`
  );
  await expect(view.locator('.jp-OutputArea-output')).toContainText(
    'profiled 3'
  );
  // Read-only: a note says so, and the cell editors take no typing.
  await expect(
    page.locator('.jp-runnable-run-output-note:visible')
  ).toContainText(`Read-only: as run ${runId} wrote it`);
  const editor = view.locator('.cm-content').first();
  await expect(editor).toHaveAttribute('aria-readonly', 'true');
  await editor.click();
  await page.keyboard.type('typed');
  await expect(editor).toHaveText('rows = 3');

  const tab = page.locator('.lm-TabBar-tab.jp-mod-current');
  await expect(tab.locator('.lm-TabBar-tabLabel')).toHaveText(TITLE);

  // Several autosave intervals later: no kernel, no dirty marker, the file as the run wrote it.
  await page.waitForTimeout(4000);
  await expect(tab).not.toHaveClass(/jp-mod-dirty/);
  const kernels = await page.evaluate(async () => {
    const services = (window as any).jupyterapp.serviceManager;
    await services.kernels.refreshRunning();
    await services.sessions.refreshRunning();
    return [
      Array.from(services.kernels.running()).length,
      Array.from(services.sessions.running()).length
    ];
  });
  expect(kernels).toEqual([0, 0]);
  expect(await fileState()).toBe(before);

  // Show Log: titled with the step and the run too.
  await panelRow(page, 'profile').locator('.jp-runnable-show-log').click();
  await expect(tab.locator('.lm-TabBar-tabLabel')).toHaveText(
    /^profile · log · run \d\d-\d\d \d\d:\d\d$/
  );
  await expect(
    page.locator('.jp-runnable-step-log[data-step-id="profile"]')
  ).toContainText('profiled 3', { timeout: 20000 });
});
