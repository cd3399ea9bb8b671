import { and, asc, desc, eq, ne } from 'drizzle-orm';
import { commentLimits, type Comment } from '#shared/contracts/comments.ts';
import type { Database } from '../../db/client.ts';
import { comments, users } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { commentsVisibleTo } from './policy.ts';

const commentColumns = { id: comments.id, authorId: users.id, authorName: users.name, body: comments.body, createdAt: comments.createdAt };

const toComment = ({ authorId, authorName, createdAt, ...row }: { id: string; authorId: string; authorName: string; body: string; createdAt: Date }): Comment => ({
  ...row,
  author: { id: authorId, name: authorName },
  createdAt: createdAt.toISOString(),
});

export async function listComments(db: Database, actor: Actor, snipId: string): Promise<Comment[]> {
  const newest = await db
    .select(commentColumns)
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(commentsVisibleTo(db, actor), eq(comments.snipId, snipId)))
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(commentLimits.pageMax);
  return newest.reverse().map(toComment);
}

/** The comment as written: its author is the actor, so nothing needs reading back. */
export async function insertComment(db: Database, actor: Actor, snipId: string, body: string, now: Date): Promise<Comment> {
  const [row] = await db
    .insert(comments)
    .values({ snipId, authorId: actor.userId, body, createdAt: now })
    .returning({ id: comments.id, body: comments.body, createdAt: comments.createdAt });
  return toComment({ ...row!, authorId: actor.userId, authorName: actor.name });
}

/** Everyone else in the conversation: earlier commenters (the snip's author is added by the caller). */
export async function otherCommenters(db: Database, actor: Actor, snipId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: comments.authorId })
    .from(comments)
    .where(and(commentsVisibleTo(db, actor), eq(comments.snipId, snipId), ne(comments.authorId, actor.userId)))
    .orderBy(asc(comments.authorId));
  return rows.map((row) => row.userId);
}
