import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { eq, inArray, ne, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import { booleanFlag, integerFlag, variantFlag, type FlagDeclaration } from '#shared/flags/declarations.ts';
import type { Evaluation } from '#shared/flags/evaluate.ts';
import { flagRegistry, type FlagKey } from '#shared/flags/registry.ts';
import { emptyTargeting, type FlagTargeting } from '#shared/flags/targeting.ts';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { Database } from '../../db/client.ts';
import { featureFlagAudit, featureFlags, jobs, snips } from '../../db/schema.ts';
import { demoAccounts } from '../../db/seed.ts';
import { qaFlagsCookie, signQaOverride } from '../../plugins/flags.ts';
import { sessionCookie } from '../../plugins/session.ts';
import { freshDatabase, startTestApp, type TestApp, type TestClient } from '../../test-app.ts';
import { openSocket, type TestSocket } from '../../test-socket.ts';

const idOf = (email: string) => demoAccounts.find((account) => account.email === email)!.id;
const acme = demoAccounts[0]!.workspaceId;
const clientKeys = Object.entries(flagRegistry).filter(([, declaration]) => declaration.client).map(([key]) => key).sort();
/** Two instances need PostgreSQL and Redis; without them the writer and the reader are one app. */
const scaled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

/** Changes a flag's targeting as the console does: the change committed with a new version, then `changed`. */
async function retarget(app: FastifyInstance, key: string, change: (targeting: FlagTargeting) => void) {
  const [row] = await app.db.select().from(featureFlags).where(eq(featureFlags.key, key));
  const targeting = structuredClone(row!.targeting);
  change(targeting);
  await app.db.update(featureFlags).set({ targeting, version: row!.version + 1 }).where(eq(featureFlags.key, key));
  await app.flags.changed(key);
}

/** Empties every targeted flag again (with a new version, as any change), so tests start from the defaults. */
async function resetTargeting(app: FastifyInstance) {
  const empty = emptyTargeting();
  const changed = await app.db
    .update(featureFlags)
    .set({ targeting: empty, version: sql`${featureFlags.version} + 1` })
    .where(ne(featureFlags.targeting, empty))
    .returning({ key: featureFlags.key });
  for (const { key } of changed) await app.flags.changed(key);
}

/**
 * Runs `work` while `feature_flags` cannot be read at all: a request that read a flag from the database would fail,
 * so one that answers proves it read none.
 */
async function withoutFlagsTable(db: Database, work: () => Promise<void>) {
  await db.execute(sql`alter table feature_flags rename to feature_flags_away`);
  try {
    await expect(db.select().from(featureFlags)).rejects.toThrow();
    await work();
  } finally {
    await db.execute(sql`alter table feature_flags_away rename to feature_flags`);
  }
}

const viewing = (names: string[]) => (message: ServerMessage) =>
  message.type === 'presence' && message.viewers.map((viewer) => viewer.name).join() === names.join();
/** The next message from now on that matches: `next` alone also finds the ones already received. */
const nextFromNow = (socket: TestSocket, match: (message: ServerMessage) => boolean) => {
  const from = socket.messages.length;
  return socket.next((message) => socket.messages.indexOf(message) >= from && match(message));
};

const snapshotOf = async (client: TestClient, url = '/api/flags') => {
  const response = await client.request({ url });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<FlagSnapshot>();
};

describe('start-up sync', () => {
  it('adds a new flag, keeps a removed one as orphaned with its targeting, takes it back, and serves only what fits', { timeout: 180_000 }, async () => {
    // Three deploys of different code on one database: on PostgreSQL instances of one deployment; PGlite belongs to
    // one process at a time, so there each deploy starts once the one before has stopped.
    const dataDir = await mkdtemp(join(tmpdir(), 'snipdesk-flags-'));
    const member = idOf('member@example.com');
    const trialV1 = variantFlag({ description: 'A trial.', owner: 'tests', variants: ['a', 'b', 'c'], default: 'a', unit: 'user', client: true, propagation: 'live', expires: '2099-01-01' });
    const trialV2 = variantFlag({ description: 'A trial.', owner: 'tests', variants: ['a', 'b'], default: 'b', unit: 'user', client: true, propagation: 'live', expires: '2099-01-01' });
    const oldFlag = booleanFlag({ description: 'On its way out.', owner: 'tests', default: false, unit: 'user', client: false, propagation: 'live', permanent: true });
    const newFlag = integerFlag({ description: 'Just in.', owner: 'tests', min: 1, max: 9, default: 3, unit: 'workspace', client: false, propagation: 'live', permanent: true });
    const open: TestApp[] = [];
    /** `anHourLater`: the instances started so far did so over an hour before this one (their declarations are that old). */
    const deploy = async (declarations: Record<string, FlagDeclaration>, { anHourLater = false } = {}) => {
      const [first] = open;
      if (first && anHourLater) {
        const { app } = open.at(-1)!;
        const longAgo = new Date(app.clock.now().getTime() - 61 * 60 * 1000).toISOString();
        await app.db.update(featureFlags).set({ declaration: sql`jsonb_set(${featureFlags.declaration}, '{declaredAt}', to_jsonb(${longAgo}::text))` });
      }
      if (first && !process.env.DATABASE_URL) await open.pop()!.close();
      const next = await startTestApp({
        environment: { DATA_DIR: dataDir },
        flagDeclarations: { ...flagRegistry, ...declarations },
        ...(first && process.env.DATABASE_URL ? { instanceOf: first } : {}),
      });
      open.push(next);
      return next;
    };
    const rows = async (app: FastifyInstance) =>
      Object.fromEntries((await app.db.select().from(featureFlags)).map((row) => [row.key, row]));
    try {
      const first = await deploy({ 'old-flag': oldFlag, 'layout-trial': trialV1 });
      expect(Object.keys(await rows(first.app)).sort()).toEqual([...Object.keys(flagRegistry), 'layout-trial', 'old-flag'].sort());
      await retarget(first.app, 'old-flag', (targeting) => {
        targeting.users.overrides[member] = true;
      });
      await retarget(first.app, 'layout-trial', (targeting) => {
        targeting.default = 'c';
        targeting.users.overrides[member] = 'c';
        targeting.workspaces.overrides[acme] = 'b';
        targeting.rollout = { percent: 100, split: [{ value: 'a', weight: 50 }, { value: 'c', weight: 50 }] };
      });
      // People with no rule of their own: the split decides for them.
      const units = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${(0xf000 + i).toString(16).padStart(12, '0')}`);
      const trialValue = (app: FastifyInstance, userId: string, workspaceId: string | null = null): Evaluation =>
        app.flags.for({ userId, workspaceId }).evaluate('layout-trial' as FlagKey);
      const before = units.map((userId) => trialValue(first.app, userId).value);
      expect(new Set(before)).toEqual(new Set(['a', 'c']));

      const second = await deploy({ 'new-flag': newFlag, 'layout-trial': trialV2 }, { anHourLater: true });
      const afterRemoval = await rows(second.app);
      expect(afterRemoval['new-flag']).toMatchObject({ orphaned: false, version: 1, targeting: emptyTargeting(), declaration: newFlag });
      expect(afterRemoval['old-flag']).toMatchObject({ orphaned: true, version: 2, declaration: oldFlag });
      expect(afterRemoval['old-flag']!.targeting.users.overrides).toEqual({ [member]: true });
      // Variant c is gone from the code: the member's override of c is dropped (their workspace's b applies), and the
      // units the split gave c get the fallback (the targeting's default c does not fit either: the declared b),
      // while those it gave a keep a.
      expect(trialValue(second.app, member, acme)).toEqual({ value: 'b', reason: 'override', rule: 'workspace-override' });
      expect(units.map((userId) => trialValue(second.app, userId).value)).toEqual(before.map((value) => (value === 'c' ? 'b' : value)));

      // Mid-deploy, an instance of the first release restarts: it serves the old flag again, and leaves alone the
      // new one, which the second release declared minutes ago.
      const restarted = await deploy({ 'old-flag': oldFlag, 'layout-trial': trialV1 });
      const midDeploy = await rows(restarted.app);
      expect(midDeploy['new-flag']).toMatchObject({ orphaned: false });
      expect(midDeploy['old-flag']).toMatchObject({ orphaned: false, version: 2 });

      const third = await deploy({ 'old-flag': oldFlag }, { anHourLater: true });
      const afterReturn = await rows(third.app);
      expect(afterReturn['old-flag']).toMatchObject({ orphaned: false, version: 2 });
      expect(third.app.flags.for({ userId: member, workspaceId: acme }).evaluate('old-flag' as FlagKey)).toEqual({ value: true, reason: 'override', rule: 'user-override' });
      expect(afterReturn['layout-trial']).toMatchObject({ orphaned: true });
      expect(afterReturn['new-flag']).toMatchObject({ orphaned: true });
    } finally {
      // On PostgreSQL the first app owns the database: it closes last.
      for (const app of open.reverse()) await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!process.env.DATABASE_URL)('lets two instances start together on one database', { timeout: 60_000 }, async () => {
    const database = await freshDatabase();
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.databaseUrl! });
    const starting = await Promise.allSettled([buildApp({ config }), buildApp({ config })]);
    try {
      expect(starting.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started'))).toEqual(['started', 'started']);
      const [app] = starting.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const stored = await app!.db.select({ key: featureFlags.key, version: featureFlags.version, orphaned: featureFlags.orphaned }).from(featureFlags);
      expect(stored.sort((a, b) => a.key.localeCompare(b.key))).toEqual(Object.keys(flagRegistry).sort().map((key) => ({ key, version: 1, orphaned: false })));
    } finally {
      for (const result of starting) if (result.status === 'fulfilled') await result.value.close();
      await database.drop();
    }
  });
});

describe('flags at run time', () => {
  let t: TestApp;
  let origin: string;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    origin = await t.listen();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.ws.close();
    await resetTargeting(t.app);
  });
  afterAll(() => t.close());

  const socketOf = async (client: TestClient) => {
    const socket = await openSocket(origin, client);
    sockets.push(socket);
    return socket;
  };

  it('answers the client flags signed out, resolved for nobody, and no server-only flag', async () => {
    const response = await t.client().request({ url: '/api/flags' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(response.body).not.toContain('export-read-batch-size');
    const snapshot = response.json<FlagSnapshot>();
    expect(Object.keys(snapshot.flags).sort()).toEqual(clientKeys);
    expect(snapshot.revision).toBe(t.app.flags.revision());
    expect(snapshot.flags['snips-page-size']).toEqual({ value: 20, reason: 'default', rule: 'declared-default', propagation: 'next-navigation' });
    expect(snapshot.flags['export-button']).toEqual({ value: true, reason: 'default', rule: 'declared-default', propagation: 'live' });
  });

  it('resolves for the signed-in user: an override set in the database and announced applies to them alone', async () => {
    const member = await t.signIn('member@example.com');
    const owner = await t.signIn('owner@example.com');
    const before = await snapshotOf(member);
    await retarget(t.app, 'snips-page-size', (targeting) => {
      targeting.users.overrides[idOf('member@example.com')] = 50;
    });
    await retarget(t.app, 'snip-editor-layout', (targeting) => {
      targeting.workspaces.denies.push(acme);
      targeting.default = 'side-by-side';
    });
    const after = await snapshotOf(member);
    expect(after.revision).toBe(before.revision + 2);
    expect(after.flags['snips-page-size']).toEqual({ value: 50, reason: 'override', rule: 'user-override', propagation: 'next-navigation' });
    // A deny serves the off value: for a variant flag, the declared default.
    expect(after.flags['snip-editor-layout']).toMatchObject({ value: 'stacked', reason: 'deny', rule: 'workspace-deny' });
    expect((await snapshotOf(owner)).flags['snips-page-size']).toMatchObject({ value: 20, reason: 'default' });
    // Globex is not denied: it gets the targeting's default.
    expect((await snapshotOf(await t.signIn('outsider@example.com'))).flags['snip-editor-layout']).toMatchObject({ value: 'side-by-side', rule: 'targeting-default' });
    expect(JSON.stringify(after)).not.toContain('export-read-batch-size');
  });

  it('reads no flag from the database per request, and catches up when asked for a revision it has not heard of', async () => {
    const member = await t.signIn('member@example.com');
    const revision = t.app.flags.revision();
    // A change whose announcement never came (as when Redis is down): this instance does not know of it.
    await t.app.db
      .update(featureFlags)
      .set({ targeting: { ...emptyTargeting(), users: { overrides: { [idOf('member@example.com')]: 70 }, denies: [] } }, version: sql`${featureFlags.version} + 1` })
      .where(eq(featureFlags.key, 'snips-page-size'));
    expect((await snapshotOf(member)).flags['snips-page-size']!.value).toBe(20);
    // A tab told of the revision by another instance asks for it.
    const caughtUp = await snapshotOf(member, `/api/flags?atLeast=${revision + 1}`);
    expect(caughtUp).toMatchObject({ revision: revision + 1, flags: { 'snips-page-size': { value: 70, rule: 'user-override' } } });
    await withoutFlagsTable(t.app.db, async () => {
      expect((await snapshotOf(member)).flags['snips-page-size']!.value).toBe(70);
      // Past it already: nothing to read.
      expect((await snapshotOf(member, `/api/flags?atLeast=${revision}`)).revision).toBe(revision + 1);
    });
  });

  it('catches up when asked for the revision it has: another instance may have reached that sum by another change', async () => {
    const member = await t.signIn('member@example.com');
    const revision = t.app.flags.revision();
    // This instance hears of one change; another, committed at the same time, was announced to the others only.
    await retarget(t.app, 'export-button', (targeting) => {
      targeting.workspaces.overrides[acme] = false;
    });
    await t.app.db
      .update(featureFlags)
      .set({ targeting: { ...emptyTargeting(), users: { overrides: { [idOf('member@example.com')]: 70 }, denies: [] } }, version: sql`${featureFlags.version} + 1` })
      .where(eq(featureFlags.key, 'snips-page-size'));
    expect(t.app.flags.revision()).toBe(revision + 1);
    // A tab told `revision + 1` by an instance that knows only the other change asks this one.
    const caughtUp = await snapshotOf(member, `/api/flags?atLeast=${revision + 1}`);
    expect(caughtUp).toMatchObject({ revision: revision + 2, flags: { 'snips-page-size': { value: 70 }, 'export-button': { value: false } } });

    // Tabs asking at once share the reads: the one under way when they ask, and one after it.
    const statements = recordStatements(t.app);
    try {
      await Promise.all(Array.from({ length: 20 }, () => t.app.flags.catchUp(revision + 2)));
    } finally {
      statements.stop();
    }
    expect(statements.texts.filter((text) => text.includes('"feature_flags"')).length).toBeLessThanOrEqual(2);
  });

  it('announces a committed change even when this instance cannot read it, and does not fail the writer', async () => {
    const member = await t.signIn('member@example.com');
    const revision = t.app.flags.revision();
    const announced: unknown[] = [];
    const stopListening = await t.app.channels.subscribe('control:flags', (message) => announced.push(message));
    try {
      await t.app.db
        .update(featureFlags)
        .set({ targeting: { ...emptyTargeting(), users: { overrides: { [idOf('member@example.com')]: 70 }, denies: [] } }, version: sql`${featureFlags.version} + 1` })
        .where(eq(featureFlags.key, 'snips-page-size'));
      await withoutFlagsTable(t.app.db, async () => {
        await expect(t.app.flags.changed('snips-page-size')).resolves.toBeUndefined();
        await vi.waitFor(() => expect(announced).toEqual([{ key: 'snips-page-size' }]));
      });
    } finally {
      await stopListening();
    }
    // Not read here yet: a tab told of it by an instance that could read it brings it in.
    expect(t.app.flags.revision()).toBe(revision);
    expect((await snapshotOf(member, `/api/flags?atLeast=${revision + 1}`)).flags['snips-page-size']).toMatchObject({ value: 70, rule: 'user-override' });
  });

  it('refuses an export with 403 feature_off where the export button is off, and only there', async () => {
    const member = await t.signIn('member@example.com');
    await retarget(t.app, 'export-button', (targeting) => {
      targeting.workspaces.overrides[acme] = false;
    });
    const refused = await member.request({ method: 'POST', url: '/api/exports', payload: {} });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'feature_off' });
    expect((await (await t.signIn('outsider@example.com')).request({ method: 'POST', url: '/api/exports', payload: {} })).statusCode).toBe(202);
  });

  it('streams a higher revision to the user’s own flags stream after a change, and denies anyone else’s', async () => {
    const member = await t.signIn('member@example.com');
    const socket = await socketOf(member);
    const stream = `flags:${idOf('member@example.com')}`;
    socket.send({ v: 1, type: 'subscribe', stream });
    const revision = t.app.flags.revision();
    expect(await socket.next((message) => message.stream === stream)).toEqual({ v: 1, type: 'snapshot', stream, seq: revision, state: { kind: 'flags', revision } });
    await retarget(t.app, 'export-button', (targeting) => {
      targeting.killed = true;
    });
    expect(await socket.next((message) => message.type === 'update')).toEqual({ v: 1, type: 'update', stream, seq: revision + 1, state: { kind: 'flags', revision: revision + 1 } });

    const others = `flags:${idOf('owner@example.com')}`;
    socket.send({ v: 1, type: 'subscribe', stream: others });
    expect(await socket.next((message) => message.stream === others)).toEqual({ v: 1, type: 'denied', stream: others });
  });

  it('keeps the audit trail append-only: the database refuses to change or remove an entry', async () => {
    const [entry] = await t.app.db
      .insert(featureFlagAudit)
      .values({ flagKey: 'export-button', kind: 'change', actorId: null, actorName: null, reason: 'Written once', before: emptyTargeting(), after: emptyTargeting() })
      .returning();
    const refused = { cause: expect.objectContaining({ message: expect.stringContaining('feature_flag_audit is append-only') }) };
    await expect(t.app.db.update(featureFlagAudit).set({ reason: 'Rewritten' }).where(eq(featureFlagAudit.id, entry!.id))).rejects.toMatchObject(refused);
    await expect(t.app.db.delete(featureFlagAudit).where(eq(featureFlagAudit.id, entry!.id))).rejects.toMatchObject(refused);
    await expect(t.app.db.execute(sql`truncate feature_flag_audit`)).rejects.toMatchObject(refused);
    expect(await t.app.db.select().from(featureFlagAudit).where(eq(featureFlagAudit.id, entry!.id))).toEqual([entry]);
  });

  describe('live-presence', () => {
    it('switched off for a viewer: they neither appear among the viewers nor hear of them; switched on, both do', async () => {
      const ownerClient = await t.signIn('owner@example.com');
      const viewerClient = await t.signIn('viewer@example.com');
      const snip = (await ownerClient.request({ method: 'POST', url: '/api/snips', payload: { title: 'Watched', body: 'x', language: 'go' } })).json();
      const stream = `snip:${snip.id}`;
      await retarget(t.app, 'live-presence', (targeting) => {
        targeting.users.overrides[idOf('viewer@example.com')] = false;
      });

      const owner = await socketOf(ownerClient);
      owner.send({ v: 1, type: 'subscribe', stream });
      await owner.next(viewing(['Olivia Owner']));
      const viewer = await socketOf(viewerClient);
      viewer.send({ v: 1, type: 'subscribe', stream });
      await viewer.next((message) => message.type === 'snapshot');
      // A change both follow: anything presence would have sent either of them comes before it.
      await ownerClient.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Still watched', version: 1 } });
      await viewer.next((message) => message.type === 'update');
      await owner.next((message) => message.type === 'update');
      expect(viewer.messages.filter((message) => message.type === 'presence')).toEqual([]);
      expect(owner.messages.filter((message) => message.type === 'presence').every(viewing(['Olivia Owner']))).toBe(true);

      await resetTargeting(t.app);
      const again = await socketOf(viewerClient);
      again.send({ v: 1, type: 'subscribe', stream });
      await again.next(viewing(['Olivia Owner', 'Vera Viewer']));
      await owner.next(viewing(['Olivia Owner', 'Vera Viewer']));
    });

    it('follows a flip at once for sockets already viewing: off, the viewer leaves and hears no more; on, both again', async () => {
      const ownerClient = await t.signIn('owner@example.com');
      const viewerClient = await t.signIn('viewer@example.com');
      const snip = (await ownerClient.request({ method: 'POST', url: '/api/snips', payload: { title: 'Watched', body: 'x', language: 'go' } })).json();
      const stream = `snip:${snip.id}`;
      const owner = await socketOf(ownerClient);
      owner.send({ v: 1, type: 'subscribe', stream });
      await owner.next(viewing(['Olivia Owner']));
      const viewer = await socketOf(viewerClient);
      viewer.send({ v: 1, type: 'subscribe', stream });
      await viewer.next(viewing(['Olivia Owner', 'Vera Viewer']));
      await owner.next(viewing(['Olivia Owner', 'Vera Viewer']));

      const ownerSeesOwnerOnly = nextFromNow(owner, viewing(['Olivia Owner']));
      const heardBeforeFlip = viewer.messages.length;
      await retarget(t.app, 'live-presence', (targeting) => {
        targeting.users.overrides[idOf('viewer@example.com')] = false;
      });
      await ownerSeesOwnerOnly;
      // Someone else comes to view it: the viewer, switched off, is not told.
      const member = await socketOf(await t.signIn('member@example.com'));
      member.send({ v: 1, type: 'subscribe', stream });
      await owner.next(viewing(['Max Member', 'Olivia Owner']));
      // A change all follow: anything presence would have sent the viewer comes before it.
      await ownerClient.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Still watched', version: 1 } });
      await viewer.next((message) => message.type === 'update');
      expect(viewer.messages.slice(heardBeforeFlip).filter((message) => message.type === 'presence')).toEqual([]);

      const everyone = ['Max Member', 'Olivia Owner', 'Vera Viewer'];
      const ownerSeesEveryone = nextFromNow(owner, viewing(everyone));
      await resetTargeting(t.app);
      await viewer.next(viewing(everyone));
      await ownerSeesEveryone;
    });
  });

  it('reads export batches of the size the flag gives the job’s workspace', { timeout: 60_000 }, async () => {
    const owner = await t.signIn('owner@example.com');
    await t.app.db.insert(snips).values(
      Array.from({ length: 40 }, (_, i) => ({ workspaceId: acme, authorId: idOf('owner@example.com'), title: `Batch ${i}`, body: 'x', language: 'go' as const, visibility: 'workspace' as const })),
    );
    await t.app.jobs.startWorkers();
    // Jobs queued by earlier tests run first: their reads must not be counted.
    await vi.waitFor(async () => expect(await t.app.db.select().from(jobs).where(inArray(jobs.status, ['queued', 'running']))).toEqual([]), { timeout: 30_000 });
    const exportBatches = async () => {
      const statements = recordStatements(t.app);
      try {
        const job = (await owner.request({ method: 'POST', url: '/api/exports', payload: {} })).json();
        const finished = await vi.waitFor(
          async () => {
            const state = (await owner.request({ url: `/api/jobs/${job.id}` })).json();
            expect(state.status).toBe('succeeded');
            return state;
          },
          { timeout: 30_000, interval: 50 },
        );
        // The batch reads are the statements that read the snips' bodies with their authors' names.
        return { total: finished.progress.total as number, batches: statements.texts.filter((text) => text.includes('"snips"."body"') && text.includes('"users"."name"')).length };
      } finally {
        statements.stop();
      }
    };
    const byDefault = await exportBatches();
    expect(byDefault.total).toBeGreaterThan(40);
    expect(byDefault.batches).toBe(Math.ceil(byDefault.total / flagRegistry['export-read-batch-size'].default));
    await retarget(t.app, 'export-read-batch-size', (targeting) => {
      targeting.workspaces.overrides[acme] = 7;
    });
    const flagged = await exportBatches();
    expect(flagged).toEqual({ total: byDefault.total, batches: Math.ceil(byDefault.total / 7) });
  });

  describe('QA override (NODE_ENV=test)', () => {
    it('forces values for this session only, honoured by the server too, and is cleared by DELETE', async () => {
      const member = await t.signIn('member@example.com');
      const forced = await member.request({ method: 'PUT', url: '/api/qa/flags', payload: { flags: { 'snip-editor-layout': 'side-by-side', 'export-button': false } } });
      expect(forced.statusCode, forced.body).toBe(200);
      expect(forced.json<FlagSnapshot>().flags['snip-editor-layout']).toMatchObject({ value: 'side-by-side', reason: 'qa-override', rule: 'qa-override' });
      expect((await snapshotOf(member)).flags['export-button']).toMatchObject({ value: false, reason: 'qa-override' });
      expect((await member.request({ method: 'POST', url: '/api/exports', payload: {} })).statusCode).toBe(403);
      // The same person in another session is not affected.
      expect((await snapshotOf(await t.signIn('member@example.com'))).flags['snip-editor-layout']).toMatchObject({ value: 'stacked', reason: 'default' });

      const cleared = await member.request({ method: 'DELETE', url: '/api/qa/flags' });
      expect(cleared.statusCode).toBe(200);
      expect(cleared.json<FlagSnapshot>().flags['export-button']).toMatchObject({ value: true, reason: 'default' });
      expect((await snapshotOf(member)).flags['snip-editor-layout']).toMatchObject({ value: 'stacked', reason: 'default' });
    });

    it('refuses values outside the flag’s type and keys that are not declared, naming them', async () => {
      const member = await t.signIn('member@example.com');
      const outOfRange = await member.request({ method: 'PUT', url: '/api/qa/flags', payload: { flags: { 'snips-page-size': 1000 } } });
      expect(outOfRange.statusCode).toBe(400);
      expect(outOfRange.json().error.details.issues).toEqual([{ location: 'body', path: 'flags.snips-page-size', message: 'This flag’s value is a whole number from 10 to 100.' }]);
      const wrongVariant = await member.request({ method: 'PUT', url: '/api/qa/flags', payload: { flags: { 'snip-editor-layout': 'sideways' } } });
      expect(wrongVariant.json().error.details.issues[0].message).toBe('This flag’s value is one of stacked, side-by-side.');
      const unknown = await member.request({ method: 'PUT', url: '/api/qa/flags', payload: { flags: { 'no-such-flag': true } } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.message).toContain('flags.no-such-flag');
      expect(member.cookies.has(qaFlagsCookie)).toBe(false);
    });

    it('ignores the cookie in another session, and a tampered one', async () => {
      const member = await t.signIn('member@example.com');
      await member.request({ method: 'PUT', url: '/api/qa/flags', payload: { flags: { 'snips-page-size': 99 } } });
      const cookie = member.cookies.get(qaFlagsCookie)!;
      expect((await snapshotOf(member)).flags['snips-page-size']!.value).toBe(99);

      const other = await t.signIn('member@example.com');
      other.cookies.set(qaFlagsCookie, cookie);
      expect((await snapshotOf(other)).flags['snips-page-size']).toMatchObject({ value: 20, reason: 'default' });

      const [payload, signature] = cookie.split('.');
      const content = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      member.cookies.set(qaFlagsCookie, `${Buffer.from(JSON.stringify({ ...content, f: { 'snips-page-size': 98 } })).toString('base64url')}.${signature}`);
      expect((await snapshotOf(member)).flags['snips-page-size']).toMatchObject({ value: 20, reason: 'default' });
    });
  });
});

describe('QA override outside NODE_ENV=test', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ environment: { NODE_ENV: 'development' } });
  });
  afterAll(() => t.close());

  const sessionIdHashOf = (client: TestClient) => createHash('sha256').update(client.cookies.get(sessionCookie)!).digest('base64url');

  it('does not exist for a normal user, and a validly signed cookie of their own session is still ignored', async () => {
    const member = await t.signIn('member@example.com');
    for (const method of ['PUT', 'DELETE'] as const) {
      const response = await member.request({ method, url: '/api/qa/flags', ...(method === 'PUT' ? { payload: { flags: { 'snips-page-size': 50 } } } : {}) });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    member.cookies.set(qaFlagsCookie, signQaOverride(t.config.sessionSecret, sessionIdHashOf(member), { 'snips-page-size': 50 }));
    expect((await snapshotOf(member)).flags['snips-page-size']).toMatchObject({ value: 20, reason: 'default' });
  });

  it('is honoured for a user with the QA role', async () => {
    const qa = await t.signIn('qa@example.com');
    const forced = await qa.request({ method: 'PUT', url: '/api/qa/flags', payload: { flags: { 'snips-page-size': 50 } } });
    expect(forced.statusCode, forced.body).toBe(200);
    expect((await snapshotOf(qa)).flags['snips-page-size']).toEqual({ value: 50, reason: 'qa-override', rule: 'qa-override', propagation: 'next-navigation' });
  });
});

describe.skipIf(!scaled)('a flip across two instances behind one Redis', () => {
  let writer: TestApp;
  let reader: TestApp;
  let readerOrigin: string;
  beforeAll(async () => {
    writer = await startTestApp();
    reader = await startTestApp({ instanceOf: writer });
    readerOrigin = await reader.listen();
  });
  afterAll(async () => {
    await reader.close();
    await writer.close();
  });

  it('reaches the other instance’s open tab and its next request, which reads no flag from the database', async () => {
    const member = await reader.signIn('member@example.com');
    const socket = await openSocket(readerOrigin, member);
    const stream = `flags:${idOf('member@example.com')}`;
    socket.send({ v: 1, type: 'subscribe', stream });
    await socket.next((message) => message.type === 'snapshot');
    expect((await snapshotOf(member)).flags['snips-page-size']!.value).toBe(20);

    await retarget(writer.app, 'snips-page-size', (targeting) => {
      targeting.users.overrides[idOf('member@example.com')] = 50;
    });
    const revision = writer.app.flags.revision();
    // The tab hears of the change on the other instance, and asks that instance for it.
    expect(await socket.next((message) => message.type === 'update')).toMatchObject({ seq: revision, state: { kind: 'flags', revision } });
    expect((await snapshotOf(member, `/api/flags?atLeast=${revision}`)).flags['snips-page-size']).toMatchObject({ value: 50, rule: 'user-override' });

    await retarget(writer.app, 'export-button', (targeting) => {
      targeting.workspaces.overrides[acme] = false;
    });
    await vi.waitFor(() => expect(reader.app.flags.revision()).toBe(writer.app.flags.revision()));
    await withoutFlagsTable(writer.app.db, async () => {
      const refused = await member.request({ method: 'POST', url: '/api/exports', payload: {} });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('feature_off');
      expect((await snapshotOf(member)).flags['export-button']).toMatchObject({ value: false, rule: 'workspace-override' });
    });
    socket.ws.close();
  });

  it('applies the live-presence kill switch to the other instance’s open sockets at once', async () => {
    const ownerClient = await reader.signIn('owner@example.com');
    const snip = (await ownerClient.request({ method: 'POST', url: '/api/snips', payload: { title: 'Watched', body: 'x', language: 'go' } })).json();
    const stream = `snip:${snip.id}`;
    const [owner, viewer] = [await openSocket(readerOrigin, ownerClient), await openSocket(readerOrigin, await reader.signIn('viewer@example.com'))];
    try {
      owner.send({ v: 1, type: 'subscribe', stream });
      await owner.next(viewing(['Olivia Owner']));
      viewer.send({ v: 1, type: 'subscribe', stream });
      await owner.next(viewing(['Olivia Owner', 'Vera Viewer']));

      const ownerSeesOwnerOnly = nextFromNow(owner, viewing(['Olivia Owner']));
      await retarget(writer.app, 'live-presence', (targeting) => {
        targeting.users.overrides[idOf('viewer@example.com')] = false;
      });
      await ownerSeesOwnerOnly;
      const ownerSeesBoth = nextFromNow(owner, viewing(['Olivia Owner', 'Vera Viewer']));
      await retarget(writer.app, 'live-presence', (targeting) => {
        targeting.users.overrides = {};
      });
      await ownerSeesBoth;
    } finally {
      owner.ws.close();
      viewer.ws.close();
    }
  });
});

/**
 * Every SQL statement the app's own pool sends from now until `stop()`, seen at the driver: PGlite's `query`, or
 * postgres.js's `unsafe` (behind the pool's wait bound, a proxy that calls the pool's own `unsafe`).
 */
function recordStatements(app: FastifyInstance) {
  const client = (app.db as unknown as { $client: Record<string, (...args: unknown[]) => unknown> }).$client;
  const method = app.dbMode === 'embedded' ? 'query' : 'unsafe';
  const original = app.dbMode === 'embedded' ? client[method]!.bind(client) : (Object.getOwnPropertyDescriptor(client, method)!.value as (...args: unknown[]) => unknown);
  const texts: string[] = [];
  Object.defineProperty(client, method, {
    configurable: true,
    writable: true,
    value: (text: string, ...rest: unknown[]) => {
      texts.push(text);
      return original(text, ...rest);
    },
  });
  return {
    texts,
    stop() {
      if (app.dbMode === 'embedded') delete client[method];
      else Object.defineProperty(client, method, { configurable: true, writable: true, value: original });
    },
  };
}
