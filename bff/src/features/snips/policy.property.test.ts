import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { snipVisibilities, type SnipVisibility } from '#shared/contracts/snips.ts';
import { workspaceRoles, type WorkspaceRole } from '#shared/contracts/session.ts';
import { memberships, snips, snipShares, users, workspaces } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { startTestApp, type TestApp } from '../../test-app.ts';
import { readersAmong } from '../comments/policy.ts';
import { canChangeMembership, membershipsVisibleTo, workspacesVisibleTo } from '../workspaces/policy.ts';
import { canDeleteSnip, canEditSnip, canShareSnip, isVisibleTo, snipSharesVisibleTo, snipsVisibleTo } from './policy.ts';

// Random worlds of workspaces, users, memberships, snips and shares: for every actor, the SQL scopes must return
// exactly what a plain TypeScript oracle over the same data allows, and the write rules must agree with the oracle.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const uuid = (kind: number, index: number) => `00000000-0000-4000-8${kind}00-${index.toString(16).padStart(12, '0')}`;

type World = {
  workspaceCount: number;
  userCount: number;
  roles: (WorkspaceRole | null)[][]; // [user][workspace]
  snips: { author: number; workspace: number; visibility: SnipVisibility }[];
  /** Snips shared with users: with members of the snip's workspace or not (people leave), of any visibility. */
  shares: { snip: number; user: number }[];
};

const worldArbitrary: fc.Arbitrary<World> = fc
  .record({ workspaceCount: fc.integer({ min: 1, max: 3 }), userCount: fc.integer({ min: 1, max: 5 }) })
  .chain(({ workspaceCount, userCount }) =>
    fc.record({
      workspaceCount: fc.constant(workspaceCount),
      userCount: fc.constant(userCount),
      roles: fc.array(fc.array(fc.option(fc.constantFrom(...workspaceRoles), { nil: null }), { minLength: workspaceCount, maxLength: workspaceCount }), {
        minLength: userCount,
        maxLength: userCount,
      }),
      // Authors need not be members any more: people leave workspaces and their snips stay.
      snips: fc.array(
        fc.record({
          author: fc.integer({ min: 0, max: userCount - 1 }),
          workspace: fc.integer({ min: 0, max: workspaceCount - 1 }),
          visibility: fc.constantFrom(...snipVisibilities),
        }),
        { maxLength: 15 },
      ),
    }),
  )
  .chain((world) =>
    (world.snips.length === 0
      ? fc.constant<World['shares']>([])
      : fc.uniqueArray(fc.record({ snip: fc.integer({ min: 0, max: world.snips.length - 1 }), user: fc.integer({ min: 0, max: world.userCount - 1 }) }), {
          selector: (share) => `${share.snip}/${share.user}`,
          maxLength: 12,
        })
    ).map((shares) => ({ ...world, shares })),
  );

async function store(world: World) {
  const { db } = t.app;
  await db.execute(sql`truncate table snips, memberships, sessions, workspaces, users cascade`);
  await db.insert(workspaces).values(Array.from({ length: world.workspaceCount }, (_, w) => ({ id: uuid(1, w), name: `W${w}` })));
  await db.insert(users).values(Array.from({ length: world.userCount }, (_, u) => ({ id: uuid(2, u), email: `u${u}@example.com`, name: `U${u}`, passwordHash: 'x' })));
  const rows = world.roles.flatMap((row, u) => row.flatMap((role, w) => (role ? [{ userId: uuid(2, u), workspaceId: uuid(1, w), role }] : [])));
  if (rows.length) await db.insert(memberships).values(rows);
  if (world.snips.length) {
    await db.insert(snips).values(
      world.snips.map((snip, s) => ({
        id: uuid(3, s),
        workspaceId: uuid(1, snip.workspace),
        authorId: uuid(2, snip.author),
        title: `S${s}`,
        body: '',
        language: 'plaintext' as const,
        visibility: snip.visibility,
        publicSlug: snip.visibility === 'public' ? `slug-${s}` : null,
      })),
    );
  }
  if (world.shares.length) {
    await db.insert(snipShares).values(world.shares.map((share) => ({ snipId: uuid(3, share.snip), userId: uuid(2, share.user), sharedBy: uuid(2, world.snips[share.snip]!.author) })));
  }
}

const actorsOf = (world: World): Actor[] =>
  world.roles.flatMap((row, u) =>
    row.flatMap((role, w) =>
      role ? [{ userId: uuid(2, u), email: `u${u}@example.com`, name: `U${u}`, isPm: false, workspaceId: uuid(1, w), workspaceName: `W${w}`, role }] : [],
    ),
  );

// The oracle: the rules of README "How it behaves" and docs/decisions/0005-sharing-snips.md, written as plainly as
// possible.
const oracle = {
  sharedWith: (world: World, actor: Actor, s: number) => world.shares.some((share) => share.snip === s && uuid(2, share.user) === actor.userId),
  sees: (world: World, actor: Actor | null, s: number) => {
    const snip = world.snips[s]!;
    if (snip.visibility === 'public') return true;
    if (!actor || uuid(1, snip.workspace) !== actor.workspaceId) return false;
    return snip.visibility === 'workspace' || uuid(2, snip.author) === actor.userId || oracle.sharedWith(world, actor, s);
  },
  // A share adds readers, never writers: these two ask nothing about shares.
  edits: (world: World, actor: Actor, s: number) => {
    const snip = world.snips[s]!;
    if (uuid(1, snip.workspace) !== actor.workspaceId) return false;
    if (snip.visibility === 'private' && uuid(2, snip.author) !== actor.userId) return false;
    return actor.role === 'owner' || actor.role === 'admin' || (actor.role === 'member' && uuid(2, snip.author) === actor.userId);
  },
  shares: (world: World, actor: Actor, s: number) => {
    const snip = world.snips[s]!;
    if (actor.role === 'viewer' || uuid(1, snip.workspace) !== actor.workspaceId) return false;
    return snip.visibility !== 'private' || uuid(2, snip.author) === actor.userId;
  },
};

const sorted = (ids: string[]) => [...ids].sort();

it('the snip scope and write rules agree with the oracle for every actor in random worlds', async () => {
  await fc.assert(
    fc.asyncProperty(worldArbitrary, async (world) => {
      await store(world);
      const { db } = t.app;
      for (const actor of [null, ...actorsOf(world)]) {
        const visible = await db.select({ id: snips.id }).from(snips).where(snipsVisibleTo(actor));
        const expected = world.snips.map((_, s) => s).filter((s) => oracle.sees(world, actor, s)).map((s) => uuid(3, s));
        expect(sorted(visible.map((row) => row.id))).toEqual(sorted(expected));
        if (!actor) continue;
        world.snips.forEach((snip, s) => {
          const facts = { workspaceId: uuid(1, snip.workspace), authorId: uuid(2, snip.author), visibility: snip.visibility };
          expect(isVisibleTo(actor, { ...facts, sharedWithActor: oracle.sharedWith(world, actor, s) })).toBe(oracle.sees(world, actor, s));
          expect(canEditSnip(actor, facts)).toBe(oracle.edits(world, actor, s));
          expect(canDeleteSnip(actor, facts)).toBe(oracle.edits(world, actor, s));
          expect(canShareSnip(actor, facts)).toBe(oracle.shares(world, actor, s));
        });

        // Who else a snip is shared with: visible for exactly the snips the actor sees in their current workspace.
        const shares = await db.select({ snipId: snipShares.snipId, userId: snipShares.userId }).from(snipShares).where(snipSharesVisibleTo(actor));
        const expectedShares = world.shares
          .filter((share) => uuid(1, world.snips[share.snip]!.workspace) === actor.workspaceId && oracle.sees(world, actor, share.snip))
          .map((share) => `${uuid(3, share.snip)}/${uuid(2, share.user)}`);
        expect(sorted(shares.map((share) => `${share.snipId}/${share.userId}`))).toEqual(sorted(expectedShares));
      }
    }),
    { numRuns: 40 },
  );
});

it('the readers told of a comment are exactly the members who would see the snip in its workspace', async () => {
  await fc.assert(
    fc.property(worldArbitrary, (world) => {
      const actors = actorsOf(world);
      world.snips.forEach((snip, s) => {
        const workspaceId = uuid(1, snip.workspace);
        const everyone = world.roles.map((_, u) => uuid(2, u));
        const members = new Set(actors.filter((actor) => actor.workspaceId === workspaceId).map((actor) => actor.userId));
        const sharedWith = new Set(world.shares.filter((share) => share.snip === s).map((share) => uuid(2, share.user)));
        const expected = actors.filter((actor) => actor.workspaceId === workspaceId && oracle.sees(world, actor, s)).map((actor) => actor.userId);
        const readers = readersAmong(everyone, { workspaceId, authorId: uuid(2, snip.author), visibility: snip.visibility }, members, sharedWith);
        expect(sorted(readers)).toEqual(sorted(expected));
      });
    }),
    { numRuns: 200 },
  );
});

it('the workspace and membership scopes and the membership rules agree with the oracle', async () => {
  await fc.assert(
    fc.asyncProperty(worldArbitrary, fc.constantFrom<WorkspaceRole | null>(...workspaceRoles, null), async (world, to) => {
      await store(world);
      const { db } = t.app;
      for (const actor of actorsOf(world)) {
        const mine = await db.select({ id: workspaces.id }).from(workspaces).where(workspacesVisibleTo(db, actor));
        const u = Number.parseInt(actor.userId.slice(-12), 16);
        const expectedWorkspaces = world.roles[u]!.flatMap((role, w) => (role ? [uuid(1, w)] : []));
        expect(sorted(mine.map((row) => row.id))).toEqual(sorted(expectedWorkspaces));

        const seen = await db.select({ userId: memberships.userId }).from(memberships).where(membershipsVisibleTo(actor));
        const w = Number.parseInt(actor.workspaceId.slice(-12), 16);
        const expectedMembers = world.roles.flatMap((row, other) => (row[w] ? [uuid(2, other)] : []));
        expect(sorted(seen.map((row) => row.userId))).toEqual(sorted(expectedMembers));

        for (const target of seen) {
          const from = world.roles[Number.parseInt(target.userId.slice(-12), 16)]![w]!;
          const leaving = to === null && target.userId === actor.userId;
          const manages = actor.role === 'owner' || (actor.role === 'admin' && from !== 'owner' && to !== 'owner');
          expect(canChangeMembership(actor, { userId: target.userId, from, to })).toBe(leaving || manages);
        }
      }
    }),
    { numRuns: 25 },
  );
});
