import { eq, type SQL } from 'drizzle-orm';
import { notifications } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';

/** Notifications are their recipient's alone. */
export function notificationsVisibleTo(actor: Actor): SQL {
  return eq(notifications.userId, actor.userId);
}
