import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, signIn, test } from './fixtures.ts';

// QA's forced flag values (`withFlags`), the first paint with a flag on, and the server-only flags that must never
// reach the browser.

test('withFlags changes what this session sees and nobody else’s, and the default never paints first', async ({ page, signInAs, withFlags, signedInElsewhere }) => {
  // Records every layout the editor form ever had in this tab, from the first paint of every document.
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { layoutsSeen: string[] }).layoutsSeen = []);
    new MutationObserver(() => {
      for (const form of document.querySelectorAll('form[data-layout]')) seen.push(form.getAttribute('data-layout')!);
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-layout'] });
  });
  await signInAs('member');
  await withFlags({ 'snip-editor-layout': 'side-by-side' });

  await page.goto('/');
  await page.getByRole('link', { name: 'New snip' }).click();
  await expect(page.locator('form.snip-editor')).toHaveAttribute('data-layout', 'side-by-side');
  await page.reload();
  await expect(page.locator('form.snip-editor')).toHaveAttribute('data-layout', 'side-by-side');
  expect(await page.evaluate(() => (window as unknown as { layoutsSeen: string[] }).layoutsSeen)).not.toContain('stacked');

  const flags = await (await page.request.get('/api/flags')).json();
  expect(flags.flags['snip-editor-layout']).toMatchObject({ value: 'side-by-side', reason: 'qa-override' });

  // The same person in another browser, at the same time: no override there.
  const elsewhere = await signedInElsewhere('member');
  await elsewhere.getByRole('link', { name: 'New snip' }).click();
  await expect(elsewhere.locator('form.snip-editor')).toHaveAttribute('data-layout', 'stacked');
});

test('the dev panel shows each client flag with its value and why', async ({ page, withFlags }) => {
  await signIn(page, 'member');
  await withFlags({ 'snips-page-size': 50 });
  await page.goto('/dev/flags');
  const row = page.getByRole('row', { name: /snips-page-size/ });
  await expect(row).toContainText('50');
  await expect(row).toContainText(/qa.override/i);
  await expect(page.getByRole('row', { name: /export-read-batch-size/ })).toHaveCount(0);
});

test('server-only flags reach neither the flags snapshot nor the JavaScript the browser loads', async ({ page }) => {
  await signIn(page, 'pm');
  const snapshot = await (await page.request.get('/api/flags')).text();
  expect(snapshot).toContain('snips-page-size');
  expect(snapshot).not.toContain('export-read-batch-size');

  // The build this run serves (playwright.config.ts builds it per port).
  const assets = resolve(`dist/e2e-${process.env.E2E_PORT ?? 4173}`, 'assets');
  const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(0);
  for (const name of scripts) expect(readFileSync(resolve(assets, name), 'utf8'), name).not.toContain('export-read-batch-size');
});
