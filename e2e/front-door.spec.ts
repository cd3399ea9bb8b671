import { demoPassword, demoUsers, expect, test } from './fixtures.ts';

// Where everyone starts: the address the README prints, typed into a fresh browser.
for (const viewport of [
  { name: 'desktop', size: { width: 1280, height: 800 } },
  { name: 'phone', size: { width: 390, height: 844 } },
]) {
  test.describe(`on a ${viewport.name}`, () => {
    test.use({ viewport: viewport.size });

    test('a new visitor opens / , signs in by keyboard alone and lands on the snips list; / then opens the list', async ({ page, signInPage }) => {
      const response = await page.goto('/');
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/^text\/html/);
      await expect(page).toHaveURL(/\/sign-in$/);
      await expect(signInPage.heading).toBeVisible();

      // The form is ready for typing: focus starts in Email, Tab leads to Password, Enter sends.
      await expect(signInPage.email).toBeFocused();
      await page.keyboard.type(demoUsers.member);
      await page.keyboard.press('Tab');
      await expect(signInPage.password).toBeFocused();
      await page.keyboard.type(demoPassword);
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/snips$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Snips' })).toBeVisible();

      // Signed in, the front door opens the app where work happens.
      await page.goto('/');
      await expect(page).toHaveURL(/\/snips$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Snips' })).toBeVisible();
      const scrollsSideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(scrollsSideways).toBe(false);
    });
  });
}

test('HEAD / answers like GET /, and a directory path is never refused', async ({ request }) => {
  const head = await request.head('/');
  expect(head.status()).toBe(200);
  expect(head.headers()['content-type']).toMatch(/^text\/html/);
  expect(head.headers()['cache-control']).toBe('no-cache');
  for (const path of ['/index.html', '/snips/', '/members/']) {
    expect((await request.get(path)).status(), path).toBe(200);
  }
  expect((await request.get('/assets/')).status()).toBe(404);
});
