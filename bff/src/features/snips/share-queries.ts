import { and, asc, eq, isNull, ne, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { SnipShare } from '#shared/contracts/snip-shares.ts';
import type { Database } from '../../db/client.ts';
import { snipShares, users } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { snipSharesVisibleTo } from './policy.ts';

const sharer = alias(users, 'sharer');

/** Who the snip is shared with (or, given `userId`, that one share), oldest share first. */
export async function listShares(db: Database, actor: Actor, snipId: string, userId?: string): Promise<SnipShare[]> {
  const rows = await db
    .select({
      userId: users.id,
      name: users.name,
      sharedById: sharer.id,
      sharedByName: sharer.name,
      sharedAt: snipShares.createdAt,
    })
    .from(snipShares)
    .innerJoin(users, eq(users.id, snipShares.userId))
    .leftJoin(sharer, eq(sharer.id, snipShares.sharedBy))
    .where(and(snipSharesVisibleTo(actor), eq(snipShares.snipId, snipId), userId === undefined ? undefined : eq(snipShares.userId, userId)))
    .orderBy(asc(snipShares.createdAt), asc(users.name));
  return rows.map(({ sharedById, sharedByName, sharedAt, ...row }) => ({
    ...row,
    sharedBy: sharedById && sharedByName !== null ? { id: sharedById, name: sharedByName } : null,
    sharedAt: sharedAt.toISOString(),
  }));
}

/** The one share of the snip with `userId`; undefined when there is none the actor may see. */
export async function findShare(db: Database, actor: Actor, snipId: string, userId: string): Promise<SnipShare | undefined> {
  const [share] = await listShares(db, actor, snipId, userId);
  return share;
}

/** Shares the snip as the actor; false when it was shared with that person already (the first share stands). */
export async function insertShare(db: Database, actor: Actor, snipId: string, userId: string, now: Date): Promise<boolean> {
  const inserted = await db
    .insert(snipShares)
    .values({ snipId, userId, sharedBy: actor.userId, createdAt: now })
    .onConflictDoNothing()
    .returning({ userId: snipShares.userId });
  return inserted.length === 1;
}

export async function deleteShare(db: Database, actor: Actor, snipId: string, userId: string): Promise<void> {
  await db.delete(snipShares).where(and(snipSharesVisibleTo(actor), eq(snipShares.snipId, snipId), eq(snipShares.userId, userId)));
}

/** The people a snip is shared with, by id: for a private snip, its readers besides its author. */
export async function shareRecipients(db: Database, actor: Actor, snipId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: snipShares.userId })
    .from(snipShares)
    .where(and(snipSharesVisibleTo(actor), eq(snipShares.snipId, snipId)));
  return rows.map((row) => row.userId);
}

/**
 * Run in the transaction that makes a snip private, before the change (while the actor still sees the snip): only
 * its author may share a private snip, so shares others made while everyone could read it must not start
 * granting access now.
 */
export async function dropSharesByOthers(db: Database, actor: Actor, snipId: string, authorId: string): Promise<void> {
  await db
    .delete(snipShares)
    .where(and(snipSharesVisibleTo(actor), eq(snipShares.snipId, snipId), or(isNull(snipShares.sharedBy), ne(snipShares.sharedBy, authorId))));
}
