/**
 * Jobs in the UI, against the real server extension and real kernels: from the run panel, the
 * Jobs view; the New Job dialog makes a 2x2 sweep from the notebook's parameters cell (a value
 * that is not of its parameter's type refused next to its field, the number of runs shown, a
 * cron schedule read in words with its next times); Run now starts four runs whose parameters
 * and metric fill the runs table; sorting, the chart, the CSV export and comparing two runs;
 * a screenshot for the README.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

import { test } from './shared-lab';
import * as fs from 'fs';
import * as path from 'path';

import {
  openPipelineFromFileBrowser,
  PANEL_ID,
  panelRow,
  readJson,
  screenshotPath,
  uploadNotebook,
  uploadPipeline
} from './helpers';

const JOBS = '.jp-runnable-jobs-view';
const DIALOG = '.jp-runnable-job-dialog';
const SWEEP_TIMEOUT = 180 * 1000; // four runs, each starting a kernel, on a small machine

/** One step whose notebook declares alpha and depth and logs a metric of them. */
async function setUpPipeline(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<void> {
  await uploadNotebook(
    page,
    `${folder}/train.ipynb`,
    [
      'alpha = 0.1\ndepth = 3',
      [
        'from runnable_jupyter import metrics',
        'metrics.log("score", round(alpha * depth, 6))'
      ].join('\n')
    ],
    true
  );
  await uploadPipeline(page, `${folder}/demo.pipeline.json`, {
    version: 1,
    name: 'sweep demo',
    steps: [{ id: 'train', notebook: 'train.ipynb', position: { x: 0, y: 0 } }]
  });
}

/** The shipped example (examples/), its notebooks and pipeline, in `folder`. */
async function uploadExample(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<void> {
  const examples = path.resolve(__dirname, '..', '..', 'examples');
  const files = [
    'wine.pipeline.json',
    ...fs
      .readdirSync(path.join(examples, 'wine'), { recursive: true })
      .map(name => `wine/${name}`)
      .filter(name => name.endsWith('.ipynb'))
  ];
  for (const file of files) {
    const text = fs.readFileSync(path.join(examples, file), 'utf-8');
    await page.contents.uploadContent(text, 'text', `${folder}/${file}`);
  }
}

async function setParameter(
  page: IJupyterLabPageFixture,
  name: string,
  values: string
): Promise<void> {
  const row = page.locator(`${DIALOG} [data-parameter="${name}"]`);
  await row.getByLabel(`Use of ${name}`).selectOption('sweep');
  await row.getByLabel(`Values of ${name}`).fill(values);
}

test.describe('jobs', () => {
  test.use({ viewport: { width: 1680, height: 1000 } });

  test('a 2x2 sweep created in the dialog runs four runs, shown, sorted, charted, exported and compared', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(SWEEP_TIMEOUT + 120 * 1000);
    await setUpPipeline(page, tmpPath);
    await openPipelineFromFileBrowser(
      page,
      tmpPath,
      'demo.pipeline.json',
      'train'
    );
    await page.sidebar.openTab(PANEL_ID);
    await expect(panelRow(page, 'train')).toBeVisible();

    // The run panel opens the Jobs view of its pipeline.
    await page.locator('.jp-runnable-run-open-jobs').click();
    const jobs = page.locator(JOBS);
    await expect(jobs).toBeVisible();
    await expect(jobs.locator('.jp-runnable-jobs-empty')).toBeVisible();

    // New Job: the parameters come typed from the notebook's parameters cell.
    await jobs.getByRole('button', { name: 'New Job…' }).click();
    const dialog = page.locator(DIALOG);
    await expect(dialog.locator('[data-parameter="alpha"]')).toBeVisible();
    await expect(dialog.getByLabel('Type of alpha')).toHaveValue('float');
    await expect(dialog.getByLabel('Type of depth')).toHaveValue('int');
    await dialog.locator('input[name="name"]').fill('sweep');
    await setParameter(page, 'alpha', '0.1, 1');
    // A value that is not of the parameter's type is refused next to its field.
    await setParameter(page, 'depth', '3, 5.5');
    await expect(
      dialog.locator('[data-parameter="depth"] .jp-runnable-job-field-error')
    ).toHaveText("value 2: '5.5' is not a whole number");
    await setParameter(page, 'depth', '3, 5');
    await expect(dialog.locator('.jp-runnable-job-field-error')).toHaveCount(0);
    await expect(dialog.locator('.jp-runnable-job-grid-size')).toHaveAttribute(
      'data-runs',
      '4'
    );

    // A schedule, read in words, with its next three times from the server's scheduler code.
    await dialog.getByText('Run on a schedule').click();
    await dialog.locator('input[name="cron"]').fill('0 2 * * *');
    await dialog
      .locator('select[name="timezone"]')
      .selectOption('Europe/Paris');
    await expect(dialog.locator('.jp-runnable-job-cron-words')).toHaveText(
      'At 02:00, every day (Europe/Paris)'
    );
    const nextTimes = dialog.locator('.jp-runnable-job-next-times li');
    await expect(nextTimes).toHaveCount(3);
    await expect(nextTimes.first()).toContainText('02:00 (Europe/Paris)');
    await dialog.screenshot({ path: screenshotPath('new-job.png') });
    await dialog.getByRole('button', { name: 'Create Job' }).click();
    await expect(dialog).toHaveCount(0);

    const job = jobs.locator('.jp-runnable-jobs-table tr[data-job-id="sweep"]');
    await expect(job).toContainText('4 runs');
    await expect(job).toContainText('At 02:00, every day (Europe/Paris)');
    await expect(job.locator('.jp-runnable-jobs-outcome')).toHaveText(
      'never run'
    );

    // The server's refusals are shown next to the field they name: the name is taken.
    await jobs.getByRole('button', { name: 'New Job…' }).click();
    await dialog.locator('input[name="name"]').fill('sweep');
    await dialog.getByRole('button', { name: 'Create Job' }).click();
    await expect(
      dialog.locator(
        'label:has(input[name="name"]) + .jp-runnable-job-field-error'
      )
    ).toContainText("already has a job 'sweep'");
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);

    // Run now: four runs, each with its parameters and the metric it logged.
    await job.locator('[data-action="run"]').click();
    const rows = jobs.locator('.jp-runnable-job-runs-table tbody tr');
    await expect(rows).toHaveCount(4, { timeout: SWEEP_TIMEOUT });
    // Once all four ended, a failed one names its step's error (the run log says why).
    const statusCells = jobs.locator(
      '.jp-runnable-job-runs-table tbody td[data-column="status"]'
    );
    await expect
      .poll(
        async () =>
          (await statusCells.allTextContents()).filter(text =>
            /succeeded|failed|cancelled|interrupted/i.test(text)
          ).length,
        { timeout: SWEEP_TIMEOUT }
      )
      .toBe(4);
    const errors: unknown[] = [];
    for (const row of await rows.all()) {
      const runId = await row.getAttribute('data-run-id');
      const log = await readJson(
        page,
        `${tmpPath}/demo.runs/${runId}/run.json`
      );
      if (log.status !== 'succeeded') {
        errors.push(log.steps.train.attempts.at(-1)?.error ?? log.status);
      }
    }
    expect(errors).toEqual([]);
    await expect(statusCells).toHaveText(Array(4).fill('succeeded'), {
      ignoreCase: true
    });
    await expect(job.locator('.jp-runnable-jobs-outcome')).toHaveText(
      '4 succeeded',
      {
        timeout: 20000
      }
    );
    const scores = jobs.locator('td[data-column="metric:train.score"]');
    await expect(scores).toHaveCount(4);
    await expect(async () => {
      expect((await scores.allTextContents()).sort()).toEqual([
        '0.3',
        '0.5',
        '3',
        '5'
      ]);
    }).toPass({ timeout: 20000 });

    // Sorting by the metric, both ways.
    const scoreHeader = jobs.locator(
      'th[data-column="metric:train.score"] button'
    );
    await scoreHeader.click();
    await expect(scores).toHaveText(['0.3', '0.5', '3', '5']);
    await scoreHeader.click();
    await expect(scores).toHaveText(['5', '3', '0.5', '0.3']);
    await expect(
      jobs.locator('th[data-column="metric:train.score"]')
    ).toHaveAttribute('aria-sort', 'descending');

    // The chart: the metric against a parameter, one point per run.
    const chart = jobs.locator('.jp-runnable-job-chart');
    await chart.locator('select[name="parameter"]').selectOption('depth');
    await expect(chart.locator('svg')).toHaveAttribute('data-points', '4');
    await expect(chart.locator('circle')).toHaveCount(4);
    await expect(chart.locator('svg')).toHaveAttribute(
      'aria-label',
      'train.score against depth'
    );

    await page.sidebar.close('left');
    await page.sidebar.close('right');
    await page.screenshot({ path: screenshotPath('jobs.png') });

    // Export CSV: a file next to the pipeline, one line per run in the table's order.
    await jobs.locator('[data-action="export"]').click();
    const csvPath = `${tmpPath}/demo.sweep.runs.csv`;
    await expect
      .poll(async () => page.contents.fileExists(csvPath), { timeout: 20000 })
      .toBe(true);
    const csv = await page.evaluate(async path => {
      const model = await (
        window as any
      ).jupyterapp.serviceManager.contents.get(path, {
        content: true,
        format: 'text',
        type: 'file'
      });
      return model.content as string;
    }, csvPath);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'run_id,alpha,depth,train.score,status,duration_s,start'
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^[0-9T]+-[0-9a-f]{6},1,5,5,succeeded,/);

    // Compare two runs: what differs between them, side by side.
    const checks = jobs.locator(
      '.jp-runnable-job-runs-table tbody input[type="checkbox"]'
    );
    await checks.nth(0).check();
    await checks.nth(3).check();
    await jobs.locator('[data-action="compare"]').click();
    const compare = page.locator('.jp-runnable-compare-view');
    await expect(compare).toBeVisible();
    await expect(
      compare.locator('.jp-runnable-compare-runs thead th[data-run-id]')
    ).toHaveCount(2);
    const differ = compare.locator('[data-section="parameters"]');
    await expect(differ.locator('tr[data-name="alpha"]')).toContainText('1');
    await expect(differ.locator('tr[data-name="depth"] td')).toHaveText([
      '5',
      '3'
    ]);
    await expect(
      compare.locator('[data-section="metrics"] tr[data-name="train.score"] td')
    ).toHaveText(['5', '0.3']);

    // Clicking a run opens it in the run panel.
    await page
      .locator('.lm-TabBar-tab', { hasText: 'Jobs: demo.pipeline.json' })
      .click();
    const first = await rows.first().getAttribute('data-run-id');
    await rows.first().click();
    await expect(
      page.locator(
        `#${PANEL_ID} .jp-runnable-run-shown[data-run-id="${first}"]`
      )
    ).toBeVisible();

    // The run panel's history compares the runs ticked there too.
    const history = page.locator(`#${PANEL_ID} .jp-runnable-run-history`);
    const historyChecks = history.locator('.jp-runnable-run-history-check');
    // Every run the job started: from their events at once, at the latest from the panel's
    // relisting of the history (once a minute).
    await expect(historyChecks).toHaveCount(4, { timeout: 75000 });
    await historyChecks.nth(0).check();
    await historyChecks.nth(1).check();
    await history.getByRole('button', { name: 'Compare 2 runs' }).click();
    await expect(page.locator('.jp-runnable-compare-view')).toHaveCount(2);
    await expect(
      page.locator(
        '.jp-runnable-compare-view:visible .jp-runnable-compare-runs thead th[data-run-id]'
      )
    ).toHaveCount(2);

    // Deleting a job asks first; its runs stay in the history.
    await page
      .locator('.lm-TabBar-tab', { hasText: 'Jobs: demo.pipeline.json' })
      .click();
    await job.locator('[data-action="delete"]').click();
    const confirm = page.locator('.jp-Dialog');
    await expect(confirm).toContainText('Delete job sweep?');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(job).toBeVisible();
    await job.locator('[data-action="delete"]').click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(job).toHaveCount(0);
    await expect(jobs.locator('.jp-runnable-jobs-empty')).toBeVisible();
    await expect(historyChecks).toHaveCount(4);
  });
  test('a 2x2 sweep of the shipped example runs four green runs with both accuracies', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(2 * SWEEP_TIMEOUT);
    await uploadExample(page, tmpPath);
    await openPipelineFromFileBrowser(
      page,
      tmpPath,
      'wine.pipeline.json',
      'train_logreg'
    );
    await page.sidebar.openTab(PANEL_ID);
    await page.locator('.jp-runnable-run-open-jobs').click();
    const jobs = page.locator(JOBS);
    await jobs.getByRole('button', { name: 'New Job…' }).click();
    const dialog = page.locator(DIALOG);
    await expect(dialog.getByLabel('Type of C')).toHaveValue('float');
    await expect(dialog.getByLabel('Type of n_estimators')).toHaveValue('int');
    await dialog.locator('input[name="name"]').fill('models');
    await setParameter(page, 'C', '0.1, 1.0');
    await setParameter(page, 'n_estimators', '20, 60');
    // The two models' steps with their upstream: what the accuracies need (16 kernels, not 28).
    for (const step of ['train_logreg', 'train_forest']) {
      await dialog.getByRole('checkbox', { name: step, exact: true }).check();
    }
    await dialog.locator('select[name="mode"]').selectOption('upstream');
    await expect(dialog.locator('.jp-runnable-job-grid-size')).toHaveAttribute(
      'data-runs',
      '4'
    );
    await dialog.getByRole('button', { name: 'Create Job' }).click();
    const job = jobs.locator(
      '.jp-runnable-jobs-table tr[data-job-id="models"]'
    );
    await job.locator('[data-action="run"]').click();
    await expect(job.locator('.jp-runnable-jobs-outcome')).toHaveText(
      '4 succeeded',
      { timeout: 2 * SWEEP_TIMEOUT - 60 * 1000 }
    );
    for (const step of ['train_logreg', 'train_forest']) {
      const cells = jobs.locator(
        `td[data-column="metric:${step}.cv_accuracy"]`
      );
      await expect(cells).toHaveCount(4);
      for (const text of await cells.allTextContents()) {
        expect(Number(text)).toBeGreaterThan(0.5);
      }
    }
    // Each run ran just the selected steps and their upstream.
    const rows = jobs.locator('.jp-runnable-job-runs-table tbody tr');
    for (const row of await rows.all()) {
      const runId = await row.getAttribute('data-run-id');
      const log = await readJson(
        page,
        `${tmpPath}/wine.runs/${runId}/run.json`
      );
      const ran = Object.keys(log.steps).filter(
        id => log.steps[id].status === 'succeeded'
      );
      expect(ran.sort()).toEqual([
        'features',
        'load',
        'train_forest',
        'train_logreg'
      ]);
    }
  });
});
