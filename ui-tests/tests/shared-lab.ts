/**
 * One JupyterLab page per Playwright worker, shared by the tests of every spec file that imports
 * `test` from here instead of from galata.
 *
 * Why: loading JupyterLab costs a test about 7 CPU-s and 4 s (measured with plain Playwright too,
 * with a new or a reused browser context), more than most tests' own work. What stays isolated:
 * each test still has its own server folder (galata's `tmpPath`), and before each test the page
 * is put back to the state of a lab just loaded there: no dialog or menu, no document open but a
 * Launcher, no notification, the file browser showing `tmpPath`, the right side bar collapsed,
 * the test's viewport. Kernels and sessions the page started are shut down after each test, as
 * galata does. A failed test ends its worker (Playwright's rule), so the next test, and the retry,
 * start on a new page: a leak can only come from tests that pass, so a test that changes a
 * setting sets it back before it ends.
 *
 * Not for tests that load the page themselves (activation.spec.ts) or need other mocked settings
 * (run-output.spec.ts): they keep galata's page.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test as base
} from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

/** The page and the kernels, sessions and terminals it started (galata's trackers). */
type SharedLab = Awaited<ReturnType<typeof galata.newPage>>;

/** Galata's own readiness check: the splash screen gone and the Launcher active. */
async function applicationReady(page: Page, lab: any): Promise<void> {
  await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
  await lab.waitForCondition(() => lab.activity.isTabActive('Launcher'));
}

/**
 * Close what a test left: menus, dialogs, documents (disposed, not closed: closing a modified
 * document would ask whether to save it) and notifications.
 */
async function closeEverything(page: IJupyterLabPageFixture): Promise<void> {
  for (
    let presses = 0;
    presses < 5 && (await page.locator('.jp-Dialog, .lm-Menu').count()) > 0;
    presses++
  ) {
    await page.keyboard.press('Escape');
  }
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    for (const widget of Array.from(app.shell.widgets('main')) as any[]) {
      widget.dispose();
    }
    await app.commands.execute('apputils:dismiss-notification');
  });
}

/** Put the shared page back to the state of a lab just loaded on `folder`. */
async function resetLab(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<void> {
  await closeEverything(page);
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  await page.evaluate(async path => {
    const app = (window as any).jupyterapp;
    app.shell.collapseRight();
    app.shell.activateById('filebrowser');
    await app.commands.execute('filebrowser:go-to-path', { path });
  }, folder);
  // JupyterLab opens a Launcher itself when the main area empties.
  await expect(page.locator('.jp-Launcher')).toHaveCount(1);
  await expect(page.locator('.Toastify__toast')).toHaveCount(0);
}

// galata types its `page` fixture loosely (it overrides Playwright's own); so does this file.
// @ts-ignore
export const test = base.extend<object, { sharedLab: SharedLab }>({
  sharedLab: [
    async ({ browser }, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      const lab = await galata.newPage({
        autoGoto: false,
        baseURL,
        browser,
        waitForApplication: applicationReady
      });
      await lab.page.goto('?reset'); // galata's own autoGoto opens `tree/${tmpPath}`
      await use(lab);
      await lab.page.context().close();
    },
    { scope: 'worker' }
  ],
  // @ts-ignore
  page: async ({ sharedLab, tmpPath, viewport, request }, use) => {
    const { page } = sharedLab;
    if (viewport) {
      await page.setViewportSize(viewport);
    }
    await resetLab(page, tmpPath);
    await use(page);
    // Out of the test's folder before galata deletes it, or a later refresh of the file browser
    // or a reload of a document in it fails, in a dialog.
    await closeEverything(page);
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('filebrowser:go-to-path', {
        path: '',
        dontShowBrowser: true
      })
    );
    for (const [runners, type] of [
      [sharedLab.sessions, 'sessions'],
      [sharedLab.kernels, 'kernels']
    ] as const) {
      if (runners && runners.size > 0) {
        await galata.Mock.clearRunners(request, [...runners.keys()], type);
        runners.clear();
      }
    }
  }
});
