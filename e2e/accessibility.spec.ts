import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { exclusively } from './exclusive.ts';
import { bell, createSnip, csrfTokenOf, expect, expiredBanner, expireSession, signInDialog, test, uniqueTitle, unknownEmail } from './fixtures.ts';

// An axe scan of every page in its main states, on a desktop screen and on a phone. Serious and critical
// violations fail the test; each state is scanned and reported, so one run lists everything there is to fix.

const viewports = {
  desktop: { width: 1280, height: 720 },
  phone: { width: 390, height: 844 },
};

/** A snip whose lines are far wider than any screen, so its code block has to scroll (or wrap). */
const longLinesBody = [
  'export function describe(items: readonly string[]): string {',
  `  return items.map((item, index) => \`\${index + 1}. \${item}\`).join('; ') + ${JSON.stringify('x'.repeat(160))};`,
  '}',
].join('\n');

/**
 * Resolves once the transitions and entrance animations in progress have ended, so colours are read as they end up
 * (spinners run forever: not those; one cancelled on the way has ended too).
 */
async function animationsSettled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/** Scans the page as it is now; serious and critical violations are reported against `state`, one line each. */
async function scan(page: Page, state: string): Promise<void> {
  await animationsSettled(page);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} — at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  expect.soft(blocking, `serious or critical axe violations on ${state}`).toEqual([]);
}

for (const [screen, viewport] of Object.entries(viewports)) {
  test.describe(`on a ${screen} screen`, () => {
    test.use({ viewport });

    test('signing in and reading a public snip, signed out, have no serious accessibility problems', async ({ page, signInPage, signedInElsewhere }) => {
      await signInPage.goto();
      await scan(page, 'the sign-in page');

      await signInPage.submitCredentials(unknownEmail(), 'not-the-password');
      await expect(page.getByRole('alert')).toBeVisible();
      await scan(page, 'the sign-in page after a failed sign-in');

      const member = await signedInElsewhere('member');
      const snip = await createSnip(member, uniqueTitle('Public long lines'), longLinesBody, 'public');
      await page.goto(`/s/${snip.publicSlug}`);
      await expect(page.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
      await scan(page, 'a public snip page');
    });

    test('the snips list, a snip with long lines, its confirm dialog and the notification panel have no serious accessibility problems', async ({
      page,
      signInAs,
    }) => {
      await signInAs('owner');
      await expect(page.getByRole('list', { name: 'Snips' })).toBeVisible();
      await scan(page, 'the snips list');

      await page.goto('/snips?q=nothing-is-called-this');
      await expect(page.getByText('No snips match')).toBeVisible();
      await scan(page, 'the snips list with a search that finds nothing');

      const snip = await createSnip(page, uniqueTitle('Long lines'), longLinesBody);
      await page.goto(`/snips/${snip.id}`);
      await expect(page.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
      await scan(page, 'a snip page');

      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Delete this snip?' });
      await expect(dialog).toBeVisible();
      await scan(page, 'the confirm dialog');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toBeHidden();

      await bell(page).click();
      await expect(page.getByRole('dialog', { name: 'Notifications' })).toBeVisible();
      await scan(page, 'the notification panel');
    });

    test('writing and editing a snip, with field errors and a session that ends, have no serious accessibility problems', async ({ page, signInAs }) => {
      await signInAs('owner');
      await page.goto('/snips/new');
      await expect(page.getByRole('heading', { level: 1, name: 'New snip' })).toBeVisible();
      await scan(page, 'the new snip page');
      await page.getByRole('button', { name: 'Create snip' }).click();
      await expect(page.getByText('Please fix the highlighted fields.')).toBeVisible();
      await scan(page, 'the new snip page after a failed save');

      const snip = await createSnip(page, uniqueTitle('To edit'), longLinesBody);
      await page.goto(`/snips/${snip.id}/edit`);
      await expect(page.getByRole('heading', { level: 1, name: 'Edit snip' })).toBeVisible();
      await scan(page, 'the edit snip page');
      await page.getByLabel('Title').fill('');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect(page.getByText('Please fix the highlighted fields.')).toBeVisible();
      await scan(page, 'the edit snip page after a failed save');

      // The session ends mid-edit (the live socket hears of it): the banner over the kept page, then the dialog that
      // signs in again.
      await expireSession(page);
      await expect(expiredBanner(page)).toBeVisible();
      await scan(page, 'the session-expired banner');
      await expiredBanner(page).getByRole('button', { name: 'Sign in' }).click();
      await expect(signInDialog(page)).toBeVisible();
      await scan(page, 'the sign-in-again dialog');
    });

    test('the members page, the exports, a job and the not-found page have no serious accessibility problems', async ({ page, signInAs }) => {
      await signInAs('owner');
      await page.goto('/members');
      await expect(page.getByRole('heading', { level: 2, name: 'Add a member' })).toBeVisible();
      await scan(page, 'the members page');

      // A finished export notifies the owner, whose unread count other journeys count.
      await exclusively('notifications-of-owner', async () => {
        const response = await page.request.post('/api/exports', {
          headers: { 'x-csrf-token': await csrfTokenOf(page.request) },
          data: { filters: {} },
        });
        expect(response.status()).toBe(202);
        const { id } = (await response.json()) as { id: string };
        await page.goto(`/jobs/${id}`);
        await expect(page.getByText(/^Status:/)).toHaveText('Status: Ready');
      });
      await scan(page, 'a job page');

      await page.goto('/jobs');
      await expect(page.getByRole('list', { name: 'Exports' }).getByRole('link', { name: /^Export started/ }).first()).toBeVisible();
      await scan(page, 'the exports page');

      await page.goto('/no/such/page');
      await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
      await scan(page, 'the not-found page');
    });

    test('the flags console, its confirmation and the flags dev panel have no serious accessibility problems', async ({ page, signInAs }) => {
      await signInAs('pm');
      await page.goto('/admin/flags');
      await expect(page.getByRole('heading', { level: 1, name: 'Feature flags' })).toBeVisible();
      await scan(page, 'the flags console');

      await page.getByRole('link', { name: 'snip-editor-layout' }).click();
      await expect(page.getByRole('heading', { level: 2, name: 'Audit log' })).toBeVisible();
      await scan(page, 'a flag’s page');

      // A change, cancelled at its confirmation: the dialog is scanned, nothing is saved.
      const people = page.getByRole('group', { name: 'Rules for people' });
      await people.getByLabel('User id').fill(crypto.randomUUID());
      await people.getByRole('button', { name: 'Add override' }).click();
      await page.getByLabel('Reason for this change').fill('Scanning the confirmation');
      await page.getByRole('button', { name: 'Save change…' }).click();
      await expect(page.getByRole('alertdialog')).toBeVisible();
      await scan(page, 'a flag change’s confirmation');
      await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();

      await page.goto('/dev/flags');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await scan(page, 'the flags dev panel');
    });
  });
}
