import { exclusively } from './exclusive.ts';
import { bell, createSnip, expect, expectWithinTheScreen, test, uniqueTitle } from './fixtures.ts';

// Using Snipdesk on a phone (390×844): the notification panel and the members table fit the screen, and nothing in
// them is cut off or hidden (the header at every width: header-layout.spec.ts).

test.use({ viewport: { width: 390, height: 844 } });

test('on a phone the notification panel opens inside the screen, its notifications whole, and stays inside at wider widths', async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('owner');
  const snip = await createSnip(page, uniqueTitle('A title long enough to fold a notification onto several lines'));
  const member = await signedInElsewhere('member');
  await member.goto(`/snips/${snip.id}`);
  // A comment on the owner's snip moves the owner's unread count, which other journeys count.
  await exclusively('notifications-of-owner', async () => {
    await member.getByLabel('Add a comment').fill('Read on a phone.');
    await member.getByRole('button', { name: 'Comment' }).click();
    await expect(member.getByText('Read on a phone.')).toBeVisible();
  });

  await bell(page).click();
  const panel = page.getByRole('dialog', { name: 'Notifications' });
  const notification = panel.getByRole('link', { name: `Unread: Max Member commented on “${snip.title}”` });
  await expect(notification).toBeVisible();
  await expectWithinTheScreen(page, panel);
  const panelBox = (await panel.boundingBox())!;
  for (const item of await panel.getByRole('listitem').all()) {
    const box = (await item.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(panelBox.x);
    expect(box.x + box.width).toBeLessThanOrEqual(panelBox.x + panelBox.width);
    expect(await item.evaluate((element) => element.scrollWidth - element.clientWidth), 'clipped sideways').toBe(0);
  }
  // Where the header has two rows the bell is not at its right edge either; on a desktop it is.
  for (const width of [641, 800, 1040, 1280]) {
    await page.setViewportSize({ width, height: 844 });
    await expectWithinTheScreen(page, panel);
  }
});

test('on a phone the members table shows every member’s details and Remove button', async ({ page, signInAs }) => {
  await signInAs('owner');
  await page.goto('/members');
  const table = page.getByRole('table', { name: 'Members of Acme' });
  const rows = table.getByRole('row').filter({ has: page.getByRole('rowheader') });
  await expect(rows.filter({ hasText: 'viewer@example.com' })).toBeVisible();

  for (const row of await rows.all()) {
    await expectWithinTheScreen(page, row.getByRole('rowheader'));
    // Email, role and joined; the owner's own row has no Remove button, so an empty cell.
    const cells = await row.getByRole('cell').filter({ hasText: /\S/ }).all();
    expect(cells.length).toBeGreaterThanOrEqual(3);
    for (const cell of cells) await expectWithinTheScreen(page, cell);
  }
  for (const email of ['member@example.com', 'pm@example.com', 'viewer@example.com']) {
    await expectWithinTheScreen(page, rows.filter({ hasText: email }).getByRole('button', { name: /^Remove/ }));
  }
});
