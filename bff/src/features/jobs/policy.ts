import { and, eq, type SQL } from 'drizzle-orm';
import { jobs } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';

/**
 * A job is its owner's, seen from the workspace it ran in: what it produced (an export of that workspace's snips)
 * must not follow its owner into another workspace, or out of one they were removed from.
 */
export function jobsVisibleTo(actor: Actor): SQL {
  return and(eq(jobs.userId, actor.userId), eq(jobs.workspaceId, actor.workspaceId))!;
}
