import { z } from 'zod';

export const snipLanguages = [
  'plaintext', 'markdown', 'typescript', 'javascript', 'python', 'go', 'rust', 'sql',
  'shell', 'json', 'yaml', 'html', 'css', 'java', 'ruby',
] as const;
export const snipLanguageSchema = z.enum(snipLanguages);
export type SnipLanguage = z.infer<typeof snipLanguageSchema>;

/** private: its author only; workspace: members of its workspace; public: anyone with the link. */
export const snipVisibilities = ['private', 'workspace', 'public'] as const;
export const snipVisibilitySchema = z.enum(snipVisibilities);
export type SnipVisibility = z.infer<typeof snipVisibilitySchema>;

export const snipLimits = {
  titleMax: 200,
  bodyMax: 100_000,
  tagsMax: 10,
  tagMax: 32,
  pageSizeMax: 100,
  pageSizeDefault: 20,
} as const;

const tagSchema = z
  .string()
  .min(1)
  .max(snipLimits.tagMax)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'tags are lowercase letters, digits and dashes');

const snipFields = {
  title: z.string().trim().min(1, 'a title is required').max(snipLimits.titleMax),
  body: z.string().max(snipLimits.bodyMax),
  language: snipLanguageSchema,
  tags: z.array(tagSchema).max(snipLimits.tagsMax),
  visibility: snipVisibilitySchema,
};

/** Strict: ids, authors and workspaces are never taken from a body. */
export const createSnipBodySchema = z.strictObject({
  ...snipFields,
  tags: snipFields.tags.default([]),
  visibility: snipFields.visibility.default('workspace'),
});
export type CreateSnipBody = z.input<typeof createSnipBodySchema>;

/** `version` is the one the editor loaded: a stale version answers 409 instead of overwriting. */
export const updateSnipBodySchema = z.strictObject({
  title: snipFields.title.optional(),
  body: snipFields.body.optional(),
  language: snipFields.language.optional(),
  tags: snipFields.tags.optional(),
  visibility: snipFields.visibility.optional(),
  version: z.number().int().positive(),
});
export type UpdateSnipBody = z.infer<typeof updateSnipBodySchema>;

export const snipIdParamsSchema = z.object({ id: z.uuid() });

export const snipListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(snipLimits.pageSizeMax).default(snipLimits.pageSizeDefault),
  cursor: z.string().max(200).optional(),
  /** Words to find in title, body and tags; each word also matches as a prefix. */
  q: z.string().trim().max(200).optional(),
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
