/**
 * Runs started outside this tab reach the run history within seconds, without a reload: a
 * run of the CLI while the pipeline is open, then the CLI's retry of it.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';
import { execFile } from 'child_process';
import { promisify } from 'util';

import {
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelRow,
  uploadNotebook,
  uploadPipeline
} from './helpers';

const exec = promisify(execFile);
/** Far below the panel's fallback listing (every minute): only the server's events are this quick. */
const SECONDS = 5000;

/** The folder the server serves (the CLI's --root). */
function serverRoot(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate(() => {
    const data = document.getElementById('jupyter-config-data');
    return JSON.parse(data?.textContent ?? '{}').serverRoot as string;
  });
}

async function cli(root: string, ...args: string[]): Promise<void> {
  await exec('runnable-jupyter', [...args, '--root', root], {
    cwd: root,
    timeout: 120 * 1000
  }).catch(error => {
    // Exit 1 is a failed run, expected below; anything else is a broken test set-up.
    if (error.code !== 1) {
      throw new Error(`runnable-jupyter ${args.join(' ')}: ${error.stderr}`);
    }
  });
}

test('a run and a retry from the CLI appear in the open run history within seconds', async ({
  page,
  tmpPath
}) => {
  await uploadNotebook(page, `${tmpPath}/step.ipynb`, [
    'import pathlib\nif pathlib.Path("fail").exists():\n    raise ValueError("asked to fail")'
  ]);
  await page.contents.uploadContent('', 'text', `${tmpPath}/fail`);
  await uploadPipeline(page, `${tmpPath}/cli.pipeline.json`, {
    version: 1,
    name: 'run from the CLI',
    steps: [{ id: 'step', notebook: 'step.ipynb', position: { x: 0, y: 0 } }]
  });
  await openPipelineFromFileBrowser(page, tmpPath, 'cli.pipeline.json', 'step');
  await page.sidebar.openTab(PANEL_ID);
  const history = page.locator(`#${PANEL_ID} .jp-runnable-run-history-item`);
  await expect(history).toHaveCount(0);
  const root = await serverRoot(page);
  const pipeline = `${tmpPath}/cli.pipeline.json`;

  await cli(root, 'run', pipeline);
  await expect(history).toHaveCount(1, { timeout: SECONDS });
  await expect(history.first()).toHaveAttribute('data-status', 'failed', {
    timeout: SECONDS
  });
  // Nothing was started here: the panel follows the latest run, the CLI's.
  await expect(panelRow(page, 'step')).toHaveAttribute(
    'data-status',
    'failed',
    { timeout: SECONDS }
  );
  const runId = (await history.first().getAttribute('data-run-id')) ?? '';

  await page.contents.deleteFile(`${tmpPath}/fail`);
  await cli(root, 'retry', pipeline, runId);
  await expect(history.first()).toHaveAttribute('data-status', 'succeeded', {
    timeout: SECONDS
  });
  await expect(history).toHaveCount(1);
  await expect(panelRow(page, 'step')).toHaveAttribute(
    'data-status',
    'succeeded',
    { timeout: SECONDS }
  );
});
