/**
 * The run panel and live run status, against the real server extension and real kernels:
 * run a selection with its upstream, follow it live on the graph and the panel, open the
 * executed notebook, cancel a long step, skip unchanged steps (cached), show an older run of the
 * history, and screenshots in the dark theme.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';
import type { Locator } from '@playwright/test';

import {
  expectStatus,
  graphNode,
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelButton,
  panelRow,
  RUN_TIMEOUT,
  runAll,
  screenshotPath,
  uploadNotebook,
  uploadPipeline
} from './helpers';

/** Two steps, b depends on a; a sleeps 2 s so that it is seen running. */
async function setUpPipeline(
  page: IJupyterLabPageFixture,
  folder: string,
  bSources: string[]
): Promise<void> {
  await uploadNotebook(
    page,
    `${folder}/a.ipynb`,
    ['n = 1', 'import time\ntime.sleep(2)\nprint("a done", n)'],
    true
  );
  await uploadNotebook(page, `${folder}/b.ipynb`, bSources);
  await uploadPipeline(page, `${folder}/two.pipeline.json`, {
    version: 1,
    name: 'two steps',
    parameters: { n: 3 },
    steps: [
      { id: 'a', notebook: 'a.ipynb', position: { x: 0, y: 0 } },
      {
        id: 'b',
        notebook: 'b.ipynb',
        depends_on: ['a'],
        position: { x: 300, y: 0 }
      }
    ]
  });
}

/** Open the pipeline in its editor (double-click in the file browser) and the run panel. */
async function openPipelineAndPanel(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<void> {
  await openPipelineFromFileBrowser(page, folder, 'two.pipeline.json', 'b');
  await page.sidebar.openTab(PANEL_ID);
  await expect(panelRow(page, 'b')).toBeVisible();
}

/** The run parameters opened on their JSON view ("Advanced", beside the typed form). */
async function openJsonParameters(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  const parameters = page.locator(`#${PANEL_ID} .jp-runnable-run-parameters`);
  if ((await parameters.getAttribute('open')) === null) {
    await parameters.locator('summary').click();
  }
  const jsonView = parameters.locator('button[data-view="json"]');
  await expect(jsonView).toBeVisible(); // a.ipynb declares n: the form is offered
  await jsonView.click();
  return parameters.locator('textarea');
}

/** The run panel's run parameters (the JSON view), set to `text`. */
async function setRunParameters(
  page: IJupyterLabPageFixture,
  text: string
): Promise<void> {
  await (await openJsonParameters(page)).fill(text);
}

/** The id of the run the panel shows. */
async function shownRunId(page: IJupyterLabPageFixture): Promise<string> {
  const header = page.locator(`#${PANEL_ID} .jp-runnable-run-shown`);
  await expect(header).toBeVisible();
  return (await header.getAttribute('data-run-id')) ?? '';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test.describe('run panel', () => {
  test('runs the selected step with its upstream, live, and opens the executed notebook', async ({
    page,
    tmpPath
  }) => {
    await setUpPipeline(page, tmpPath, ['print("b done")']);
    await openPipelineAndPanel(page, tmpPath);

    // Nothing selected: the run commands are disabled.
    await expect(panelButton(page, 'run-selected-upstream')).toBeDisabled();
    await panelRow(page, 'b').locator('input[type="checkbox"]').check();
    // The graph selection follows the panel's checkbox.
    await expect(graphNode(page, 'b')).toHaveClass(/jp-mod-selected/);
    await expect(graphNode(page, 'a')).not.toHaveClass(/jp-mod-selected/);

    // Run parameters: invalid JSON is refused inline, a valid object is sent with the run.
    const parameters = await openJsonParameters(page);
    await expect(parameters).toHaveValue(/"n": 3/);
    await parameters.fill('{"n": ');
    await panelButton(page, 'run-selected-upstream').click();
    await expect(
      page.locator(`#${PANEL_ID} .jp-runnable-run-parameters-error`)
    ).toBeVisible();
    await parameters.fill('{"n": 5}');
    await expect(
      page.locator(`#${PANEL_ID} .jp-runnable-run-parameters-error`)
    ).toHaveCount(0);
    await panelButton(page, 'run-selected-upstream').click();

    // Live: the upstream step is seen running before everything succeeds.
    await expectStatus(panelRow(page, 'a'), 'running');
    await expect(panelButton(page, 'cancel-run')).toBeEnabled();
    for (const stepId of ['a', 'b']) {
      await expectStatus(panelRow(page, stepId), 'succeeded');
      await expectStatus(graphNode(page, stepId), 'succeeded');
    }
    await expect(panelButton(page, 'cancel-run')).toBeDisabled();
    // The run is in the history.
    await expect(
      page.locator(
        `#${PANEL_ID} .jp-runnable-run-history-item[data-status="succeeded"]`
      )
    ).toHaveCount(1);

    // The step's log, with the run parameter.
    await panelRow(page, 'a').locator('.jp-runnable-show-log').click();
    await expect(
      page.locator(
        '.jp-runnable-step-log[data-step-id="a"] .jp-runnable-step-log-text'
      )
    ).toContainText('a done 5', { timeout: 20000 });

    await panelRow(page, 'b').locator('.jp-runnable-open-output').click();
    const output = page.locator('.jp-runnable-run-output:visible');
    await expect(output).toHaveAttribute(
      'data-path',
      new RegExp(
        `^${escapeRegExp(tmpPath)}/two\\.runs/[0-9T]+-[0-9a-f]{6}/b\\.ipynb$`
      ),
      { timeout: 20000 }
    );
    await expect(output.locator('.jp-OutputArea-output')).toContainText(
      'b done'
    );
  });

  test('cancels a long-running step', async ({ page, tmpPath }) => {
    await setUpPipeline(page, tmpPath, ['import time\ntime.sleep(120)']);
    await openPipelineAndPanel(page, tmpPath);

    await panelRow(page, 'b').locator('input[type="checkbox"]').check();
    await panelButton(page, 'run-selected').click();
    await expectStatus(panelRow(page, 'b'), 'running');
    // Let the kernel reach the sleeping cell.
    // The sleeping cell is the last one (papermill adds a cell for the parameters).
    await expect(
      panelRow(page, 'b').locator('.jp-runnable-run-step-progress')
    ).toHaveText(/cell (\d+) of \1$/, { timeout: RUN_TIMEOUT });
    // While the run goes on, Cancel is the primary button, not Run.
    await expect(panelButton(page, 'cancel-run')).toHaveClass(/jp-mod-accept/);
    await expect(panelButton(page, 'run-selected')).not.toHaveClass(
      /jp-mod-accept/
    );
    await panelButton(page, 'cancel-run').click();

    await expectStatus(panelRow(page, 'b'), 'cancelled', 30000);
    await expectStatus(graphNode(page, 'b'), 'cancelled');
    await expectStatus(panelRow(page, 'a'), 'not_selected');
    await expect(panelButton(page, 'run-selected')).toHaveClass(
      /jp-mod-accept/
    );
    await expect(panelButton(page, 'cancel-run')).not.toHaveClass(
      /jp-mod-accept/
    );

    // Retry runs the cancelled step again, in the same run.
    await panelButton(page, 'retry-run').click();
    await expectStatus(panelRow(page, 'b'), 'running');
    await expect(panelButton(page, 'retry-run')).toBeDisabled();
    await panelButton(page, 'cancel-run').click();
    await expectStatus(panelRow(page, 'b'), 'cancelled', 30000);
    await expect(
      page.locator(`#${PANEL_ID} .jp-runnable-run-history-item`)
    ).toHaveCount(1);
  });

  test('skips unchanged steps: a second run reuses both results as cached', async ({
    page,
    tmpPath
  }) => {
    await setUpPipeline(page, tmpPath, ['print("b done")']);
    await openPipelineAndPanel(page, tmpPath);
    const skipUnchanged = page.locator(
      `#${PANEL_ID} .jp-runnable-run-skip-unchanged input[type="checkbox"]`
    );
    await expect(skipUnchanged).not.toBeChecked();

    await runAll(page);
    for (const stepId of ['a', 'b']) {
      await expectStatus(panelRow(page, stepId), 'succeeded');
    }
    await expect(panelButton(page, 'run-all')).toBeEnabled();
    const firstRunId = await shownRunId(page);

    // The checkbox is the `skipUnchanged` setting.
    await skipUnchanged.check();
    await expect
      .poll(async () => {
        const plugin = await page.evaluate(() =>
          (window as any).jupyterapp.serviceManager.settings.fetch(
            'runnable-jupyter:runs'
          )
        );
        return plugin.raw as string;
      })
      .toMatch(/"skipUnchanged":\s*true/);

    await runAll(page);
    await expect
      .poll(() => shownRunId(page), { timeout: RUN_TIMEOUT })
      .not.toBe(firstRunId);
    for (const stepId of ['a', 'b']) {
      await expectStatus(panelRow(page, stepId), 'cached');
      await expectStatus(graphNode(page, stepId), 'cached');
      await expect(
        panelRow(page, stepId).locator('.jp-runnable-run-step-cached-from')
      ).toHaveText(`reused from run ${firstRunId}`);
    }
    await expect(
      page.locator(`#${PANEL_ID} .jp-runnable-run-history-item`)
    ).toHaveCount(2);
    await page
      .locator(`#${PANEL_ID}`)
      .screenshot({ path: screenshotPath('run-panel-cached.png') });

    // The setting back as it was: the next test shares this page (shared-lab.ts).
    await skipUnchanged.uncheck();
    await expect(skipUnchanged).not.toBeChecked();
  });

  test('shows an older run of the history on the graph, then the latest again', async ({
    page,
    tmpPath
  }) => {
    await uploadNotebook(
      page,
      `${tmpPath}/a.ipynb`,
      ['fail = False', 'if fail:\n    raise ValueError("asked to fail")'],
      true
    );
    await uploadNotebook(page, `${tmpPath}/b.ipynb`, ['print("b done")']);
    await uploadPipeline(page, `${tmpPath}/two.pipeline.json`, {
      version: 1,
      name: 'fails on demand',
      steps: [
        { id: 'a', notebook: 'a.ipynb', position: { x: 0, y: 0 } },
        {
          id: 'b',
          notebook: 'b.ipynb',
          depends_on: ['a'],
          position: { x: 300, y: 0 }
        }
      ]
    });
    await openPipelineAndPanel(page, tmpPath);

    await setRunParameters(page, '{"fail": true}');
    await runAll(page);
    await expectStatus(graphNode(page, 'a'), 'failed');
    await expectStatus(graphNode(page, 'b'), 'upstream_failed');
    await expect(panelButton(page, 'run-all')).toBeEnabled({
      timeout: RUN_TIMEOUT
    });
    const failedRunId = await shownRunId(page);

    await setRunParameters(page, '{"fail": false}');
    await runAll(page);
    for (const stepId of ['a', 'b']) {
      await expectStatus(graphNode(page, stepId), 'succeeded');
    }
    await expect(panelButton(page, 'run-all')).toBeEnabled({
      timeout: RUN_TIMEOUT
    });
    const history = page.locator(`#${PANEL_ID} .jp-runnable-run-history-item`);
    await expect(history).toHaveCount(2);
    await expect(history.first()).toHaveAttribute('data-status', 'succeeded');

    // Pick the older, failed run: the graph and the panel show its statuses.
    const older = history.nth(1);
    await expect(older).toHaveAttribute('data-run-id', failedRunId);
    // The runs' notifications cover the history (bottom right): dismiss them as a user would,
    // or the click waits until they time out.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'apputils:dismiss-notification'
      )
    );
    await expect(page.locator('.Toastify__toast')).toHaveCount(0);
    await older.click();
    await expect(older).toHaveAttribute('aria-pressed', 'true');
    await expectStatus(graphNode(page, 'a'), 'failed', 20000);
    await expectStatus(graphNode(page, 'b'), 'upstream_failed', 20000);
    await expectStatus(panelRow(page, 'a'), 'failed', 20000);
    await expect(
      panelRow(page, 'a').locator('.jp-runnable-run-step-error')
    ).toContainText('asked to fail');
    expect(await shownRunId(page)).toBe(failedRunId);

    // "Show latest" goes back to the newest run.
    await page
      .locator(`#${PANEL_ID} .jp-runnable-run-shown button`, {
        hasText: 'Show latest'
      })
      .click();
    for (const stepId of ['a', 'b']) {
      await expectStatus(graphNode(page, stepId), 'succeeded', 20000);
      await expectStatus(panelRow(page, stepId), 'succeeded', 20000);
    }
    await expect(history.first()).toHaveAttribute('aria-pressed', 'true');
    await expect(
      page.locator(`#${PANEL_ID} .jp-runnable-run-shown button`, {
        hasText: 'Show latest'
      })
    ).toHaveCount(0);
  });
});

test.describe('run panel screenshots', () => {
  test.use({ viewport: { width: 1440, height: 860 } });

  test('dark theme screenshots of the editor mid-run and of the run panel', async ({
    page,
    tmpPath
  }) => {
    await page.theme.setDarkTheme();
    await setUpPipeline(page, tmpPath, [
      'import time\nfor i in range(60):\n    time.sleep(1)'
    ]);
    await openPipelineAndPanel(page, tmpPath);
    await page.sidebar.close('left');

    await panelRow(page, 'b').locator('input[type="checkbox"]').check();
    await panelButton(page, 'run-selected-upstream').click();
    await expectStatus(graphNode(page, 'a'), 'succeeded');
    await expectStatus(graphNode(page, 'b'), 'running');
    await expect(
      panelRow(page, 'b').locator('.jp-runnable-run-step-progress')
    ).toBeVisible({
      timeout: RUN_TIMEOUT
    });
    await page.screenshot({
      path: screenshotPath('editor-dark-running.png')
    });
    await page
      .locator(`#${PANEL_ID}`)
      .screenshot({ path: screenshotPath('run-panel.png') });

    await panelButton(page, 'cancel-run').click();
    await expectStatus(panelRow(page, 'b'), 'cancelled', 30000);
  });
});
