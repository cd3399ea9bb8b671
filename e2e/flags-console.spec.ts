import { changeFlag, createPerson, expect, expectWithinTheScreen, signIn, signedInApi, test } from './fixtures.ts';

// The flags console as a product manager uses it: from the front door to a saved, audited change whose blast radius
// the confirmation stated. The change targets a person of the test's own, so no other test's flags move.

test('a product manager changes a flag with a reason, sees its blast radius, and finds it in the audit log', async ({ page, baseURL }) => {
  const person = await createPerson(page.request, 'Console Target');
  await signIn(page, 'pm');
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flags' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Feature flags' })).toBeVisible();
  await page.getByRole('link', { name: 'snips-page-size' }).click();

  const people = page.getByRole('group', { name: 'Rules for people' });
  await people.getByLabel('User id').fill(person.id);
  await people.getByRole('spinbutton', { name: 'Value' }).fill('50');
  await people.getByRole('button', { name: 'Add override' }).click();
  await expect(people.getByLabel(`Value for user ${person.id}`)).toHaveValue('50');

  const reason = `Larger pages for ${person.name}, end-to-end ${Date.now()}`;
  await page.getByLabel('Reason for this change').fill(reason);
  await page.getByRole('button', { name: 'Save change…' }).click();
  const confirmation = page.getByRole('alertdialog');
  await expect(confirmation).toContainText('Sets it to 50 for 1 more user in 1 workspace.');
  await expect(confirmation).toContainText(reason);
  await confirmation.getByRole('button', { name: 'Save change' }).click();
  await expect(confirmation).toBeHidden();

  const audit = page.getByRole('list', { name: 'Audit log' }).getByRole('listitem').filter({ hasText: reason });
  await expect(audit).toContainText('Pat Product');
  // The person gets it now.
  const theirs = await signedInApi(baseURL!, person.email);
  try {
    const flags = await (await theirs.get('/api/flags')).json();
    expect(flags.flags['snips-page-size']).toMatchObject({ value: 50, reason: 'override', rule: 'user-override' });
  } finally {
    await theirs.dispose();
  }
  const pm = await signedInApi(baseURL!, 'pm@example.com');
  try {
    await changeFlag(pm, 'snips-page-size', (targeting) => {
      delete targeting.users.overrides[person.id];
      return targeting;
    });
  } finally {
    await pm.dispose();
  }
});

test('members cannot open the console: no link, and its address is not found', async ({ page }) => {
  await signIn(page, 'member');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flags' })).toHaveCount(0);
  await page.goto('/admin/flags');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Feature flags' })).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the console fits the screen and is worked by keyboard', async ({ page }) => {
    await signIn(page, 'pm');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flags' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Feature flags' })).toBeVisible();
    await page.getByRole('link', { name: 'live-presence' }).focus();
    await page.keyboard.press('Enter');
    const reason = page.getByLabel('Reason for this change');
    await expectWithinTheScreen(page, reason);
    await expectWithinTheScreen(page, page.getByRole('button', { name: 'Save change…' }));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
