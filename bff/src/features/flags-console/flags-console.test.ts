import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdminFlag, AdminFlagDetail, FlagAuditEntry, FlagReach } from '#shared/contracts/flags.ts';
import { flagRegistry } from '#shared/flags/registry.ts';
import { emptyTargeting, type FlagTargeting } from '#shared/flags/targeting.ts';
import { featureFlagAudit, featureFlags, memberships, users, workspaces } from '../../db/schema.ts';
import { demoAccounts } from '../../db/seed.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';

const account = (name: string) => demoAccounts.find((candidate) => candidate.email === `${name}@example.com`)!;
const [owner, member, viewer, pm, outsider] = [account('owner'), account('member'), account('viewer'), account('pm'), account('outsider')];
const acmeId = owner.workspaceId;
const globexId = outsider.workspaceId;
const acmeMembers = demoAccounts.filter((candidate) => candidate.workspaceId === acmeId).length;

type Call = { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: object };

/** Every console route once, with a body that would pass validation. */
const everyRoute = (key: string): Call[] => [
  { method: 'GET', url: '/api/admin/flags' },
  { method: 'GET', url: `/api/admin/flags/${key}` },
  { method: 'PATCH', url: `/api/admin/flags/${key}`, payload: { version: 1, reason: 'Probing', targeting: emptyTargeting() } },
  { method: 'POST', url: `/api/admin/flags/${key}/impact`, payload: { targeting: emptyTargeting() } },
  { method: 'GET', url: `/api/admin/flags/${key}/audit` },
  { method: 'POST', url: `/api/admin/flags/${key}/explain`, payload: { userId: member.id } },
  { method: 'POST', url: `/api/admin/flags/${key}/ramps`, payload: { version: 1, reason: 'Probing', steps: [{ percent: 5, at: new Date().toISOString() }] } },
  { method: 'POST', url: `/api/admin/flags/${key}/ramps/${randomUUID()}/cancel`, payload: { reason: 'Probing' } },
  { method: 'POST', url: `/api/admin/flags/${key}/ramps/${randomUUID()}/revert`, payload: { version: 1, reason: 'Probing' } },
];

const call = (client: TestClient, { method, url, payload }: Call) => client.request({ method, url, ...(payload ? { payload } : {}) });

const targetingWith = (changes: Partial<FlagTargeting>): FlagTargeting => ({ ...emptyTargeting(), ...changes });

async function detail(client: TestClient, key: string): Promise<AdminFlagDetail> {
  const response = await client.request({ url: `/api/admin/flags/${key}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Saves a targeting at the flag's current version (as the console's form would). */
async function save(client: TestClient, key: string, targeting: FlagTargeting, reason = 'Trying the console out') {
  const { version } = await detail(client, key);
  return client.request({ method: 'PATCH', url: `/api/admin/flags/${key}`, payload: { version, reason, targeting } });
}

describe('who may use the console', () => {
  let t: TestApp;
  let clients: Record<string, TestClient>;
  beforeAll(async () => {
    t = await startTestApp();
    clients = Object.fromEntries(await Promise.all(demoAccounts.map(async (account) => [account.email, await t.signIn(account.email)] as const)));
  });
  afterAll(() => t.close());

  /** Acme and Globex rules, and users' rules, on one flag. */
  const mixed = (): FlagTargeting =>
    targetingWith({
      users: { overrides: { [member.id]: false }, denies: [viewer.id] },
      workspaces: { overrides: { [acmeId]: true }, denies: [globexId] },
    });

  it('answers 401 signed out, and 404 to members and viewers on every route, whatever the body', async () => {
    for (const request of everyRoute('export-button')) {
      const response = await call(t.client(), request);
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(401);
    }
    for (const email of [member.email, viewer.email]) {
      for (const request of [...everyRoute('export-button'), { method: 'PATCH', url: '/api/admin/flags/export-button', payload: { nonsense: true } } as const]) {
        const response = await call(clients[email]!, request);
        expect(response.statusCode, `${email}: ${request.method} ${request.url}`).toBe(404);
        expect(response.json().error.code).toBe('not_found');
      }
    }
    // Nothing the probes sent was saved.
    expect((await detail(clients[pm.email]!, 'export-button')).version).toBe(1);
  });

  it('shows a product manager every flag, all its rules and everyone’s reach', async () => {
    const client = clients[pm.email]!;
    expect((await save(client, 'export-button', mixed())).statusCode).toBe(200);
    const { flags } = (await client.request({ url: '/api/admin/flags' })).json<{ flags: AdminFlag[] }>();
    expect(flags.map((flag) => flag.key).sort()).toEqual(Object.keys(flagRegistry).sort());
    const flag = flags.find((candidate) => candidate.key === 'export-button')!;
    expect(flag).toMatchObject({ editable: 'all', orphaned: false, expired: false, version: 2, targeting: mixed() });
    expect(flag.declaration).toMatchObject({ type: 'boolean', default: true, unit: 'workspace', owner: 'jobs team', expires: '2027-03-31', permanent: false });
    // On in Acme by its override, but for the member (their own override) and the viewer (denied). Off in Globex
    // (denied) for its owner and owner@.
    expect(flag.reach).toEqual([
      { value: true, users: acmeMembers - 2, workspaces: 1 },
      { value: false, users: 4, workspaces: 2 },
    ]);
    const { workspaces: targets } = await detail(client, 'export-button');
    expect(targets).toEqual([
      { id: acmeId, name: 'Acme' },
      { id: globexId, name: 'Globex' },
    ]);
  });

  it('shows a workspace owner only their own workspaces’ rules and members, and lets them change only their overrides', async () => {
    const pmClient = clients[pm.email]!;
    await save(pmClient, 'export-button', mixed());
    // The owner's change comes later: the trail's newest entry is theirs.
    t.clock.advance(60);
    // owner@ owns Acme and is a mere member of Globex: Globex's rules are not theirs.
    const client = clients[owner.email]!;
    const seen = await detail(client, 'export-button');
    expect(seen).toMatchObject({
      editable: 'own-workspaces',
      targeting: targetingWith({ workspaces: { overrides: { [acmeId]: true }, denies: [] } }),
      workspaces: [{ id: acmeId, name: 'Acme' }],
    });
    expect(seen.reach).toEqual([
      { value: true, users: acmeMembers - 2, workspaces: 1 },
      { value: false, users: 2, workspaces: 1 },
    ]);
    const { flags } = (await client.request({ url: '/api/admin/flags' })).json<{ flags: AdminFlag[] }>();
    expect(flags.find((flag) => flag.key === 'export-button')!.targeting).toEqual(seen.targeting);

    const propose = (targeting: FlagTargeting) =>
      client.request({ method: 'PATCH', url: '/api/admin/flags/export-button', payload: { version: seen.version, reason: 'Acme opts out', targeting } });
    for (const overreach of [
      { ...seen.targeting, workspaces: { overrides: { [acmeId]: true, [globexId]: true }, denies: [] } },
      { ...seen.targeting, workspaces: { overrides: { [acmeId]: true }, denies: [globexId] } },
      // Denies are the product managers': not even of their own workspace.
      { ...seen.targeting, workspaces: { overrides: {}, denies: [acmeId] } },
      { ...seen.targeting, users: { overrides: {}, denies: [member.id] } },
      { ...seen.targeting, killed: true },
      { ...seen.targeting, rollout: { percent: 50, split: [{ value: true, weight: 100 }] } },
    ]) {
      const response = await propose(overreach);
      expect(response.statusCode, JSON.stringify(overreach)).toBe(403);
      expect(response.json().error.code).toBe('forbidden');
    }
    const impact = await client.request({
      method: 'POST',
      url: '/api/admin/flags/export-button/impact',
      payload: { targeting: { ...seen.targeting, killed: true } },
    });
    expect(impact.statusCode).toBe(403);

    const saved = await propose({ ...seen.targeting, workspaces: { overrides: { [acmeId]: false }, denies: [] } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<AdminFlag>().targeting).toEqual(targetingWith({ workspaces: { overrides: { [acmeId]: false }, denies: [] } }));
    // The rest of the flag is as the PM left it: users' rules and Globex's deny are merged back in.
    expect((await detail(pmClient, 'export-button')).targeting).toEqual(
      targetingWith({ users: mixed().users, workspaces: { overrides: { [acmeId]: false }, denies: [globexId] } }),
    );
    // The trail holds the whole targeting; the owner reads it through their view, and only the changes to Acme's rules:
    // not the PM's save at the start of this test, which changed nothing of Acme's.
    const { items } = (await client.request({ url: '/api/admin/flags/export-button/audit' })).json<{ items: FlagAuditEntry[] }>();
    expect(items.map((item) => item.reason)).toEqual(['Acme opts out', 'Trying the console out']);
    expect(items[0]).toMatchObject({ kind: 'change', actor: { id: owner.id, name: 'Olivia Owner' }, reason: 'Acme opts out' });
    expect(items[0]!.before).toEqual(seen.targeting);
    const [full] = (await pmClient.request({ url: '/api/admin/flags/export-button/audit' })).json<{ items: FlagAuditEntry[] }>().items;
    expect(full!.before).toEqual(mixed());

    // A server-only flag tunes the servers: an owner reads it and changes nothing of it, not even their own override.
    const serverOnly = await detail(client, 'export-read-batch-size');
    const acmeBatches = { ...serverOnly.targeting, workspaces: { overrides: { [acmeId]: 50 }, denies: [] } };
    const batches = await client.request({
      method: 'PATCH',
      url: '/api/admin/flags/export-read-batch-size',
      payload: { version: serverOnly.version, reason: 'Acme exports faster', targeting: acmeBatches },
    });
    expect(batches.statusCode).toBe(403);
    expect(batches.json().error.code).toBe('forbidden');
    expect((await client.request({ method: 'POST', url: '/api/admin/flags/export-read-batch-size/impact', payload: { targeting: acmeBatches } })).statusCode).toBe(403);
    expect((await detail(pmClient, 'export-read-batch-size')).version).toBe(serverOnly.version);

    for (const ramp of everyRoute('export-button').filter((request) => request.url.includes('/ramps'))) {
      expect((await call(client, ramp)).statusCode, ramp.url).toBe(403);
    }
  });

  it('keeps Acme’s rules and members from the owner of Globex', async () => {
    await save(clients[pm.email]!, 'export-button', mixed());
    const client = clients[outsider.email]!;
    const seen = await detail(client, 'export-button');
    expect(seen.targeting).toEqual(targetingWith({ workspaces: { overrides: {}, denies: [globexId] } }));
    expect(seen.workspaces).toEqual([{ id: globexId, name: 'Globex' }]);
    // Globex's two members (its owner, and owner@ as a member), both denied.
    expect(seen.reach).toEqual([
      { value: true, users: 0, workspaces: 0 },
      { value: false, users: 2, workspaces: 1 },
    ]);
    const audit = (await client.request({ url: '/api/admin/flags/export-button/audit' })).json<{ items: FlagAuditEntry[] }>();
    expect(JSON.stringify(audit)).not.toContain(acmeId);
    expect(JSON.stringify(audit)).not.toContain(member.id);
    // Neither who changed Acme's rules nor why: of the trail, Globex's owner reads the one change to Globex's rules.
    expect(audit.items.map((item) => [item.actor?.name, item.reason])).toEqual([['Pat Product', 'Trying the console out']]);

    const acmeOverride = await client.request({
      method: 'PATCH',
      url: '/api/admin/flags/export-button',
      payload: { version: seen.version, reason: 'Sneaking in', targeting: { ...seen.targeting, workspaces: { overrides: { [acmeId]: false }, denies: [globexId] } } },
    });
    expect(acmeOverride.statusCode).toBe(403);
    // Explaining someone outside Globex, or in a workspace that is not theirs, finds nobody.
    for (const payload of [{ userId: member.id }, { userId: owner.id, workspaceId: acmeId }, { userId: pm.id }]) {
      const response = await client.request({ method: 'POST', url: '/api/admin/flags/export-button/explain', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(404);
    }
    const explained = await client.request({ method: 'POST', url: '/api/admin/flags/export-button/explain', payload: { userId: owner.id } });
    expect(explained.json()).toEqual({ value: false, reason: 'deny', rule: 'workspace-deny', workspaceId: globexId });

    // The PM's deny stays: its owner cannot lift it, only set Globex's override (which the deny outranks).
    const lifted = await client.request({
      method: 'PATCH',
      url: '/api/admin/flags/export-button',
      payload: { version: seen.version, reason: 'Globex is ready', targeting: { ...seen.targeting, workspaces: { overrides: {}, denies: [] } } },
    });
    expect(lifted.statusCode).toBe(403);
    expect(lifted.json().error.code).toBe('forbidden');
    const overridden = await client.request({
      method: 'PATCH',
      url: '/api/admin/flags/export-button',
      payload: { version: seen.version, reason: 'Globex is ready', targeting: { ...seen.targeting, workspaces: { overrides: { [globexId]: true }, denies: [globexId] } } },
    });
    expect(overridden.statusCode, overridden.body).toBe(200);
    expect((await detail(clients[pm.email]!, 'export-button')).targeting).toEqual(
      targetingWith({ users: mixed().users, workspaces: { overrides: { [acmeId]: true, [globexId]: true }, denies: [globexId] } }),
    );
  });
});

describe('changes: audit, concurrency and types', () => {
  let t: TestApp;
  let client: TestClient;
  beforeAll(async () => {
    t = await startTestApp();
    client = await t.signIn(pm.email);
  });
  afterAll(() => t.close());

  it('records who, when, why, before and after, newest first, and the trail cannot be changed', async () => {
    const first = targetingWith({ default: 'side-by-side' });
    const second = targetingWith({ default: 'side-by-side', users: { overrides: { [member.id]: 'stacked' }, denies: [] } });
    expect((await save(client, 'snip-editor-layout', first, 'Side by side for everyone')).statusCode).toBe(200);
    t.clock.advance(60);
    const saved = await save(client, 'snip-editor-layout', second, 'Max asked to keep the old layout');
    expect(saved.statusCode).toBe(200);
    expect(saved.json<AdminFlag>()).toMatchObject({ version: 3, targeting: second, updatedAt: t.clock.now().toISOString() });

    const { items } = (await client.request({ url: '/api/admin/flags/snip-editor-layout/audit' })).json<{ items: FlagAuditEntry[] }>();
    expect(items).toEqual([
      { id: expect.any(String), at: t.clock.now().toISOString(), kind: 'change', actor: { id: pm.id, name: 'Pat Product' }, reason: 'Max asked to keep the old layout', before: first, after: second },
      { id: expect.any(String), at: new Date(t.clock.now().getTime() - 60_000).toISOString(), kind: 'change', actor: { id: pm.id, name: 'Pat Product' }, reason: 'Side by side for everyone', before: emptyTargeting(), after: first },
    ]);

    // Append-only below the routes too: the database refuses to change or remove an entry.
    const entryId = items[0]!.id;
    const refusal = (error: unknown) => JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).cause);
    const update = await t.app.db.update(featureFlagAudit).set({ reason: 'Nothing happened' }).where(eq(featureFlagAudit.id, entryId)).catch(refusal);
    expect(update).toMatch(/append-only/);
    const removal = await t.app.db.delete(featureFlagAudit).where(eq(featureFlagAudit.id, entryId)).catch(refusal);
    expect(removal).toMatch(/append-only/);
    const [kept] = await t.app.db.select().from(featureFlagAudit).where(eq(featureFlagAudit.id, entryId));
    expect(kept!.reason).toBe('Max asked to keep the old layout');
  });

  it('answers 409 to a save at a stale version, and lets exactly one of two simultaneous saves win', async () => {
    const { version } = await detail(client, 'snips-page-size');
    const auditBefore = (await client.request({ url: '/api/admin/flags/snips-page-size/audit' })).json().items.length;
    const attempt = (pageSize: number) =>
      client.request({ method: 'PATCH', url: '/api/admin/flags/snips-page-size', payload: { version, reason: `Pages of ${pageSize}`, targeting: targetingWith({ default: pageSize }) } });
    const outcomes = await Promise.all([attempt(30), attempt(40)]);
    expect(outcomes.map((response) => response.statusCode).sort()).toEqual([200, 409]);
    const lost = outcomes.find((response) => response.statusCode === 409)!;
    expect(lost.json().error).toMatchObject({ code: 'flag_changed', details: { currentVersion: version + 1 } });
    const winner = outcomes.find((response) => response.statusCode === 200)!.json<AdminFlag>();
    expect((await detail(client, 'snips-page-size')).targeting.default).toBe(winner.targeting.default);
    expect((await client.request({ url: '/api/admin/flags/snips-page-size/audit' })).json().items).toHaveLength(auditBefore + 1);

    const stale = await attempt(50);
    expect(stale.statusCode).toBe(409);
    expect((await detail(client, 'snips-page-size')).version).toBe(version + 1);
  });

  it('refuses values outside the declared type with 400, naming the rule', async () => {
    const cases: [string, FlagTargeting, string][] = [
      ['snip-editor-layout', targetingWith({ default: 'grid' }), 'default'],
      ['snip-editor-layout', targetingWith({ rollout: { percent: 10, split: [{ value: 'stacked', weight: 50 }, { value: 'tabs', weight: 50 }] } }), 'rollout.split.1.value'],
      ['snips-page-size', targetingWith({ users: { overrides: { [member.id]: 1000 }, denies: [] } }), `users.overrides.${member.id}`],
      ['snips-page-size', targetingWith({ default: 5 }), 'default'],
      ['export-button', targetingWith({ default: 'true' }), 'default'],
      ['export-button', targetingWith({ workspaces: { overrides: { [acmeId]: 1 }, denies: [] } }), `workspaces.overrides.${acmeId}`],
    ];
    for (const [key, targeting, path] of cases) {
      const before = await detail(client, key);
      const response = await save(client, key, targeting);
      expect(response.statusCode, `${key} ${JSON.stringify(targeting)}`).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_targeting', details: { issues: [expect.objectContaining({ path })] } });
      const impact = await client.request({ method: 'POST', url: `/api/admin/flags/${key}/impact`, payload: { targeting } });
      expect(impact.statusCode).toBe(400);
      expect((await detail(client, key)).version).toBe(before.version);
    }
    expect((await client.request({ method: 'PATCH', url: '/api/admin/flags/no-such-flag', payload: { version: 1, reason: 'Probing', targeting: emptyTargeting() } })).statusCode).toBe(404);
  });

  it('shows a flag gone from the code, read-only, and one past its date as expired', async () => {
    const declaration = { ...flagRegistry['export-button'], expires: '2025-12-31' as const, description: 'The old export flow.' };
    await t.app.db.insert(featureFlags).values({ key: 'legacy-export', declaration, targeting: emptyTargeting(), orphaned: true });
    const flag = await detail(client, 'legacy-export');
    expect(flag).toMatchObject({ orphaned: true, expired: true, declaration: { description: 'The old export flow.', expires: '2025-12-31' } });
    const { flags } = (await client.request({ url: '/api/admin/flags' })).json<{ flags: AdminFlag[] }>();
    expect(flags.filter((candidate) => candidate.expired || candidate.orphaned).map((candidate) => candidate.key)).toEqual(['legacy-export']);
    const response = await save(client, 'legacy-export', targetingWith({ killed: true }));
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('flag_orphaned');
  });
});

describe('reach, impact and the explainer', () => {
  let t: TestApp;
  let client: TestClient;
  /** Two workspaces of the test's own: Wonka (a, b, c) and Umbrella (c, d, e). */
  let world: { wonka: string; umbrella: string; a: string; b: string; c: string; d: string; e: string };
  /** The demo data's people (Acme's and Globex's): none has a rule here, so each gets the default. */
  let demoUsers: number;
  beforeAll(async () => {
    t = await startTestApp();
    client = await t.signIn(pm.email);
    demoUsers = new Set((await t.app.db.select({ userId: memberships.userId }).from(memberships)).map((row) => row.userId)).size;
    const [wonka, umbrella] = await t.app.db.insert(workspaces).values([{ name: 'Wonka' }, { name: 'Umbrella' }]).returning({ id: workspaces.id });
    const people = await t.app.db
      .insert(users)
      .values(['a', 'b', 'c', 'd', 'e'].map((name) => ({ email: `${name}@reach.example.com`, name: name.toUpperCase(), passwordHash: 'not a hash' })))
      .returning({ id: users.id });
    const [a, b, c, d, e] = people.map((person) => person.id) as [string, string, string, string, string];
    world = { wonka: wonka!.id, umbrella: umbrella!.id, a, b, c, d, e };
    await t.app.db.insert(memberships).values([
      ...[a, b, c].map((userId) => ({ userId, workspaceId: world.wonka, role: 'member' as const })),
      ...[c, d, e].map((userId) => ({ userId, workspaceId: world.umbrella, role: 'member' as const })),
    ]);
  });
  afterAll(() => t.close());

  /** Off by default; on for Wonka and for d; a denied in Wonka. */
  const current = () =>
    targetingWith({
      default: false,
      users: { overrides: { [world.d]: true }, denies: [world.a] },
      workspaces: { overrides: { [world.wonka]: true }, denies: [] },
    });

  it('counts exactly how many users and workspaces get each value', async () => {
    const saved = await save(client, 'export-button', current());
    expect(saved.statusCode, saved.body).toBe(200);
    // On: b and c in Wonka, d in Umbrella. Off: a (denied), c and e in Umbrella, and the demo people in Acme and Globex.
    const expected: FlagReach = [
      { value: true, users: 3, workspaces: 2 },
      { value: false, users: 3 + demoUsers, workspaces: 4 },
    ];
    expect(saved.json<AdminFlag>().reach).toEqual(expected);
    expect((await detail(client, 'export-button')).reach).toEqual(expected);
    // A variant flag lists every variant, reached or not; an integer the values reached.
    expect((await detail(client, 'snip-editor-layout')).reach).toEqual([
      { value: 'stacked', users: 5 + demoUsers, workspaces: 4 },
      { value: 'side-by-side', users: 0, workspaces: 0 },
    ]);
    await save(client, 'snips-page-size', targetingWith({ workspaces: { overrides: { [world.umbrella]: 50 }, denies: [] } }));
    expect((await detail(client, 'snips-page-size')).reach).toEqual([
      { value: 20, users: 3 + demoUsers, workspaces: 3 },
      { value: 50, users: 3, workspaces: 1 },
    ]);
  });

  it('states the blast radius of a proposed change', async () => {
    await save(client, 'export-button', current());
    const impactOf = async (targeting: FlagTargeting) => {
      const response = await client.request({ method: 'POST', url: '/api/admin/flags/export-button/impact', payload: { targeting } });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ gains: FlagReach }>().gains;
    };
    const proposal = current();
    proposal.workspaces.overrides[world.umbrella] = true;
    proposal.users.denies.push(world.b);
    // On for c and e in Umbrella (d already was); off for b in Wonka.
    expect(await impactOf(proposal)).toEqual([
      { value: true, users: 2, workspaces: 1 },
      { value: false, users: 1, workspaces: 1 },
    ]);
    // On for everyone: every pair that is off now, but nobody newly off.
    expect(await impactOf(targetingWith({ default: true }))).toEqual([
      { value: true, users: 3 + demoUsers, workspaces: 4 },
      { value: false, users: 0, workspaces: 0 },
    ]);
    expect(await impactOf(current())).toEqual([
      { value: true, users: 0, workspaces: 0 },
      { value: false, users: 0, workspaces: 0 },
    ]);
  });

  it('explains a user override, a rollout, a deny and the defaults, in the right workspace', async () => {
    await save(
      client,
      'snip-editor-layout',
      targetingWith({
        rollout: { percent: 100, split: [{ value: 'side-by-side', weight: 100 }] },
        users: { overrides: { [world.c]: 'stacked' }, denies: [] },
        workspaces: { overrides: {}, denies: [world.umbrella] },
      }),
    );
    const explain = async (payload: object, key = 'snip-editor-layout') => {
      const response = await client.request({ method: 'POST', url: `/api/admin/flags/${key}/explain`, payload });
      return { status: response.statusCode, body: response.json() };
    };
    expect(await explain({ userId: world.c, workspaceId: world.wonka })).toEqual({
      status: 200,
      body: { value: 'stacked', reason: 'override', rule: 'user-override', workspaceId: world.wonka },
    });
    // A deny comes before a user's override.
    expect((await explain({ userId: world.c, workspaceId: world.umbrella })).body).toEqual({ value: 'stacked', reason: 'deny', rule: 'workspace-deny', workspaceId: world.umbrella });
    expect((await explain({ userId: world.b })).body).toEqual({ value: 'side-by-side', reason: 'rollout', rule: 'rollout', workspaceId: world.wonka });
    // Without a workspace: the user's oldest membership (owner@ joined Globex after Acme).
    expect((await explain({ userId: owner.id })).body.workspaceId).toBe(acmeId);
    expect((await explain({ userId: world.b }, 'snips-page-size')).body).toEqual({ value: 20, reason: 'default', rule: 'declared-default', workspaceId: world.wonka });
    await save(client, 'snips-page-size', targetingWith({ default: 40 }));
    expect((await explain({ userId: world.b }, 'snips-page-size')).body).toMatchObject({ value: 40, reason: 'default', rule: 'targeting-default' });

    expect((await explain({ userId: world.b, workspaceId: world.umbrella })).status).toBe(404);
    expect((await explain({ userId: randomUUID() })).status).toBe(404);
    const [loner] = await t.app.db.insert(users).values({ email: 'loner@reach.example.com', name: 'Loner', passwordHash: 'not a hash' }).returning({ id: users.id });
    expect((await explain({ userId: loner!.id })).body).toEqual({ value: 'side-by-side', reason: 'rollout', rule: 'rollout', workspaceId: null });
  });

  it('counts, explains and compares what is served when stored values no longer fit the code', async () => {
    // As if the code had dropped a `grid` variant since these rules were saved: requests are served what still fits.
    const stored = targetingWith({ default: 'grid', users: { overrides: { [world.a]: 'grid', [world.b]: 'side-by-side' }, denies: [] } });
    await t.app.db
      .update(featureFlags)
      .set({ targeting: stored, version: sql`${featureFlags.version} + 1` })
      .where(eq(featureFlags.key, 'snip-editor-layout'));
    // b keeps their override; everyone else gets the declared default, a's override and the stored default gone.
    expect((await detail(client, 'snip-editor-layout')).reach).toEqual([
      { value: 'stacked', users: 4 + demoUsers, workspaces: 4 },
      { value: 'side-by-side', users: 1, workspaces: 1 },
    ]);
    const explained = await client.request({ method: 'POST', url: '/api/admin/flags/snip-editor-layout/explain', payload: { userId: world.a } });
    expect(explained.json()).toEqual({ value: 'stacked', reason: 'default', rule: 'declared-default', workspaceId: world.wonka });
    // Dropping what is not served anyway changes what nobody gets.
    const impact = await client.request({
      method: 'POST',
      url: '/api/admin/flags/snip-editor-layout/impact',
      payload: { targeting: targetingWith({ users: { overrides: { [world.b]: 'side-by-side' }, denies: [] } }) },
    });
    expect(impact.json<{ gains: FlagReach }>().gains).toEqual([
      { value: 'stacked', users: 0, workspaces: 0 },
      { value: 'side-by-side', users: 0, workspaces: 0 },
    ]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('a change’s answer (PostgreSQL)', () => {
  let t: TestApp;
  /** Set while a test holds every read of `memberships` back: the console's counts read them, its changes do not. */
  let holdMemberships: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    t = await startTestApp({
      // Long enough for the test to look at the database while a request waits on the held-back table.
      environment: { DATABASE_TIMEOUT_MS: '10000' },
      // After the session and the console scope were read (both read memberships), before the route's work.
      beforeReady: (app) => app.addHook('preHandler', async () => holdMemberships?.()),
    });
  });
  afterAll(() => t.close());

  it('counts the reach once the change has committed, not while it holds the flag’s row', async () => {
    const client = await t.signIn(pm.email);
    const { version } = await detail(client, 'export-button');
    const other = postgres(t.config.databaseUrl!, { max: 1, onnotice: () => {} });
    let release = () => {};
    let holder: Promise<unknown> = Promise.resolve();
    holdMemberships = () =>
      new Promise<void>((held) => {
        holder = other.begin(async (sql) => {
          await sql`lock table memberships in access exclusive mode`;
          held();
          await new Promise<void>((resolve) => (release = resolve));
        });
      });
    try {
      const saving = client.request({
        method: 'PATCH',
        url: '/api/admin/flags/export-button',
        payload: { version, reason: 'Off for now', targeting: targetingWith({ default: false }) },
      });
      // The change commits while the table is held back: only the answer waits for it.
      await vi.waitFor(
        async () => expect((await t.app.db.select({ version: featureFlags.version }).from(featureFlags).where(eq(featureFlags.key, 'export-button')))[0]!.version).toBe(version + 1),
        { timeout: 5_000, interval: 20 },
      );
      release();
      const saved = await saving;
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json<AdminFlag>()).toMatchObject({ version: version + 1, reach: [{ value: true, users: 0 }, { value: false }] });
    } finally {
      holdMemberships = undefined;
      release();
      await holder;
      await other.end();
    }
  });
});
