import { and, eq, type SQL } from 'drizzle-orm';
import { notifications } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';

/**
 * Notifications are their recipient's alone, and belong to a workspace: a reader sees (and counts as unread) those
 * of the workspace they are in, so every item in the bell can be opened there.
 */
export function notificationsVisibleTo(actor: Actor): SQL {
  return and(eq(notifications.userId, actor.userId), eq(notifications.workspaceId, actor.workspaceId))!;
}
