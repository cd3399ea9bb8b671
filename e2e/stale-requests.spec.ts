import type { Page, WebSocket } from '@playwright/test';
import { createSnip, expect, liveIndicator, type SavedSnip, test, uniqueTitle } from './fixtures.ts';

/** Every API request the page makes from now on ("GET /api/…"), and every error it logs to the console. */
function recordTraffic(page: Page) {
  const apiRequests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) apiRequests.push(`${request.method()} ${url.pathname}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  return { apiRequests, consoleErrors };
}

/** Opens the snip's page and waits until it has read all it reads and follows the snip live, as a reader does. */
async function openSnip(page: Page, snip: SavedSnip) {
  await page.goto(`/snips/${snip.id}`);
  await expect(page.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
  await expect(page.getByText('No comments yet.')).toBeVisible();
  await expect(page.getByLabel('Share with')).toBeEnabled();
  await expect(liveIndicator(page)).toHaveText('Live updates on');
}

test('a deleted snip is confirmed on the list, and never asked for again', async ({ page, signInAs }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Soon deleted'));
  // Its stream hears of the delete too.
  await openSnip(page, snip);

  const traffic = recordTraffic(page);
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog', { name: 'Delete this snip?' }).getByRole('button', { name: 'Delete snip' }).click();

  await expect(page).toHaveURL(/\/snips$/);
  const confirmation = page.getByRole('status').filter({ hasText: 'Snip deleted.' });
  await expect(confirmation).toBeVisible();
  await expect(page.getByRole('link', { name: snip.title })).toHaveCount(0);

  // The next action settles it; by the time its search has come back, a stale read would have gone out long before.
  const searched = page.waitForResponse((response) => new URL(response.url()).searchParams.get('q') === 'retry');
  await page.getByRole('searchbox', { name: 'Search' }).fill('retry');
  await expect(confirmation).toBeHidden();
  await searched;

  // The delete itself is the only request about the snip: no read of it (a 404), from the page or its stream.
  expect(traffic.apiRequests.filter((request) => request.includes(snip.id))).toEqual([`DELETE /api/snips/${snip.id}`]);
  expect(traffic.consoleErrors).toEqual([]);
});

test('signing out from a snip asks the API for nothing but the sign-out and a fresh session', async ({ page, signInAs }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Open at sign-out'));
  const sockets: WebSocket[] = [];
  page.on('websocket', (socket) => sockets.push(socket));
  await openSnip(page, snip);

  const traffic = recordTraffic(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Snipdesk' })).toBeVisible();
  await expect.poll(() => sockets.every((socket) => socket.isClosed()), { message: 'the live socket closes' }).toBe(true);

  // Legitimate: the sign-out itself, the sign-in page reading the (now empty) session for a fresh CSRF token, and the
  // flags of someone signed out, which the root route reads before the sign-in page renders. Anything else would be
  // the signed-in pages reading their data without a session: a 401 in the console.
  expect([...traffic.apiRequests].sort()).toEqual(['DELETE /api/session', 'GET /api/flags', 'GET /api/session']);
  expect(traffic.consoleErrors).toEqual([]);
});

test('switching workspaces from a snip asks nothing more of that snip', async ({ page, signInAs }) => {
  await signInAs('owner');
  const snip = await createSnip(page, uniqueTitle('Open at the switch'));
  await openSnip(page, snip);

  const traffic = recordTraffic(page);
  await page.getByRole('combobox', { name: 'Workspace' }).selectOption({ label: 'Globex' });
  await page.getByRole('button', { name: 'Switch to Globex' }).click();
  await expect(page).toHaveURL(/\/snips$/);
  await expect(page.getByRole('list', { name: 'Snips' }).getByRole('link', { name: 'Globex deploy config' })).toBeVisible();
  // The snip is Acme's: read from Globex it would be a 404.
  expect(traffic.apiRequests.filter((request) => request.includes(snip.id))).toEqual([]);
  expect(traffic.consoleErrors).toEqual([]);
});
