import { and, eq, exists, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { comments, snips } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { isVisibleTo, snipsVisibleTo, type SnipFacts } from '../snips/policy.ts';

/** Comments are as visible as their snip, in the actor's current workspace: the snip scope decides. */
export function commentsVisibleTo(db: Database, actor: Actor): SQL {
  return exists(
    db
      .select({ id: snips.id })
      .from(snips)
      .where(and(eq(snips.id, comments.snipId), snipsVisibleTo(actor), eq(snips.workspaceId, actor.workspaceId))),
  );
}

/** Commenting is writing: members and up, on any snip they can see. */
export const canComment = (actor: Actor) => actor.role !== 'viewer';

/**
 * Which of these people may read the snip now, so only they are told of a comment: current members of its
 * workspace who would see it there, by the snip scope's own rule in TypeScript (`isVisibleTo`, which the property
 * test in snips/policy.property.test.ts holds to the scope).
 */
export function readersAmong(candidates: Iterable<string>, snip: SnipFacts, memberIds: Set<string>, sharedWith: Set<string>): string[] {
  return [...candidates].filter(
    (userId) => memberIds.has(userId) && isVisibleTo({ userId, workspaceId: snip.workspaceId }, { ...snip, sharedWithActor: sharedWith.has(userId) }),
  );
}
