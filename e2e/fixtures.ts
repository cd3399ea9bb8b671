import { test as base, expect, type Locator, type Page } from '@playwright/test';

/** The accounts the BFF seeds on a fresh embedded database; all share one password. */
export const demoUsers = {
  owner: 'owner@example.com', // owner of "Acme"
  member: 'member@example.com', // member of "Acme"
  viewer: 'viewer@example.com', // viewer of "Acme"
  pm: 'pm@example.com', // product manager
  outsider: 'outsider@example.com', // owner of "Globex"
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

/** Signs `page` in as a demo user from the sign-in page and waits until the app has let them in. */
export async function signIn(page: Page, user: DemoUser): Promise<void> {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.submitCredentials(demoUsers[user]);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

interface Fixtures {
  signInPage: SignInPage;
  /** Signs in as a demo user from the sign-in page and waits until the app has let them in. */
  signInAs: (user: DemoUser) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  signInPage: async ({ page }, use) => {
    await use(new SignInPage(page));
  },
  signInAs: async ({ page }, use) => {
    await use((user) => signIn(page, user));
  },
});

export { expect };
