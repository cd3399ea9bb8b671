import { request as playwrightRequest } from '@playwright/test';
import { createSnip, csrfTokenOf, demoPassword, demoUsers, expect, expiredBanner, expireSession, type SavedSnip, signInDialog, test, uniqueTitle } from './fixtures.ts';

/** A snip as `user` sees it now, through a request context of its own (its own session). */
async function readSnipAs(baseURL: string, user: string, id: string): Promise<SavedSnip> {
  const api = await playwrightRequest.newContext({ baseURL });
  try {
    const signedIn = await api.post('/api/session', {
      headers: { 'x-csrf-token': await csrfTokenOf(api) },
      data: { email: user, password: demoPassword },
    });
    expect(signedIn.ok()).toBe(true);
    const response = await api.get(`/api/snips/${id}`);
    expect(response.ok()).toBe(true);
    return (await response.json()) as SavedSnip;
  } finally {
    await api.dispose();
  }
}


test('a save that meets an expired session waits for signing in again in place, then lands exactly once', async ({ page, signInAs }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Expiry'), 'The first version.\n'.repeat(40));
  const editedTitle = `${snip.title} (edited)`;

  await page.goto(`/snips/${snip.id}/edit`);
  await expect(page.getByRole('heading', { name: 'Edit snip' })).toBeVisible();
  await page.getByLabel('Title').fill(editedTitle);
  await page.getByLabel('Body').fill('Typed while the session ran out.\n'.repeat(40));
  const saveButton = page.getByRole('button', { name: 'Save changes' });
  // Scrolled down to the button, as someone finishing an edit is: the banner must not move the page.
  await saveButton.scrollIntoViewIfNeeded();
  const scrollBefore = await page.evaluate(() => window.scrollY);
  expect(scrollBefore).toBeGreaterThan(0);
  const editUrl = page.url();

  await expireSession(page);
  await saveButton.click();

  // The banner, over the page as it was: same address, same input, same scroll, the save still pending.
  await expect(expiredBanner(page)).toBeVisible();
  expect(page.url()).toBe(editUrl);
  await expect(page.getByLabel('Title')).toHaveValue(editedTitle);
  await expect(page.getByLabel('Body')).toHaveValue('Typed while the session ran out.\n'.repeat(40));
  await expect(saveButton).toHaveAttribute('aria-busy', 'true');
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);

  // Signing in again happens in a dialog, not on another page.
  await expiredBanner(page).getByRole('button', { name: 'Sign in' }).click();
  const dialog = signInDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Email')).toHaveValue(demoUsers.member);
  await expect(dialog.getByLabel('Password')).toBeFocused();
  await dialog.getByLabel('Password').fill(demoPassword);
  await dialog.getByRole('button', { name: 'Sign in' }).click();

  // The held save goes out by itself and the editor moves on to the saved snip, as after any save.
  await expect(page.getByRole('heading', { level: 1, name: editedTitle })).toBeVisible();
  await expect(expiredBanner(page)).toHaveCount(0);
  await expect(dialog).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`/snips/${snip.id}$`));

  const saved = (await (await page.request.get(`/api/snips/${snip.id}`)).json()) as SavedSnip;
  expect(saved.title).toBe(editedTitle);
  expect(saved.version).toBe(snip.version + 1);
});

test('a wrong password keeps the dialog open; Cancel keeps the banner and the page', async ({ page, signInAs }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Expiry cancel'), 'The first version.\n'.repeat(40));
  await page.goto(`/snips/${snip.id}/edit`);
  await page.getByLabel('Title').fill(`${snip.title} (draft)`);
  await expireSession(page);
  await page.getByRole('button', { name: 'Save changes' }).click();

  const openDialog = expiredBanner(page).getByRole('button', { name: 'Sign in' });
  await openDialog.click();
  const dialog = signInDialog(page);
  await dialog.getByLabel('Password').fill('not-the-password');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog.getByRole('alert')).toContainText('do not match');
  await expect(dialog.getByLabel('Password')).toBeFocused();

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(openDialog).toBeFocused();
  await expect(expiredBanner(page)).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue(`${snip.title} (draft)`);

  // Still possible afterwards, and the save still lands once.
  await openDialog.click();
  await dialog.getByLabel('Password').fill(demoPassword);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${snip.title} (draft)` })).toBeVisible();
  const saved = (await (await page.request.get(`/api/snips/${snip.id}`)).json()) as SavedSnip;
  expect(saved.version).toBe(snip.version + 1);
});

test('signing in as someone else in the dialog drops the held save and starts over in their workspace', async ({ page, signInAs, baseURL }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Expiry switch'), 'The first version.\n'.repeat(40));
  await page.goto(`/snips/${snip.id}/edit`);
  await page.getByLabel('Title').fill(`${snip.title} (never saved)`);
  await expireSession(page);
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expiredBanner(page).getByRole('button', { name: 'Sign in' }).click();
  const dialog = signInDialog(page);
  await dialog.getByLabel('Email').fill(demoUsers.outsider);
  await expect(dialog).toContainText('Signing in as someone else');
  await dialog.getByLabel('Password').fill(demoPassword);
  await dialog.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(/\/snips$/);
  const header = page.getByRole('banner');
  await expect(header).toContainText(demoUsers.outsider);
  await expect(header).toContainText('Globex');
  await expect(expiredBanner(page)).toHaveCount(0);

  const unchanged = await readSnipAs(baseURL ?? '', demoUsers.member, snip.id);
  expect(unchanged).toMatchObject({ title: snip.title, version: snip.version });
});
