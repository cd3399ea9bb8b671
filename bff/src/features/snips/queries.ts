import { randomBytes } from 'node:crypto';
import { and, arrayContains, count, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import {
  encodeSnipCursor, excerptLength, type SnipCursor, type CreateSnipBody, type PublicSnip, type Snip, type SnipLanguage, type SnipPage, type SnipVisibility,
  type UpdateSnipBody,
} from '#shared/contracts/snips.ts';
import type { Database } from '../../db/client.ts';
import { comments as snipComments, snips, users, workspaces } from '../../db/schema.ts';
import { commentsVisibleTo } from '../comments/policy.ts';
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
  publicSlug: snips.publicSlug,
  createdAt: snips.createdAt,
  updatedAt: snips.updatedAt,
};

type RowWithAuthor = { authorId: string; authorName: string; createdAt: Date; updatedAt: Date };

/** A row as the contracts show it: the author as an object, times as ISO strings. */
export const toSnipFields = <Row extends RowWithAuthor>({ authorId, authorName, createdAt, updatedAt, ...row }: Row) => ({
  ...row,
  author: { id: authorId, name: authorName },
  createdAt: createdAt.toISOString(),
  updatedAt: updatedAt.toISOString(),
});

/** Workspace pages show the current workspace only; public snips of other workspaces are reached by link. */
const visibleInCurrentWorkspace = (actor: Actor) => and(snipsVisibleTo(actor), eq(snips.workspaceId, actor.workspaceId));

/** 128 random bits: the link is the only key to a public snip. */
export const newPublicSlug = () => randomBytes(16).toString('base64url');

/** The (created_at, id) of the last row served: pages stay stable while rows are added. */
/** Newest first, and the rows that come after `after` in that order: every keyset page reads with these two. */
export const newestFirst = [desc(snips.createdAt), desc(snips.id)] as const;
export const olderThan = (after: SnipCursor) =>
  or(lt(snips.createdAt, after.createdAt), and(eq(snips.createdAt, after.createdAt), lt(snips.id, after.id)));

/** Each word of the query must match, as a whole word or a prefix: "deb go" finds "debounce" in Go snips. */
export function searchCondition(q: string): SQL | undefined {
  const words = q.toLowerCase().match(/[\p{L}\p{N}_-]+/gu)?.slice(0, 10) ?? [];
  const terms = words.map((word) => word.replace(/^-+|-+$/g, '')).filter(Boolean);
  if (terms.length === 0) return undefined;
  const query = terms.map((term) => `'${term}':*`).join(' & ');
  return sql`${snips.search} @@ to_tsquery('simple', ${query})`;
}

export type SnipFilters = {
  q?: string | undefined;
  language?: SnipLanguage | undefined;
  tag?: string | undefined;
  visibility?: SnipVisibility | undefined;
  author?: string | undefined;
};

/** The list's filters as one condition; an export applies the same ones. */
export function snipFilterCondition(filters: SnipFilters): SQL | undefined {
  return and(
    filters.q === undefined ? undefined : searchCondition(filters.q),
    filters.language === undefined ? undefined : eq(snips.language, filters.language),
    filters.tag === undefined ? undefined : arrayContains(snips.tags, [filters.tag]),
    filters.visibility === undefined ? undefined : eq(snips.visibility, filters.visibility),
    filters.author === undefined ? undefined : eq(snips.authorId, filters.author),
  );
}

/** One page of the current workspace's snips that the actor may see, newest first, filtered. */
export async function listSnips(
  db: Database,
  actor: Actor,
  page: { limit: number; after?: SnipCursor | undefined; filters?: SnipFilters },
): Promise<SnipPage> {
  const { after, filters = {} } = page;
  const rows = await db
    .select({ ...snipColumns, excerpt: sql<string>`left(${snips.body}, ${excerptLength})` })
    .from(snips)
    .innerJoin(users, eq(users.id, snips.authorId))
    .where(
      and(
        visibleInCurrentWorkspace(actor),
        snipFilterCondition(filters),
        after && olderThan(after),
      ),
    )
    .orderBy(...newestFirst)
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map(({ excerpt, ...row }) => ({ ...toSnipFields(row), excerpt }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? encodeSnipCursor(last) : null };
}

export async function findSnip(db: Database, actor: Actor, id: string): Promise<Snip | undefined> {
  const [row] = await db
    .select({ ...snipColumns, body: snips.body })
    .from(snips)
    .innerJoin(users, eq(users.id, snips.authorId))
    .where(and(visibleInCurrentWorkspace(actor), eq(snips.id, id)));
  return row && { ...toSnipFields(row), body: row.body };
}

export async function findPublicSnip(db: Database, viewer: Actor | null, slug: string): Promise<PublicSnip | undefined> {
  const [row] = await db
    .select({
      title: snips.title,
      body: snips.body,
      language: snips.language,
      tags: snips.tags,
      updatedAt: snips.updatedAt,
      authorName: users.name,
      workspaceName: workspaces.name,
    })
    .from(snips)
    .innerJoin(users, eq(users.id, snips.authorId))
    .innerJoin(workspaces, eq(workspaces.id, snips.workspaceId))
    .where(and(snipsVisibleTo(viewer), eq(snips.visibility, 'public'), eq(snips.publicSlug, slug)));
  return row && { ...row, updatedAt: row.updatedAt.toISOString() };
}

export async function insertSnip(db: Database, actor: Actor, input: Required<CreateSnipBody>, now: Date): Promise<string> {
  const [row] = await db
    .insert(snips)
    .values({
      ...input,
      workspaceId: actor.workspaceId,
      authorId: actor.userId,
      publicSlug: input.visibility === 'public' ? newPublicSlug() : null,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: snips.id });
  return row!.id;
}

/** Applies the change only if the row is still at `version`; returns false when someone saved in between. */
export async function updateSnip(db: Database, actor: Actor, id: string, { version, ...changes }: UpdateSnipBody, now: Date): Promise<boolean> {
  // A snip keeps its link while it stays public; leaving public revokes it, and coming back gets a new one.
  const publicSlug =
    changes.visibility === undefined
      ? undefined
      : changes.visibility === 'public'
        ? sql`coalesce(${snips.publicSlug}, ${newPublicSlug()})`
        : null;
  const updated = await db
    .update(snips)
    .set({
      ...changes,
      ...(publicSlug === undefined ? {} : { publicSlug }),
      version: sql`${snips.version} + 1`,
      activitySeq: sql`${snips.activitySeq} + 1`,
      updatedAt: now,
    })
    .where(and(visibleInCurrentWorkspace(actor), eq(snips.id, id), eq(snips.version, version)))
    .returning({ id: snips.id });
  return updated.length === 1;
}

/** What the snip's live stream says now, with its sequence number; undefined when the actor may not see it. */
export async function snipStreamSnapshot(db: Database, actor: Actor, id: string) {
  const [row] = await db
    .select({ seq: snips.activitySeq, version: snips.version })
    .from(snips)
    .where(and(visibleInCurrentWorkspace(actor), eq(snips.id, id)));
  if (!row) return undefined;
  const [comments] = await db.select({ n: count() }).from(snipComments).where(and(commentsVisibleTo(db, actor), eq(snipComments.snipId, id)));
  return { seq: row.seq, state: { kind: 'snip' as const, version: row.version, comments: comments?.n ?? 0, deleted: false } };
}

/** Bumps the snip's stream sequence inside a change's transaction (an edit bumps it in `updateSnip`). */
export async function bumpSnipActivity(db: Database, actor: Actor, id: string): Promise<void> {
  await db
    .update(snips)
    .set({ activitySeq: sql`${snips.activitySeq} + 1` })
    .where(and(visibleInCurrentWorkspace(actor), eq(snips.id, id)));
}

export async function deleteSnip(db: Database, actor: Actor, id: string): Promise<void> {
  await db.delete(snips).where(and(visibleInCurrentWorkspace(actor), eq(snips.id, id)));
}
