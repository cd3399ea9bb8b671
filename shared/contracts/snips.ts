import { z } from 'zod';
import { hasVisibleCharacter, postgresIntegerMax, storableText } from './text.ts';

export const snipLanguages = [
  'plaintext', 'markdown', 'typescript', 'javascript', 'python', 'go', 'rust', 'sql',
  'shell', 'json', 'yaml', 'html', 'css', 'java', 'ruby',
] as const;
export const snipLanguageSchema = z.enum(snipLanguages, { error: 'Choose a language from the list.' });
export type SnipLanguage = z.infer<typeof snipLanguageSchema>;

/** private: its author only; workspace: members of its workspace; public: anyone with the link. */
export const snipVisibilities = ['private', 'workspace', 'public'] as const;
export const snipVisibilitySchema = z.enum(snipVisibilities, { error: 'Choose who can see the snip.' });
export type SnipVisibility = z.infer<typeof snipVisibilitySchema>;

export const snipLimits = {
  titleMax: 200,
  bodyMax: 100_000,
  tagsMax: 10,
  tagMax: 32,
  pageSizeMax: 100,
  pageSizeDefault: 20,
} as const;

/** The messages are sentences a person reads beside the field, in the SPA and in the API's field issues alike. */
const tagSchema = z
  .string()
  .min(1, 'A tag cannot be empty.')
  .max(snipLimits.tagMax, `A tag has at most ${snipLimits.tagMax} characters.`)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'Tags are lowercase letters, digits and dashes.');

const snipFields = {
  title: storableText({ error: 'A title is required.' })
    .trim()
    .refine(hasVisibleCharacter, 'A title is required.')
    .max(snipLimits.titleMax, `A title has at most ${snipLimits.titleMax} characters.`),
  body: storableText({ error: 'A body is required.' }).max(snipLimits.bodyMax, `A body has at most ${snipLimits.bodyMax.toLocaleString('en')} characters.`),
  language: snipLanguageSchema,
  tags: z.array(tagSchema).max(snipLimits.tagsMax, `A snip has at most ${snipLimits.tagsMax} tags.`),
  visibility: snipVisibilitySchema,
};

/** Strict: ids, authors and workspaces are never taken from a body. */
export const createSnipBodySchema = z.strictObject({
  ...snipFields,
  tags: snipFields.tags.default([]),
  visibility: snipFields.visibility.default('workspace'),
});
export type CreateSnipBody = z.input<typeof createSnipBodySchema>;

const versionMessage = 'Send the version of the snip you loaded.';

/** `version` is the one the editor loaded: a stale version answers 409 instead of overwriting. */
export const updateSnipBodySchema = z.strictObject({
  title: snipFields.title.optional(),
  body: snipFields.body.optional(),
  language: snipFields.language.optional(),
  tags: snipFields.tags.optional(),
  visibility: snipFields.visibility.optional(),
  version: z.number({ error: versionMessage }).int(versionMessage).min(1, versionMessage).max(postgresIntegerMax, versionMessage),
});
export type UpdateSnipBody = z.infer<typeof updateSnipBodySchema>;

export const snipIdParamsSchema = z.object({ id: z.uuid() });

/** Where a page of the list ends: the (created_at, id) of its last row. Pages stay stable while rows are added. */
export type SnipCursor = { createdAt: Date; id: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A snip's created_at is in this range; a date beyond it (`+275000-01-01`) is no page this server handed out.
const cursorDateRange = { from: Date.UTC(1970, 0, 1), to: Date.UTC(10_000, 0, 1) };
const expiredCursorMessage = 'This page link has expired; start again from the first page.';

/** Opaque to the client: base64url of `created_at|id`. */
export function encodeSnipCursor(row: { createdAt: string; id: string }): string {
  return btoa(`${row.createdAt}|${row.id}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function decodeSnipCursor(cursor: string): SnipCursor | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(cursor) || cursor.length % 4 === 1) return undefined;
  const [createdAt, id, ...rest] = atob(cursor.replaceAll('-', '+').replaceAll('_', '/')).split('|');
  const at = new Date(createdAt ?? '').getTime();
  if (rest.length > 0 || !(at >= cursorDateRange.from && at < cursorDateRange.to) || !id || !uuidPattern.test(id)) return undefined;
  return { createdAt: new Date(at), id };
}

const snipCursorSchema = z
  .string()
  .max(200, expiredCursorMessage)
  .transform((cursor, context) => {
    const position = decodeSnipCursor(cursor);
    if (position) return position;
    context.addIssue({ code: 'custom', message: expiredCursorMessage });
    return z.NEVER;
  });

/** Strict, like a body: a parameter the list does not know (or one sent twice) is a 400, not silently dropped. */
export const snipListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(snipLimits.pageSizeMax).default(snipLimits.pageSizeDefault),
  cursor: snipCursorSchema.optional(),
  /** Words to find in title, body and tags; each word also matches as a prefix. */
  q: storableText().trim().max(200).optional(),
  language: snipLanguageSchema.optional(),
  tag: tagSchema.optional(),
  visibility: snipVisibilitySchema.optional(),
  author: z.uuid().optional(),
});
export type SnipListQuery = z.input<typeof snipListQuerySchema>;

export const snipSchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  author: z.object({ id: z.uuid(), name: z.string() }),
  title: z.string(),
  body: z.string(),
  language: snipLanguageSchema,
  tags: z.array(z.string()),
  visibility: snipVisibilitySchema,
  version: z.number().int(),
  /** Set while the snip is public: the link is `/s/<publicSlug>`. Making it public again gives a new link. */
  publicSlug: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Snip = z.infer<typeof snipSchema>;

export const publicSnipParamsSchema = z.object({ slug: z.string().min(16).max(64).regex(/^[A-Za-z0-9_-]+$/) });

/** What a public link shows: the snip and who wrote it, nothing about the workspace's other data. */
export const publicSnipSchema = snipSchema
  .pick({ title: true, body: true, language: true, tags: true, updatedAt: true })
  .extend({ authorName: z.string(), workspaceName: z.string() });
export type PublicSnip = z.infer<typeof publicSnipSchema>;

/** A list row: the body is cut to an excerpt so a page stays small. */
export const snipSummarySchema = snipSchema.omit({ body: true }).extend({ excerpt: z.string() });
export type SnipSummary = z.infer<typeof snipSummarySchema>;
export const excerptLength = 280;

export const snipPageSchema = z.object({
  items: z.array(snipSummarySchema),
  /** Opaque; pass it back as `cursor` for the next (older) page. Null on the last page. */
  nextCursor: z.string().nullable(),
});
export type SnipPage = z.infer<typeof snipPageSchema>;
