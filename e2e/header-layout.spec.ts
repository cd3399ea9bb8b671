import type { Locator, Page } from '@playwright/test';
import { bell, expect, expectWithinTheScreen, expireSession, liveIndicator, test } from './fixtures.ts';

// The header at every width from a phone to a desktop: its parts never overlap, it keeps to two rows at most, and the
// live status keeps its words, live or paused ("Offline — live updates paused" is the longest thing it says).

const header = (page: Page) => page.getByRole('banner');
const headerParts = (page: Page): Record<string, Locator> => ({
  brand: header(page).getByRole('link', { name: 'Snipdesk' }),
  workspace: header(page).getByRole('combobox', { name: 'Workspace' }),
  'page links': header(page).getByRole('navigation', { name: 'Main' }),
  'live status': liveIndicator(page),
  bell: bell(page),
  'sign out': header(page).getByRole('button', { name: 'Sign out' }),
});

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Fails when two parts of the header cover each other or one leaves the screen; resolves with the rows they take. */
async function headerRows(page: Page): Promise<number> {
  const boxes: [string, Box][] = [];
  for (const [name, part] of Object.entries(headerParts(page))) {
    await expectWithinTheScreen(page, part);
    boxes.push([name, (await part.boundingBox())!]);
  }
  for (const [i, [name, box]] of boxes.entries()) {
    for (const [other, otherBox] of boxes.slice(i + 1)) expect(overlap(box, otherBox), `${name} overlaps ${other}`).toBe(false);
  }
  // A part starts a new row when it is below everything in the row before.
  let rows = 0;
  let rowBottom = -Infinity;
  for (const [, box] of boxes.sort(([, a], [, b]) => a.y - b.y)) {
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

// A desktop, the widths either side of where the header goes to two rows, a tablet, a small tablet and a phone.
for (const width of [1280, 1041, 1040, 800, 641, 390]) {
  test(`at ${width} pixels the header's parts never overlap, keep to one row on a desktop and two below, and the live status shows its words, live or paused`, async ({
    page,
    signInAs,
  }) => {
    await page.setViewportSize({ width, height: 800 });
    await signInAs('owner');
    await expect(liveIndicator(page)).toHaveText('Live updates on');
    // One row on a desktop; two below 1040 pixels, where one row cannot hold the longest status.
    const rowsWhileLive = await headerRows(page);
    expect(rowsWhileLive).toBe(width > 1040 ? 1 : 2);
    await expectStatusWordsShown(page);
    const heightWhileLive = (await header(page).boundingBox())!.height;

    await expireSession(page);
    await expect(liveIndicator(page)).toHaveText('Offline — live updates paused');
    expect(await headerRows(page)).toBe(rowsWhileLive);
    await expectStatusWordsShown(page);
    // The same height in every state where the status has a line of its own: a status that changes does not shift
    // the page under the reader. On a phone it shares the second row with the page links and its words wrap there.
    if (width > 640) expect((await header(page).boundingBox())!.height).toBe(heightWhileLive);
  });
}
