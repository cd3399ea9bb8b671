import type { Page } from '@playwright/test';
import { changeFlag, createPerson, expect, signIn, signedInApi, test, type Person } from './fixtures.ts';

// A product manager's flip reaching a tab that is already open, in the two ways a flag can propagate. Each test
// targets a person of its own (a user or workspace rule), so parallel tests keep seeing the flags they expect.

const snipForm = (page: Page) => page.locator('form.snip-editor');

/** Waits until the tab has read the flags snapshot that carries the flip (the stream told it; it refetched). */
const flagsRefetched = (page: Page) => page.waitForResponse((response) => response.url().includes('/api/flags?atLeast=') && response.ok());

test.describe('a flag flipped in the console reaches open tabs', () => {
  let person: Person;

  test.beforeEach(async ({ page }) => {
    person = await createPerson(page.request, 'Flag Flip');
    await signIn(page, person);
  });

  test('a live flag changes an open tab within two seconds, without a reload', async ({ page, baseURL }) => {
    const exportButton = page.getByRole('button', { name: 'Export', exact: true });
    await expect(page).toHaveURL(/\/snips$/);
    await expect(exportButton).toBeVisible();
    const pm = await signedInApi(baseURL!, 'pm@example.com');
    try {
      await changeFlag(pm, 'export-button', (targeting) => ({
        ...targeting,
        workspaces: { ...targeting.workspaces, denies: [...targeting.workspaces.denies, person.workspaceId] },
      }));
      await expect(exportButton).toBeHidden({ timeout: 2000 });
      await changeFlag(pm, 'export-button', (targeting) => ({
        ...targeting,
        workspaces: { ...targeting.workspaces, denies: targeting.workspaces.denies.filter((id) => id !== person.workspaceId) },
      }));
      await expect(exportButton).toBeVisible({ timeout: 2000 });
    } finally {
      await pm.dispose();
    }
  });

  test('a next-navigation flag waits for the next route change, never changing the page in use', async ({ page, baseURL }) => {
    await page.getByRole('link', { name: 'New snip' }).click();
    await expect(snipForm(page)).toHaveAttribute('data-layout', 'stacked');
    await page.getByLabel('Title').fill('Half-written while a flag flips');
    const pm = await signedInApi(baseURL!, 'pm@example.com');
    try {
      const refetched = flagsRefetched(page);
      await changeFlag(pm, 'snip-editor-layout', (targeting) => ({
        ...targeting,
        users: { ...targeting.users, overrides: { ...targeting.users.overrides, [person.id]: 'side-by-side' } },
      }));
      await refetched;
      // The tab holds the new value now, and still shows the form as it was, with what the user typed.
      await expect(snipForm(page)).toHaveAttribute('data-layout', 'stacked');
      await expect(page.getByLabel('Title')).toHaveValue('Half-written while a flag flips');

      await page.getByRole('navigation').getByRole('link', { name: 'Snips' }).click();
      await page.getByRole('link', { name: 'New snip' }).click();
      await expect(snipForm(page)).toHaveAttribute('data-layout', 'side-by-side');
    } finally {
      await changeFlag(pm, 'snip-editor-layout', (targeting) => {
        delete targeting.users.overrides[person.id];
        return targeting;
      });
      await pm.dispose();
    }
  });
});
