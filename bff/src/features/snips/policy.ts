import { and, eq, exists, ne, or, sql, type SQL } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import type { Snip, SnipVisibility } from '#shared/contracts/snips.ts';
import { snips, snipShares } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';

// Scopes are conditions, not queries: a subquery built without a database composes into any query of any db.
const subquery = new QueryBuilder();

/**
 * The snips a viewer may see, as a condition that composes with any other filter, order or page:
 * public snips for anyone (signed out too), and in the actor's current workspace its non-private snips, the
 * actor's own private ones, and the private ones shared with the actor. Every path that lets snips out starts
 * here; no other code decides visibility.
 */
export function snipsVisibleTo(viewer: Actor | null): SQL {
  const isPublic = eq(snips.visibility, 'public');
  if (!viewer) return isPublic;
  // A share counts in the snip's own workspace only, so it lasts exactly as long as the viewer's membership.
  const sharedWithViewer = exists(
    subquery
      .select({ one: sql`1` })
      .from(snipShares)
      .where(and(eq(snipShares.snipId, snips.id), eq(snipShares.userId, viewer.userId))),
  );
  return or(
    isPublic,
    and(eq(snips.workspaceId, viewer.workspaceId), or(ne(snips.visibility, 'private'), eq(snips.authorId, viewer.userId), sharedWithViewer)),
  )!;
}

/**
 * The shares an actor may see: those of the snips they may see in their current workspace. Who else a snip one
 * can read is shared with says nothing about any snip one cannot; the routes narrow the list further.
 */
export function snipSharesVisibleTo(actor: Actor): SQL {
  return exists(
    subquery
      .select({ one: sql`1` })
      .from(snips)
      .where(and(eq(snips.id, snipShares.snipId), snipsVisibleTo(actor), eq(snips.workspaceId, actor.workspaceId))),
  );
}

/** What the rules below ask of a snip. */
export type SnipFacts = { workspaceId: string; authorId: string; visibility: SnipVisibility };

export const snipFacts = (snip: Snip): SnipFacts => ({ workspaceId: snip.workspaceId, authorId: snip.author.id, visibility: snip.visibility });

const managesWorkspace = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';

/**
 * The scope's rule for one snip, in TypeScript (the property test holds the two together). `sharedWithActor`:
 * the snip is shared with the actor.
 */
export const isVisibleTo = (actor: Pick<Actor, 'userId' | 'workspaceId'>, snip: SnipFacts & { sharedWithActor: boolean }) =>
  snip.visibility === 'public' ||
  (snip.workspaceId === actor.workspaceId && (snip.visibility !== 'private' || snip.authorId === actor.userId || snip.sharedWithActor));

/**
 * The write rules ask what the actor sees in the snip's workspace without any share: a share adds readers, never
 * writers, and nothing the scope hides can be written.
 */
const seesAsMember = (actor: Actor, snip: SnipFacts) =>
  snip.workspaceId === actor.workspaceId && isVisibleTo(actor, { ...snip, sharedWithActor: false });

export const canCreateSnip = (actor: Actor) => actor.role !== 'viewer';

/** Viewers read; members change their own snips; admins and owners any snip of their workspace they can see. */
export const canEditSnip = (actor: Actor, snip: SnipFacts) =>
  seesAsMember(actor, snip) && (managesWorkspace(actor) || (actor.role === 'member' && snip.authorId === actor.userId));

export const canDeleteSnip = canEditSnip;

/**
 * Sharing is writing: members and up may point anyone in the workspace at a snip they all can read; a private
 * snip only its author may share (someone it is shared with may not pass it on, and admins cannot see it).
 */
export const canShareSnip = (actor: Actor, snip: SnipFacts) => actor.role !== 'viewer' && seesAsMember(actor, snip);

/** A share is taken back by the snip's author, whoever made it, or by the person who made it. */
export const canRevokeShare = (actor: Actor, snip: SnipFacts, share: { sharedBy: string | null }) =>
  snip.authorId === actor.userId || share.sharedBy === actor.userId;
