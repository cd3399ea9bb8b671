import { z } from 'zod';
import { evaluationReasons } from '../flags/declarations.ts';
import { flagTargetingSchema, percentSchema } from '../flags/targeting.ts';

const flagValueSchema = z.union([z.boolean(), z.string(), z.number()]);
export const flagKeyParamsSchema = z.strictObject({ key: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'not a flag key').max(100) });

/** One flag as the SPA sees it: its value for the current user, why, and when an open tab applies a change. */
export const clientFlagSchema = z.object({
  value: flagValueSchema,
  reason: z.enum(evaluationReasons),
  rule: z.string(),
  propagation: z.enum(['live', 'next-navigation']),
});
export type ClientFlag = z.infer<typeof clientFlagSchema>;

/**
 * GET /api/flags: the `client` flags resolved for the current user (signed out: for nobody). `revision` grows with
 * every targeting change anywhere; the `flags` stream announces it. `?atLeast=N` asks the instance to read the
 * targeting again first unless it knows a higher revision than N (the sum N may stand for other changes than its own).
 */
export const flagSnapshotSchema = z.object({ revision: z.number().int(), flags: z.record(z.string(), clientFlagSchema) });
export type FlagSnapshot = z.infer<typeof flagSnapshotSchema>;
export const flagSnapshotQuerySchema = z.strictObject({ atLeast: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional() });

/** PUT /api/qa/flags: force values for this session only (NODE_ENV=test, or a user with the QA role). */
export const qaFlagsBodySchema = z.strictObject({ flags: z.record(z.string().max(100), flagValueSchema) });

export const flagDeclarationSchema = z.object({
  type: z.enum(['boolean', 'variant', 'integer']),
  description: z.string(),
  owner: z.string(),
  unit: z.enum(['user', 'workspace']),
  client: z.boolean(),
  propagation: z.enum(['live', 'next-navigation']),
  default: flagValueSchema,
  variants: z.array(z.string()).optional(),
  min: z.number().int().optional(),
  max: z.number().int().optional(),
  expires: z.string().nullable(),
  permanent: z.boolean(),
});
export type FlagDeclarationView = z.infer<typeof flagDeclarationSchema>;

/** How many users and workspaces get a value now (exact: evaluated for every membership). */
export const flagReachSchema = z.array(z.object({ value: flagValueSchema, users: z.number().int(), workspaces: z.number().int() }));
export type FlagReach = z.infer<typeof flagReachSchema>;

export const rampStepSchema = z.object({ percent: z.number(), at: z.iso.datetime(), appliedAt: z.iso.datetime().nullable() });
export const rampStatuses = ['scheduled', 'completed', 'cancelled', 'reverted'] as const;
export const flagRampSchema = z.object({
  id: z.uuid(),
  status: z.enum(rampStatuses),
  createdAt: z.iso.datetime(),
  createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  steps: z.array(rampStepSchema),
});
export type FlagRamp = z.infer<typeof flagRampSchema>;

/**
 * One flag in the console. `orphaned`: declared once, gone from the code now (read-only). `expired`: a temporary
 * flag past its date. `editable`: `all` for a product manager, `own-workspaces` for a workspace owner (rules for
 * their own workspaces only; they see only those rules).
 */
export const adminFlagSchema = z.object({
  key: z.string(),
  declaration: flagDeclarationSchema,
  orphaned: z.boolean(),
  expired: z.boolean(),
  version: z.number().int(),
  targeting: flagTargetingSchema,
  reach: flagReachSchema,
  editable: z.enum(['all', 'own-workspaces']),
  updatedAt: z.iso.datetime(),
});
export type AdminFlag = z.infer<typeof adminFlagSchema>;
export const adminFlagListSchema = z.object({ flags: z.array(adminFlagSchema) });

/** GET /api/admin/flags/:key: the flag, its ramps, and the workspaces an owner may target. */
export const adminFlagDetailSchema = adminFlagSchema.extend({
  ramps: z.array(flagRampSchema),
  workspaces: z.array(z.object({ id: z.uuid(), name: z.string() })),
});
export type AdminFlagDetail = z.infer<typeof adminFlagDetailSchema>;

const reasonSchema = z.string().trim().min(3, 'Say why, in a few words.').max(500, 'A reason has at most 500 characters.');

/**
 * PATCH /api/admin/flags/:key: the whole new targeting, the version it was read at (another change since: 409
 * `flag_changed`), and why. Values outside the declared type: 400. A new rollout percentage while a ramp is scheduled:
 * 409 `ramp_scheduled` (its next step would overwrite it). An owner's change may touch only the overrides of their own
 * workspaces, on flags the SPA sees (403 otherwise).
 */
export const updateFlagBodySchema = z.strictObject({ version: z.number().int(), reason: reasonSchema, targeting: flagTargetingSchema });
export type UpdateFlagBody = z.infer<typeof updateFlagBodySchema>;

/** POST /api/admin/flags/:key/impact: what a proposed targeting would change, for the confirmation's blast radius. */
export const flagImpactBodySchema = z.strictObject({ targeting: flagTargetingSchema });
/** Per value: how many users (in how many workspaces) would newly get it. */
export const flagImpactSchema = z.object({ gains: flagReachSchema });
export type FlagImpact = z.infer<typeof flagImpactSchema>;

/** POST /api/admin/flags/:key/explain */
export const explainFlagBodySchema = z.strictObject({ userId: z.uuid(), workspaceId: z.uuid().optional() });
export const flagExplanationSchema = z.object({
  value: flagValueSchema,
  reason: z.enum(evaluationReasons),
  rule: z.string(),
  workspaceId: z.uuid().nullable(),
});
export type FlagExplanation = z.infer<typeof flagExplanationSchema>;

export const auditKinds = ['change', 'ramp-scheduled', 'ramp-step', 'ramp-cancelled', 'ramp-reverted'] as const;
/** GET /api/admin/flags/:key/audit: newest first. Append-only: no route changes or removes an entry. */
export const flagAuditEntrySchema = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  kind: z.enum(auditKinds),
  /** Null for a change made by a scheduled ramp's job (the ramp's author is in the reason). */
  actor: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  reason: z.string(),
  before: flagTargetingSchema,
  after: flagTargetingSchema,
});
export type FlagAuditEntry = z.infer<typeof flagAuditEntrySchema>;
export const flagAuditSchema = z.object({ items: z.array(flagAuditEntrySchema) });

/**
 * POST /api/admin/flags/:key/ramps: rollout percentages at times (the first may be now), applied by a job at each
 * time, each audited. Product managers only.
 */
export const createRampBodySchema = z.strictObject({
  version: z.number().int(),
  reason: reasonSchema,
  steps: z
    .array(z.strictObject({ percent: percentSchema, at: z.iso.datetime() }))
    .min(1, 'A ramp has at least one step.')
    .max(10, 'A ramp has at most 10 steps.'),
});
export type CreateRampBody = z.infer<typeof createRampBodySchema>;
export const rampParamsSchema = flagKeyParamsSchema.extend({ rampId: z.uuid() });
/** POST …/ramps/:rampId/cancel: the steps not yet applied are dropped. */
export const rampActionBodySchema = z.strictObject({ reason: reasonSchema });
/**
 * POST …/ramps/:rampId/revert: the targeting goes back to before the ramp, so it names the version it was read at
 * (another change since: 409 `flag_changed`). A ramp still scheduled for the flag is cancelled with it.
 */
export const revertRampBodySchema = rampActionBodySchema.extend({ version: z.number().int() });
