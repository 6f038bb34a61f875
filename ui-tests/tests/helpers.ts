/**
 * Set-up and locators shared by the UI tests: notebooks and pipelines placed through the
 * contents API, the pipeline opened in its editor, the graph's nodes and the run panel's rows.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

/**
 * Where a test saves a screenshot: `ui-tests/screenshots-out/` (ignored by git), so that tests
 * never change tracked files; `make screenshots` copies them to docs/screenshots/ for the README.
 */
export function screenshotPath(name: string): string {
  return `screenshots-out/${name}`;
}

/** How long a step of a real run (kernel start included) may take to reach a status. */
export const RUN_TIMEOUT = 60 * 1000;
export const PANEL_ID = 'jp-runnable-run-panel';
export const EDITOR = '.jp-runnable-PipelineEditor';

/**
 * A notebook with one code cell per source, runnable by papermill (kernelspec + language);
 * `parametersCell` tags the first cell `parameters` (papermill injects run parameters after it).
 */
export function notebook(sources: string[], parametersCell = false): string {
  return JSON.stringify({
    cells: sources.map((source, index) => ({
      id: `cell-${index}`,
      cell_type: 'code',
      execution_count: null,
      metadata: parametersCell && index === 0 ? { tags: ['parameters'] } : {},
      outputs: [],
      source
    })),
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

export async function uploadNotebook(
  page: IJupyterLabPageFixture,
  path: string,
  sources: string[],
  parametersCell = false
): Promise<void> {
  await page.contents.uploadContent(
    notebook(sources, parametersCell),
    'text',
    path
  );
}

/** Trivial notebooks (`x = 1`), one per file name, in `folder`. */
export async function uploadNotebooks(
  page: IJupyterLabPageFixture,
  folder: string,
  fileNames: string[]
): Promise<void> {
  for (const fileName of fileNames) {
    await uploadNotebook(page, `${folder}/${fileName}`, ['x = 1']);
  }
}

/** Write a pipeline file (an object, written as JSON). */
export async function uploadPipeline(
  page: IJupyterLabPageFixture,
  path: string,
  pipeline: object
): Promise<void> {
  await page.contents.uploadContent(
    JSON.stringify(pipeline, null, 2),
    'text',
    path
  );
}

/** A step of `uploadChain`: its id, also its notebook's name (`<id>.ipynb`), and its cells. */
export interface IChainStep {
  id: string;
  sources: string[];
}

/**
 * The set-up of most run tests: one notebook per step and a pipeline file (`fileName` in
 * `folder`, with the `pipeline` fields given) running them in a row, each step depending on the
 * one before it, laid out left to right. Returns the pipeline file's path.
 */
export async function uploadChain(
  page: IJupyterLabPageFixture,
  folder: string,
  fileName: string,
  steps: IChainStep[],
  pipeline: object = {}
): Promise<string> {
  for (const step of steps) {
    await uploadNotebook(page, `${folder}/${step.id}.ipynb`, step.sources);
  }
  const path = `${folder}/${fileName}`;
  await uploadPipeline(page, path, {
    version: 1,
    ...pipeline,
    steps: steps.map((step, index) => ({
      id: step.id,
      notebook: `${step.id}.ipynb`,
      ...(index > 0 ? { depends_on: [steps[index - 1].id] } : {}),
      position: { x: index * 300, y: 0 }
    }))
  });
  return path;
}

/** A file's JSON content, read through the contents API. */
export async function readJson(
  page: IJupyterLabPageFixture,
  path: string
): Promise<any> {
  const text = await page.evaluate(async filePath => {
    const model = await (window as any).jupyterapp.serviceManager.contents.get(
      filePath,
      {
        content: true,
        format: 'text',
        type: 'file'
      }
    );
    return model.content as string;
  }, path);
  return JSON.parse(text);
}

/** Open a pipeline file with the default factory (the pipeline editor). */
export async function openPipeline(
  page: IJupyterLabPageFixture,
  path: string
): Promise<void> {
  await page.evaluate(async filePath => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', {
      path: filePath
    });
  }, path);
  await expect(page.locator(EDITOR)).toBeVisible();
}

/** Open a pipeline as a user does: double-click in the file browser, until `stepId` shows. */
export async function openPipelineFromFileBrowser(
  page: IJupyterLabPageFixture,
  folder: string,
  fileName: string,
  stepId: string
): Promise<void> {
  await page.filebrowser.openDirectory(folder);
  await page.locator('.jp-DirListing-item', { hasText: fileName }).dblclick();
  await expect(graphNode(page, stepId)).toBeVisible({ timeout: 20000 });
}

export function graphNode(
  page: IJupyterLabPageFixture,
  stepId: string
): Locator {
  return page.locator(
    `.jp-runnable-PipelineEditorWidget .jp-runnable-node[data-step-id="${stepId}"]`
  );
}

export function panelRow(
  page: IJupyterLabPageFixture,
  stepId: string
): Locator {
  return page.locator(
    `#${PANEL_ID} .jp-runnable-run-step[data-step-id="${stepId}"]`
  );
}

export function panelButton(
  page: IJupyterLabPageFixture,
  command: string
): Locator {
  return page.locator(
    `#${PANEL_ID} button[data-command="runnable-jupyter:${command}"]`
  );
}

/** "Run All" from the run panel, accepting its confirmation dialog. */
export async function runAll(page: IJupyterLabPageFixture): Promise<void> {
  await panelButton(page, 'run-all').click();
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
}

/** Wait until a graph node or panel row shows `status` (a run reaching it). */
export async function expectStatus(
  element: Locator,
  status: string | RegExp,
  timeout = RUN_TIMEOUT
): Promise<void> {
  await expect(element).toHaveAttribute('data-status', status, { timeout });
}

/**
 * Wait until the pipeline graph is at rest: its viewport transform, its drawn nodes and its edge
 * paths unchanged for 10 animation frames (a zoom, pan or fit animation ended, nodes measured).
 * Rejects if the graph is still moving after 10 s.
 */
export async function graphAtRest(page: IJupyterLabPageFixture): Promise<void> {
  await page.locator(`${EDITOR} .react-flow__viewport`).evaluate(
    viewport =>
      new Promise<void>((resolve, reject) => {
        const started = performance.now();
        let last = '';
        let still = 0;
        const check = () => {
          const edges = Array.from(
            viewport.querySelectorAll('path.react-flow__edge-path'),
            path => path.getAttribute('d')
          );
          const now = [
            (viewport as HTMLElement).style.transform,
            viewport.querySelectorAll('.react-flow__node').length,
            edges.join(' ')
          ].join('|');
          still = now === last ? still + 1 : 0;
          last = now;
          if (still >= 10) {
            resolve();
          } else if (performance.now() - started > 10000) {
            reject(new Error('The graph was still moving after 10 s.'));
          } else {
            requestAnimationFrame(check);
          }
        };
        requestAnimationFrame(check);
      })
  );
}

/** The current main-area tab (it has `jp-mod-dirty` while its document is unsaved). */
export function currentTab(page: IJupyterLabPageFixture): Locator {
  return page.locator('.lm-TabBar-tab.jp-mod-current');
}

/** Save the current document with the keyboard and wait until it is clean. */
export async function saveCurrent(page: IJupyterLabPageFixture): Promise<void> {
  await page.keyboard.press('Control+s');
  await expect(currentTab(page)).not.toHaveClass(/jp-mod-dirty/);
}

/**
 * A generated pipeline of `size` one-notebook steps (`step.ipynb`) in columns of `width`, each
 * step depending on the one left of it, with saved positions (no layout needed).
 */
export function layeredPipeline(size: number, width: number): object {
  const id = (index: number) => `step_${String(index).padStart(4, '0')}`;
  return {
    version: 1,
    steps: Array.from({ length: size }, (_, index) => ({
      id: id(index),
      notebook: 'step.ipynb',
      ...(index >= width ? { depends_on: [id(index - width)] } : {}),
      position: {
        x: Math.floor(index / width) * 300,
        y: (index % width) * 120
      }
    }))
  };
}
