import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Notification, NotificationKind } from '#shared/contracts/notifications.ts';
import type { Database } from '../../db/client.ts';
import { jobs, notifications, snips, users } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { snipsVisibleTo } from '../snips/policy.ts';
import { jobsVisibleTo } from '../jobs/policy.ts';
import { notificationsVisibleTo } from './policy.ts';

/**
 * Notifies each recipient, inside the caller's transaction, and bumps their stream sequence.
 * Returns the recipients' new sequence numbers, to publish once the transaction has committed.
 */
export async function notify(
  db: Database,
  recipients: string[],
  notification: { kind: NotificationKind; workspaceId: string; actorId: string | null; snipId?: string; jobId?: string; createdAt: Date },
): Promise<{ userId: string; seq: number }[]> {
  if (recipients.length === 0) return [];
  await db.insert(notifications).values(recipients.map((userId) => ({ userId, ...notification })));
  return db
    .update(users)
    .set({ notificationSeq: sql`${users.notificationSeq} + 1` })
    .where(inArray(users.id, recipients))
    .returning({ userId: users.id, seq: users.notificationSeq });
}

/** The user's live stream state: unread count with the sequence number it belongs to. */
export async function userStreamSnapshot(db: Database, actor: Actor) {
  const [user] = await db.select({ seq: users.notificationSeq }).from(users).where(eq(users.id, actor.userId));
  if (!user) return undefined;
  return { seq: user.seq, state: { kind: 'user' as const, unread: await unreadCount(db, actor) } };
}

async function unreadCount(db: Database, actor: Actor) {
  const [row] = await db.select({ n: count() }).from(notifications).where(and(notificationsVisibleTo(actor), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

export async function listNotifications(db: Database, actor: Actor, limit: number): Promise<{ items: Notification[]; unread: number }> {
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      actorName: sql<string | null>`(select ${users.name} from ${users} where ${users.id} = ${notifications.actorId})`,
      // The title only while the reader may still see the snip: the snip scope decides, here too.
      snipId: snips.id,
      snipTitle: snips.title,
      // A job is its owner's, and notifications are their recipient's: the job of one's own notification is visible.
      job: { id: jobs.id, kind: jobs.kind, status: jobs.status },
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .leftJoin(snips, and(eq(snips.id, notifications.snipId), snipsVisibleTo(actor), eq(snips.workspaceId, actor.workspaceId)))
    .leftJoin(jobs, and(eq(jobs.id, notifications.jobId), jobsVisibleTo(actor)))
    .where(notificationsVisibleTo(actor))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
  return {
    items: rows.map(({ snipId, snipTitle, job, createdAt, readAt, ...row }) => ({
      ...row,
      job: job?.id ? job : null,
      snip: snipId && snipTitle !== null ? { id: snipId, title: snipTitle } : null,
      createdAt: createdAt.toISOString(),
      readAt: readAt?.toISOString() ?? null,
    })),
    unread: await unreadCount(db, actor),
  };
}

/** Marks one (or, without an id, every) unread notification read; returns the new sequence when anything changed. */
export async function markRead(db: Database, actor: Actor, now: Date, id?: string): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    const changed = await tx
      .update(notifications)
      .set({ readAt: now })
      .where(and(notificationsVisibleTo(actor), isNull(notifications.readAt), id === undefined ? undefined : eq(notifications.id, id)))
      .returning({ id: notifications.id });
    if (changed.length === 0) return undefined;
    const [user] = await tx
      .update(users)
      .set({ notificationSeq: sql`${users.notificationSeq} + 1` })
      .where(eq(users.id, actor.userId))
      .returning({ seq: users.notificationSeq });
    return user?.seq;
  });
}

export async function notificationExists(db: Database, actor: Actor, id: string) {
  const [row] = await db.select({ id: notifications.id }).from(notifications).where(and(notificationsVisibleTo(actor), eq(notifications.id, id)));
  return Boolean(row);
}
