import { expect, test } from '@jupyterlab/galata';

test.use({ autoGoto: false });

test('the plugin activates and reaches its server extension', async ({
  page
}) => {
  const errors: string[] = [];
  page.on('console', message => {
    if (
      message.type() === 'error' &&
      message.text().includes('runnable-jupyter')
    ) {
      errors.push(message.text());
    }
  });
  const versionReply = page.waitForResponse(response =>
    response.url().includes('/runnable-jupyter/api/version')
  );
  await page.goto();

  const reply = await versionReply;
  expect(reply.status()).toBe(200);
  const body = await reply.json();
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);

  expect(
    await page.evaluate(() =>
      (window as any).jupyterapp.isPluginActivated('runnable-jupyter:plugin')
    )
  ).toBe(true);
  await expect(page.locator('body')).toHaveAttribute(
    'data-runnable-jupyter-server',
    'ok'
  );
  expect(errors).toEqual([]);
});
