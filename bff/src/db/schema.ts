import { sql } from 'drizzle-orm';
import {
  boolean, check, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import type { auditKinds, rampStatuses } from '#shared/contracts/flags.ts';
import type { JobKind, JobStatus } from '#shared/contracts/jobs.ts';
import type { NotificationKind } from '#shared/contracts/notifications.ts';
import type { WorkspaceRole } from '#shared/contracts/session.ts';
import type { SnipLanguage, SnipVisibility } from '#shared/contracts/snips.ts';
import type { FlagDeclaration } from '#shared/flags/declarations.ts';
import type { FlagTargeting } from '#shared/flags/targeting.ts';

type FlagAuditKind = (typeof auditKinds)[number];
type FlagRampStatus = (typeof rampStatuses)[number];

// Millisecond precision: values round-trip through JavaScript Dates exactly, so keyset cursors are exact.
const createdAt = () => timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Stored lower-cased, so sign-in is case-insensitive and unique per person. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  /** Global product-manager role (flags console); workspace roles live in memberships. */
  isPm: boolean('is_pm').notNull().default(false),
  /** The sequence number of the user's live stream (`user:<id>`): bumped whenever their notifications change. */
  notificationSeq: integer('notification_seq').notNull().default(0),
  createdAt: createdAt(),
});

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** The sequence number of the workspace's live stream: bumped whenever a snip in it is added, changed or removed. */
  activitySeq: integer('activity_seq').notNull().default(0),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<WorkspaceRole>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.userId] }),
    index('memberships_user_idx').on(table.userId),
    check('memberships_role_check', sql`${table.role} in ('owner', 'admin', 'member', 'viewer')`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a leaked table cannot be replayed as cookies. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, precision: 3 }).notNull(),
    /** Absolute end of life, fixed at sign-in; the idle limit is measured from last_seen_at. */
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (table) => [index('sessions_user_idx').on(table.userId), index('sessions_expires_idx').on(table.expiresAt)],
);

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const snips = pgTable(
  'snips',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    language: text('language').$type<SnipLanguage>().notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    visibility: text('visibility').$type<SnipVisibility>().notNull(),
    /** Bumped on every update: optimistic concurrency, and later ETags and cache keys. */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /**
     * The sequence number of the snip's live stream: bumped with every change anyone watching should hear of
     * (an edit, a comment), in the same transaction, so it orders messages across instances.
     */
    activitySeq: integer('activity_seq').notNull().default(1),
    /** The unguessable part of the public link `/s/:slug`; set only while the snip is public. */
    publicSlug: text('public_slug'),
    /**
     * Full-text search document, kept by the database. The `simple` configuration does not stem, which suits
     * code identifiers; prefix queries make partial words match.
     */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('simple', title), 'A') || setweight(array_to_tsvector(tags), 'A') || setweight(to_tsvector('simple', body), 'C')`,
      ),
  },
  (table) => [
    uniqueIndex('snips_public_slug_idx').on(table.publicSlug),
    index('snips_search_idx').using('gin', table.search),
    check('snips_public_slug_check', sql`(${table.visibility} = 'public') = (${table.publicSlug} is not null)`),
    index('snips_workspace_created_idx').on(table.workspaceId, table.createdAt.desc(), table.id.desc()),
    index('snips_author_idx').on(table.authorId),
    check('snips_visibility_check', sql`${table.visibility} in ('private', 'workspace', 'public')`),
  ],
);

/**
 * Responses to requests sent with an `Idempotency-Key`, per user: a retried create or update replays the stored
 * response instead of landing twice. Written in the same transaction as the change itself.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** Method, path and body of the first request: the same key with another request is refused. */
    fingerprint: text('fingerprint').notNull(),
    statusCode: integer('status_code').notNull(),
    body: jsonb('body').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.key] }), index('idempotency_keys_created_idx').on(table.createdAt)],
);

export const comments = pgTable(
  'comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    snipId: uuid('snip_id').notNull().references(() => snips.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('comments_snip_created_idx').on(table.snipId, table.createdAt, table.id)],
);

/**
 * Private snips shared with particular members of the snip's workspace: each share lets that member see the
 * snip (the snip scope reads this table) while they remain a member.
 */
export const snipShares = pgTable(
  'snip_shares',
  {
    snipId: uuid('snip_id').notNull().references(() => snips.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    sharedBy: uuid('shared_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.snipId, table.userId] }), index('snip_shares_user_idx').on(table.userId)],
);

/**
 * The user-visible record of a background job (the queue's own bookkeeping lives in pg-boss's schema).
 * `input` is what the request asked for, validated when it was stored; the queue's payload carries only the id.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<JobKind>().notNull(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    status: text('status').$type<JobStatus>().notNull().default('queued'),
    input: jsonb('input').notNull(),
    done: integer('done').notNull().default(0),
    total: integer('total'),
    error: text('error'),
    /** The sequence number of the job's live stream (`job:<id>`): bumped with every change of status or progress. */
    seq: integer('seq').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [
    index('jobs_user_created_idx').on(table.userId, table.createdAt.desc()),
    // Start-up looks for queued jobs that never reached the queue: few rows, so a small partial index.
    index('jobs_queued_created_idx').on(table.createdAt).where(sql`${table.status} = 'queued'`),
    check('jobs_status_check', sql`${table.status} in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`),
  ],
);

/**
 * The file a finished export produced, kept in the database so every instance can serve it. Its text is in
 * `export_file_chunks`, those of the delivery that wrote it. `body` held the whole text in one row before chunks; it
 * stays (nullable, expand step) so files written then still download, and is dropped once none is left.
 */
export const exportFiles = pgTable('export_files', {
  jobId: uuid('job_id').primaryKey().references(() => jobs.id, { onDelete: 'cascade' }),
  fileName: text('file_name').notNull(),
  body: text('body'),
  delivery: uuid('delivery'),
  byteSize: integer('byte_size'),
  createdAt: createdAt(),
});

/**
 * An export's text a piece at a time (about 256 KB each), each written in its own short statement while the export
 * runs: one statement for the whole file held PGlite's one connection for up to seconds. Keyed by the delivery that
 * wrote it, so two deliveries of one job (one that lost its lease still running) never mix their pieces.
 */
export const exportFileChunks = pgTable(
  'export_file_chunks',
  {
    jobId: uuid('job_id').notNull().references(() => jobs.id, { onDelete: 'cascade' }),
    delivery: uuid('delivery').notNull(),
    seq: integer('seq').notNull(),
    body: text('body').notNull(),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.delivery, table.seq] })],
);

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    /**
     * The workspace it belongs to: a reader sees the notifications of the workspace they are in. Nullable only for
     * the expand step of its migration (rows written before it are backfilled from their snip).
     */
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<NotificationKind>().notNull(),
    /** Who caused it and what it is about; the text is composed when it is read, in the reader's scope. */
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    snipId: uuid('snip_id').references(() => snips.id, { onDelete: 'cascade' }),
    jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    readAt: timestamp('read_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [
    index('notifications_user_created_idx').on(table.userId, table.createdAt.desc()),
    check('notifications_kind_check', sql`${table.kind} in ('comment', 'snip_shared', 'job_finished')`),
  ],
);

/** Users with the QA role may force flag values for their own session (`PUT /api/qa/flags`). */
export const qaRoles = pgTable('qa_roles', {
  userId: uuid('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
});

/**
 * Feature flags: the declaration is code (`shared/flags/registry.ts`), copied here at start-up so the console can
 * show a flag that has since gone from the code (`orphaned`, read-only). The database owns only `targeting`.
 */
export const featureFlags = pgTable('feature_flags', {
  key: text('key').primaryKey(),
  declaration: jsonb('declaration').$type<FlagDeclaration>().notNull(),
  targeting: jsonb('targeting').$type<FlagTargeting>().notNull(),
  orphaned: boolean('orphaned').notNull().default(false),
  /** Bumped on every targeting change: optimistic concurrency, and (summed) the revision the SPA follows. */
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** Append-only (a trigger refuses update and delete): who changed a flag's targeting, when, why, from what to what. */
export const featureFlagAudit = pgTable(
  'feature_flag_audit',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    flagKey: text('flag_key').notNull().references(() => featureFlags.key),
    kind: text('kind').$type<FlagAuditKind>().notNull(),
    /** No foreign key: the trail outlives the account; the name is kept as it was. Null for a ramp's job. */
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    reason: text('reason').notNull(),
    before: jsonb('before').$type<FlagTargeting>().notNull(),
    after: jsonb('after').$type<FlagTargeting>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('feature_flag_audit_flag_idx').on(table.flagKey, table.createdAt.desc()),
    check('feature_flag_audit_kind_check', sql`${table.kind} in ('change', 'ramp-scheduled', 'ramp-step', 'ramp-cancelled', 'ramp-reverted')`),
  ],
);

/** A scheduled rollout ramp: its steps are applied by the `flag-ramp-step` job at their time. */
export const featureFlagRamps = pgTable(
  'feature_flag_ramps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    flagKey: text('flag_key').notNull().references(() => featureFlags.key),
    status: text('status').$type<FlagRampStatus>().notNull().default('scheduled'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason').notNull(),
    /** The targeting when the ramp was scheduled: what "revert" restores. */
    targetingBefore: jsonb('targeting_before').$type<FlagTargeting>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('feature_flag_ramps_flag_idx').on(table.flagKey, table.createdAt.desc()),
    check('feature_flag_ramps_status_check', sql`${table.status} in ('scheduled', 'completed', 'cancelled', 'reverted')`),
  ],
);

export const featureFlagRampSteps = pgTable(
  'feature_flag_ramp_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rampId: uuid('ramp_id').notNull().references(() => featureFlagRamps.id, { onDelete: 'cascade' }),
    /** Thousandths of a percent, as the rollout stores them. */
    percent: integer('percent').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true, precision: 3 }).notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [index('feature_flag_ramp_steps_ramp_idx').on(table.rampId, table.dueAt)],
);
