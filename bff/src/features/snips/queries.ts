import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { excerptLength, type CreateSnipBody, type Snip, type SnipPage, type UpdateSnipBody } from '#shared/contracts/snips.ts';
import type { Database } from '../../db/client.ts';
import { snips, users } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { snipsVisibleTo } from './policy.ts';

const snipColumns = {
  id: snips.id,
  workspaceId: snips.workspaceId,
  authorId: snips.authorId,
  authorName: users.name,
  title: snips.title,
  language: snips.language,
  tags: snips.tags,
  visibility: snips.visibility,
  version: snips.version,
  createdAt: snips.createdAt,
  updatedAt: snips.updatedAt,
};

type SnipRow = { [K in keyof typeof snipColumns]: (typeof snipColumns)[K]['_']['data'] };

const toSnipFields = ({ authorId, authorName, createdAt, updatedAt, ...row }: SnipRow) => ({
  ...row,
  author: { id: authorId, name: authorName },
  createdAt: createdAt.toISOString(),
  updatedAt: updatedAt.toISOString(),
});

/** A keyset cursor: the (created_at, id) of the last row served, so pages stay stable while rows are added. */
export function encodeCursor(row: { createdAt: Date | string; id: string }): string {
  const createdAt = typeof row.createdAt === 'string' ? row.createdAt : row.createdAt.toISOString();
  return Buffer.from(`${createdAt}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(createdAt ?? '');
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  if (rest.length > 0 || Number.isNaN(at.getTime()) || !id || !uuid.test(id)) return undefined;
  return { createdAt: at, id };
}

export async function listSnips(db: Database, actor: Actor, page: { limit: number; after?: { createdAt: Date; id: string } | undefined }): Promise<SnipPage> {
  const after = page.after;
  const rows = await db
    .select({ ...snipColumns, excerpt: sql<string>`left(${snips.body}, ${excerptLength})` })
    .from(snips)
    .innerJoin(users, eq(users.id, snips.authorId))
    .where(
      and(
        snipsVisibleTo(actor),
        after && or(lt(snips.createdAt, after.createdAt), and(eq(snips.createdAt, after.createdAt), lt(snips.id, after.id))),
      ),
    )
    .orderBy(desc(snips.createdAt), desc(snips.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map(({ excerpt, ...row }) => ({ ...toSnipFields(row), excerpt }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null };
}

export async function findSnip(db: Database, actor: Actor, id: string): Promise<Snip | undefined> {
  const [row] = await db
    .select({ ...snipColumns, body: snips.body })
    .from(snips)
    .innerJoin(users, eq(users.id, snips.authorId))
    .where(and(snipsVisibleTo(actor), eq(snips.id, id)));
  return row && { ...toSnipFields(row), body: row.body };
}

export async function insertSnip(db: Database, actor: Actor, input: Required<CreateSnipBody>, now: Date): Promise<string> {
  const [row] = await db
    .insert(snips)
    .values({ ...input, workspaceId: actor.workspaceId, authorId: actor.userId, createdAt: now, updatedAt: now })
    .returning({ id: snips.id });
  return row!.id;
}

/** Applies the change only if the row is still at `version`; returns false when someone saved in between. */
export async function updateSnip(db: Database, actor: Actor, id: string, { version, ...changes }: UpdateSnipBody, now: Date): Promise<boolean> {
  const updated = await db
    .update(snips)
    .set({ ...changes, version: sql`${snips.version} + 1`, updatedAt: now })
    .where(and(snipsVisibleTo(actor), eq(snips.id, id), eq(snips.version, version)))
    .returning({ id: snips.id });
  return updated.length === 1;
}

export async function deleteSnip(db: Database, actor: Actor, id: string): Promise<void> {
  await db.delete(snips).where(and(snipsVisibleTo(actor), eq(snips.id, id)));
}
