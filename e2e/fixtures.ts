import { test as base, expect, request, type APIRequestContext, type BrowserContext, type Locator, type Page } from '@playwright/test';
import type { ClientFlagValues, FlagKey } from '#shared/flags/registry.ts';
import type { FlagTargeting } from '#shared/flags/targeting.ts';

/** The accounts the BFF seeds on a fresh embedded database; all share one password. */
export const demoUsers = {
  owner: 'owner@example.com', // owner of "Acme"
  member: 'member@example.com', // member of "Acme"
  viewer: 'viewer@example.com', // viewer of "Acme"
  pm: 'pm@example.com', // product manager
  outsider: 'outsider@example.com', // owner of "Globex"
  qa: 'qa@example.com', // member of "Acme" with the QA role
} as const;
export type DemoUser = keyof typeof demoUsers;
export const demoPassword = 'demo-password';

export class SignInPage {
  readonly page: Page;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly heading: Locator;

  constructor(page: Page) {
    this.page = page;
    this.email = page.getByLabel('Email');
    this.password = page.getByLabel('Password');
    this.submit = page.getByRole('button', { name: 'Sign in' });
    this.heading = page.getByRole('heading', { name: 'Sign in to Snipdesk' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/sign-in');
    await expect(this.heading).toBeVisible();
  }

  /** Fills and sends the form; does not wait for where it leads (that depends on the credentials). */
  async submitCredentials(email: string, password: string = demoPassword): Promise<void> {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }
}

/** Signs `page` in as a demo user (or any account with the demo password) from the sign-in page and waits until the app has let them in. */
export async function signIn(page: Page, user: DemoUser | { email: string }): Promise<void> {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.submitCredentials(typeof user === 'string' ? demoUsers[user] : user.email);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** A person of the test's own (test-only control): owner of a new workspace, so a flag can target them alone. */
export interface Person {
  id: string;
  email: string;
  name: string;
  workspaceId: string;
}

export async function createPerson(api: APIRequestContext, name: string): Promise<Person> {
  const response = await api.post('/api/test-only/users', { headers: { 'x-csrf-token': await csrfTokenOf(api) }, data: { name } });
  expect(response.status()).toBe(201);
  return (await response.json()) as Person;
}

/** A request context of its own, signed in through the API (no browser): for a second person acting meanwhile. */
export async function signedInApi(baseURL: string, email: string): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL });
  const response = await api.post('/api/session', { headers: { 'x-csrf-token': await csrfTokenOf(api) }, data: { email, password: demoPassword } });
  expect(response.status()).toBe(200);
  return api;
}

/**
 * Changes a flag's targeting through the console API (as the product manager `pm` is signed in as), with a reason.
 * Another test may save the same flag in between: on 409 it reads the flag again and applies `change` to that.
 */
export async function changeFlag(pm: APIRequestContext, key: FlagKey, change: (targeting: FlagTargeting) => FlagTargeting): Promise<void> {
  for (;;) {
    const current = await pm.get(`/api/admin/flags/${key}`);
    expect(current.status()).toBe(200);
    const { version, targeting } = (await current.json()) as { version: number; targeting: FlagTargeting };
    const saved = await pm.patch(`/api/admin/flags/${key}`, {
      headers: { 'x-csrf-token': await csrfTokenOf(pm) },
      data: { version, reason: `End-to-end test ${test.info().title}`, targeting: change(structuredClone(targeting)) },
    });
    if (saved.status() === 409) continue;
    expect(saved.status(), await saved.text()).toBe(200);
    return;
  }
}

/**
 * Forces flag values for the page's session only (the e2e BFF runs with NODE_ENV=test, where the signed override is
 * honoured): no other test, browser or user sees them. Typed against the registry: an undeclared key or a value
 * outside a flag's type does not compile. Call it after signing in; the next page load (`goto`, reload) applies it.
 */
export async function withFlags(page: Page, flags: Partial<ClientFlagValues>): Promise<void> {
  const response = await page.request.put('/api/qa/flags', { headers: { 'x-csrf-token': await csrfTokenOf(page.request) }, data: { flags } });
  expect(response.status()).toBe(200);
}

/** A snip as the API returns it, as far as the specs look at it. */
export interface SavedSnip {
  id: string;
  title: string;
  version: number;
  /** Set while the snip is public: its link is `/s/<publicSlug>`. */
  publicSlug: string | null;
}

/** The CSRF token of the session `api` carries (page.request shares the browser context's cookies). */
export async function csrfTokenOf(api: APIRequestContext): Promise<string> {
  const response = await api.get('/api/session');
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

/** Ends the page's session through the test-only control (the e2e BFF runs with NODE_ENV=test). */
export async function expireSession(page: Page): Promise<void> {
  const response = await page.request.post('/api/test-only/session/expire', {
    headers: { 'x-csrf-token': await csrfTokenOf(page.request) },
  });
  expect(response.status()).toBe(204);
}

/** Removes the outsider from the signed-in owner's current workspace if a failed run left them in it. */
export async function removeOutsiderIfMember(page: Page): Promise<void> {
  const session = await (await page.request.get('/api/session')).json();
  const workspaceId: string = session.user.workspace.id;
  const { members } = await (await page.request.get(`/api/workspaces/${workspaceId}/members`)).json();
  const outsider = (members as { userId: string; email: string }[]).find((member) => member.email === demoUsers.outsider);
  if (!outsider) return;
  const response = await page.request.delete(`/api/workspaces/${workspaceId}/members/${outsider.userId}`, {
    headers: { 'x-csrf-token': session.csrfToken },
  });
  expect(response.status()).toBe(204);
}

/** Creates a plain-text snip (workspace-visible unless told otherwise) through the API, as the page's signed-in user. */
export async function createSnip(
  page: Page,
  title: string,
  body = 'Written for an end-to-end test.',
  visibility: 'private' | 'workspace' | 'public' = 'workspace',
): Promise<SavedSnip> {
  const { user, csrfToken } = await sessionOf(page.request);
  const response = await page.request.post('/api/snips', {
    headers: { 'x-csrf-token': csrfToken },
    data: { title, language: 'plaintext', visibility, tags: [], body },
  });
  expect(response.status()).toBe(201);
  const snip = (await response.json()) as SavedSnip & { workspaceId: string };
  writtenByThisTest.push({ api: page.request, id: snip.id, workspaceId: snip.workspaceId, authorEmail: user!.email });
  return snip;
}

interface Session {
  user: { email: string; workspace: { id: string } } | null;
  csrfToken: string;
}
const sessionOf = async (api: APIRequestContext) => (await (await api.get('/api/session')).json()) as Session;

/**
 * A snip `createSnip` wrote in the running test: deleted when the test ends, so the demo workspace's lists look as
 * seeded to every test, however many ran before (or at the same time).
 */
interface WrittenSnip {
  /** The session that wrote it. */
  api: APIRequestContext;
  id: string;
  workspaceId: string;
  authorEmail: string;
}
const writtenByThisTest: WrittenSnip[] = [];

async function deleteWrittenSnips() {
  for (const snip of writtenByThisTest.splice(0)) {
    // Usually the session that wrote it still can. A test may have signed it out, let it expire, moved it to another
    // workspace or closed its context: then the author signs in afresh for it.
    if (await deleteThrough(snip.api, snip).catch(() => false)) continue;
    const api = await request.newContext({ baseURL: test.info().project.use.baseURL });
    try {
      const { csrfToken } = await sessionOf(api);
      await api.post('/api/session', { headers: { 'x-csrf-token': csrfToken }, data: { email: snip.authorEmail, password: demoPassword } });
      await deleteThrough(api, snip);
    } finally {
      await api.dispose();
    }
  }
}

/** Deletes the snip through the session `api` carries, in the snip's workspace; false unless it is the author's. */
async function deleteThrough(api: APIRequestContext, snip: WrittenSnip): Promise<boolean> {
  const { user, csrfToken } = await sessionOf(api);
  if (user?.email !== snip.authorEmail) return false;
  const headers = { 'x-csrf-token': csrfToken };
  if (user.workspace.id !== snip.workspaceId) await api.put('/api/session/workspace', { headers, data: { workspaceId: snip.workspaceId } });
  const response = await api.delete(`/api/snips/${snip.id}`, { headers });
  // 404: the test deleted it itself.
  return response.ok() || response.status() === 404;
}

/** A title no other test (or repeat of this one) uses, so parallel tests never see each other's snips. */
export const uniqueTitle = (label: string) => `${label} ${test.info().testId}-${test.info().repeatEachIndex}-${Date.now()}`;
/**
 * An address no account has, for a failed sign-in: failures count against the account and client (5 per 15 minutes;
 * every journey's browser is the same client, 127.0.0.1), and past 10 an account's sign-ins are slowed, so a demo
 * account failed on by one journey (or by repeats of it) would fail or slow every other journey that signs in as it.
 * The client's own budget (50 failures per 15 minutes) is shared by all journeys.
 */
export const unknownEmail = () => `nobody-${test.info().testId}-${test.info().repeatEachIndex}-${Date.now()}@example.com`;

/** Marks the document, so a test can tell that the page was neither reloaded nor left. */
export async function markDocument(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate(() => {
    (window as unknown as { liveMark: boolean }).liveMark = true;
  });
  return () => page.evaluate(() => (window as unknown as { liveMark?: boolean }).liveMark === true);
}

/** The unread count the BFF has for the page's user right now. */
export async function unreadOf(page: Page): Promise<number> {
  const response = await page.request.get('/api/notifications');
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { unread: number }).unread;
}

/** The header's live-updates indicator. */
export const liveIndicator = (page: Page) => page.getByRole('banner').getByRole('status');
/** Fails unless all of `element` shows, from its left edge to its right, inside the screen's width. */
export async function expectWithinTheScreen(page: Page, element: Locator): Promise<void> {
  await expect(element).toBeVisible();
  const box = (await element.boundingBox())!;
  expect(box.x, 'left edge').toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, 'right edge').toBeLessThanOrEqual(page.viewportSize()!.width);
}
/** The header's notification bell, whatever its count. */
export const bell = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Notifications/ });
/** The bell's accessible name for an unread count. */
export const bellNamed = (unread: number) => (unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`);
export const signInDialog = (page: Page) => page.getByRole('dialog', { name: 'Sign in again' });
export const expiredBanner = (page: Page) => page.getByRole('alert').filter({ hasText: 'Your session has expired — sign in again to continue' });
export const commentBodies = (page: Page) => page.getByRole('region', { name: /^Comments/ }).getByRole('listitem');
export const viewingNow = (page: Page) => page.getByRole('list', { name: 'Viewing now:' });
/** Who the page shows as viewing the snip, as assistive technology reads it (the initials are decoration). */
export const viewersAre = (page: Page, names: string[]) =>
  expect(viewingNow(page)).toMatchAriaSnapshot(`- list "Viewing now:":\n${names.map((name) => `  - listitem: ${name}\n`).join('')}`);

interface Fixtures {
  signInPage: SignInPage;
  /** Signs in as a demo user from the sign-in page and waits until the app has let them in. */
  signInAs: (user: DemoUser) => Promise<void>;
  /**
   * Another person (or the same one on another device): a browser context of its own on `origin` (the test's
   * baseURL unless given), signed in. Closed when the test ends.
   */
  signedInElsewhere: (user: DemoUser, origin?: string) => Promise<Page>;
  /** Forces flag values for this test's page session only (see `withFlags`); typed against the registry. */
  withFlags: (flags: Partial<ClientFlagValues>) => Promise<void>;
  /** Runs around every test: deletes what `createSnip` wrote, before the test's pages and contexts close. */
  snipCleanup: void;
}

export const test = base.extend<Fixtures>({
  signInPage: async ({ page }, use) => {
    await use(new SignInPage(page));
  },
  signInAs: async ({ page }, use) => {
    await use((user) => signIn(page, user));
  },
  withFlags: async ({ page }, use) => {
    await use((flags) => withFlags(page, flags));
  },
  signedInElsewhere: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (user, origin = baseURL) => {
      const context = await browser.newContext({ baseURL: origin });
      contexts.push(context);
      const page = await context.newPage();
      await signIn(page, user);
      return page;
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
  // Depends on the fixtures that own contexts, so it is torn down first, while their sessions can still delete.
  snipCleanup: [
    async ({ page: _page, signedInElsewhere: _signedInElsewhere }, use) => {
      await use();
      await deleteWrittenSnips();
    },
    { auto: true },
  ],
});

export { expect };
