import { count } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';
import { memberships, qaRoles, snips, users, workspaces } from './schema.ts';
import { demoAccounts, seedDemo } from './seed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const counts = async () => ({
  users: (await t.app.db.select({ n: count() }).from(users))[0]!.n,
  workspaces: (await t.app.db.select({ n: count() }).from(workspaces))[0]!.n,
  memberships: (await t.app.db.select({ n: count() }).from(memberships))[0]!.n,
  snips: (await t.app.db.select({ n: count() }).from(snips))[0]!.n,
  qaRoles: (await t.app.db.select({ n: count() }).from(qaRoles))[0]!.n,
});

it('seeds the demo workspaces, accounts (one with the QA role) and a dozen snips of mixed languages and visibilities', async () => {
  expect(await counts()).toEqual({ users: 6, workspaces: 2, memberships: 7, snips: 12, qaRoles: 1 });
  const rows = await t.app.db.select().from(snips);
  expect(new Set(rows.map((row) => row.language)).size).toBeGreaterThanOrEqual(8);
  expect(new Set(rows.map((row) => row.visibility))).toEqual(new Set(['private', 'workspace', 'public']));
  for (const account of demoAccounts) expect((await t.client().signIn(account.email)).statusCode).toBe(200);
});

it('is idempotent', async () => {
  const before = await counts();
  await seedDemo(t.app.db);
  await seedDemo(t.app.db);
  expect(await counts()).toEqual(before);
});
