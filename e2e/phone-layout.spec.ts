import type { Locator, Page } from '@playwright/test';
import { exclusively } from './exclusive.ts';
import { bell, createSnip, expect, expireSession, liveIndicator, test, uniqueTitle } from './fixtures.ts';

// Using Snipdesk on a phone (390×844): the header, the notification panel and the members table fit the screen,
// and nothing in them is cut off or hidden.

const phone = { width: 390, height: 844 };
test.use({ viewport: phone });

/** Fails unless all of `element` shows, from its left edge to its right, inside the screen's width. */
async function expectAcrossTheScreen(element: Locator): Promise<void> {
  await expect(element).toBeVisible();
  const box = (await element.boundingBox())!;
  expect(box.x, 'left edge').toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, 'right edge').toBeLessThanOrEqual(phone.width);
}

/** How many rows the header's parts take: a part starts a new row when it is below everything in the row before. */
async function headerRows(page: Page): Promise<number> {
  const header = page.getByRole('banner');
  const parts = [
    header.getByRole('link', { name: 'Snipdesk' }),
    header.getByRole('combobox', { name: 'Workspace' }),
    header.getByRole('navigation', { name: 'Main' }),
    liveIndicator(page),
    bell(page),
    header.getByRole('button', { name: 'Sign out' }),
  ];
  const boxes = [];
  for (const part of parts) {
    await expectAcrossTheScreen(part);
    boxes.push((await part.boundingBox())!);
  }
  boxes.sort((a, b) => a.y - b.y);
  let rows = 0;
  let rowBottom = -Infinity;
  for (const box of boxes) {
    if (box.y >= rowBottom) rows += 1;
    rowBottom = Math.max(rowBottom, box.y + box.height);
  }
  return rows;
}

/** Fails unless the live status's words (the dot aside) are drawn, and drawn whole inside it. */
async function expectStatusWordsShown(page: Page): Promise<void> {
  const words = await liveIndicator(page).evaluate((status) => {
    const text = [...status.childNodes].find((node) => node.nodeType === Node.TEXT_NODE)!;
    const range = document.createRange();
    range.selectNodeContents(text);
    const drawn = range.getBoundingClientRect();
    const box = status.getBoundingClientRect();
    return { width: drawn.width, inside: drawn.left >= box.left && drawn.right <= box.right, cutOff: status.scrollWidth > status.clientWidth };
  });
  expect(words.width, 'width of the words').toBeGreaterThan(0);
  expect(words.inside, 'words inside the status').toBe(true);
  expect(words.cutOff, 'words cut off').toBe(false);
}

test('on a phone the header takes two rows and the live status shows its words, live or paused', async ({ page, signInAs }) => {
  await signInAs('owner');
  await expect(liveIndicator(page)).toHaveText('Live updates on');
  expect(await headerRows(page)).toBeLessThanOrEqual(2);
  await expectStatusWordsShown(page);

  // The longest thing the status says.
  await expireSession(page);
  await expect(liveIndicator(page)).toHaveText('Offline — live updates paused');
  expect(await headerRows(page)).toBeLessThanOrEqual(2);
  await expectStatusWordsShown(page);
});

test('on a phone the notification panel opens inside the screen, its notifications whole', async ({ page, signInAs, signedInElsewhere }) => {
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
  await expectAcrossTheScreen(panel);
  const panelBox = (await panel.boundingBox())!;
  for (const item of await panel.getByRole('listitem').all()) {
    const box = (await item.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(panelBox.x);
    expect(box.x + box.width).toBeLessThanOrEqual(panelBox.x + panelBox.width);
    expect(await item.evaluate((element) => element.scrollWidth - element.clientWidth), 'clipped sideways').toBe(0);
  }
});

test('on a phone the members table shows every member’s details and Remove button', async ({ page, signInAs }) => {
  await signInAs('owner');
  await page.goto('/members');
  const table = page.getByRole('table', { name: 'Members of Acme' });
  const rows = table.getByRole('row').filter({ has: page.getByRole('rowheader') });
  await expect(rows.filter({ hasText: 'viewer@example.com' })).toBeVisible();

  for (const row of await rows.all()) {
    await expectAcrossTheScreen(row.getByRole('rowheader'));
    // Email, role and joined; the owner's own row has no Remove button, so an empty cell.
    const cells = await row.getByRole('cell').filter({ hasText: /\S/ }).all();
    expect(cells.length).toBeGreaterThanOrEqual(3);
    for (const cell of cells) await expectAcrossTheScreen(cell);
  }
  for (const email of ['member@example.com', 'pm@example.com', 'viewer@example.com']) {
    await expectAcrossTheScreen(rows.filter({ hasText: email }).getByRole('button', { name: /^Remove/ }));
  }
});
