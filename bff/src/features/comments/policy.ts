import { and, eq, exists, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { comments, snips } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { snipsVisibleTo } from '../snips/policy.ts';

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
