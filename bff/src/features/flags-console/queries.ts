import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { AdminFlag, FlagAuditEntry, FlagDeclarationView, FlagRamp } from '#shared/contracts/flags.ts';
import { isExpired, type FlagDeclaration } from '#shared/flags/declarations.ts';
import { rolloutResolution, type FlagTargeting } from '#shared/flags/targeting.ts';
import type { Database } from '../../db/client.ts';
import { featureFlagAudit, featureFlagRamps, featureFlagRampSteps, featureFlags, memberships, users, workspaces } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { flagChangeVisibleTo, flagMembershipsVisibleTo, flagTargetingVisibleTo, flagWorkspacesVisibleTo, type FlagConsoleScope } from './policy.ts';
import { flagReach, type MembershipPair } from './reach.ts';

export type FlagRow = typeof featureFlags.$inferSelect;
type RampRow = typeof featureFlagRamps.$inferSelect;
type RampStatus = RampRow['status'];

export const listFlags = (db: Database) => db.select().from(featureFlags).orderBy(asc(featureFlags.key));

/**
 * One flag. `lock` holds its row until the transaction ends: every change to a flag's targeting, ramps and audit
 * trail (saves, ramps scheduled, cancelled or reverted, ramp steps) takes its turn behind it.
 */
export async function findFlag(db: Database, key: string, { lock }: { lock: boolean } = { lock: false }): Promise<FlagRow | undefined> {
  const query = db.select().from(featureFlags).where(eq(featureFlags.key, key));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** Changes the targeting only if the flag is still at `version`; undefined when someone changed it in between. */
export async function updateTargeting(db: Database, key: string, version: number, targeting: FlagTargeting, now: Date): Promise<FlagRow | undefined> {
  const [row] = await db
    .update(featureFlags)
    .set({ targeting, version: sql`${featureFlags.version} + 1`, updatedAt: now })
    .where(and(eq(featureFlags.key, key), eq(featureFlags.version, version)))
    .returning();
  return row;
}

/** Every membership the actor's console counts: one query per request, whatever the number of flags. */
export const membershipPairs = (db: Database, scope: FlagConsoleScope): Promise<MembershipPair[]> =>
  db.select({ userId: memberships.userId, workspaceId: memberships.workspaceId }).from(memberships).where(flagMembershipsVisibleTo(scope));

export const consoleWorkspaces = (db: Database, scope: FlagConsoleScope) =>
  db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(flagWorkspacesVisibleTo(scope)).orderBy(asc(workspaces.name), asc(workspaces.id));

/**
 * The workspace a user's flag value is explained in: `workspaceId` if they are a member there, else their oldest
 * membership, within the actor's scope. A product manager may also ask about a user of no workspace (null).
 * Undefined: not a user, or membership, the actor may ask about.
 */
export async function explanationWorkspace(
  db: Database,
  scope: FlagConsoleScope,
  userId: string,
  workspaceId: string | undefined,
): Promise<{ workspaceId: string | null } | undefined> {
  const [membership] = await db
    .select({ workspaceId: memberships.workspaceId })
    .from(memberships)
    .where(and(flagMembershipsVisibleTo(scope), eq(memberships.userId, userId), workspaceId === undefined ? undefined : eq(memberships.workspaceId, workspaceId)))
    .orderBy(asc(memberships.createdAt), asc(memberships.workspaceId))
    .limit(1);
  if (membership) return membership;
  if (workspaceId !== undefined || scope.editable !== 'all') return undefined;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  return user ? { workspaceId: null } : undefined;
}

/** An entry in a flag's trail. `actor` null: a scheduled ramp's job made the change. */
export async function appendAudit(
  db: Database,
  entry: { flagKey: string; kind: FlagAuditEntry['kind']; actor: Pick<Actor, 'userId' | 'name'> | null; reason: string; before: FlagTargeting; after: FlagTargeting; at: Date },
) {
  const { actor, at, ...rest } = entry;
  await db.insert(featureFlagAudit).values({ ...rest, actorId: actor?.userId ?? null, actorName: actor?.name ?? null, createdAt: at });
}

/** A flag's trail, newest first: the entries the actor may read, each entry's rules as they may see them. */
export async function auditTrail(db: Database, scope: FlagConsoleScope, key: string): Promise<FlagAuditEntry[]> {
  const rows = await db
    .select()
    .from(featureFlagAudit)
    .where(eq(featureFlagAudit.flagKey, key))
    .orderBy(desc(featureFlagAudit.createdAt), desc(featureFlagAudit.id));
  return rows.filter((row) => flagChangeVisibleTo(scope, row.before, row.after)).map((row) => ({
    id: row.id,
    at: row.createdAt.toISOString(),
    kind: row.kind,
    actor: row.actorId === null ? null : { id: row.actorId, name: row.actorName ?? '' },
    reason: row.reason,
    before: flagTargetingVisibleTo(scope, row.before),
    after: flagTargetingVisibleTo(scope, row.after),
  }));
}

/** A ramp's steps, in time order. */
const stepsOf = (db: Database, rampIds: string[]) =>
  db.select().from(featureFlagRampSteps).where(inArray(featureFlagRampSteps.rampId, rampIds)).orderBy(asc(featureFlagRampSteps.dueAt), asc(featureFlagRampSteps.percent));

/** A flag's ramps, newest first, with their steps. */
export async function flagRamps(db: Database, key: string): Promise<FlagRamp[]> {
  const ramps = await db
    .select({ id: featureFlagRamps.id, status: featureFlagRamps.status, createdAt: featureFlagRamps.createdAt, createdBy: featureFlagRamps.createdBy, creatorName: users.name })
    .from(featureFlagRamps)
    .leftJoin(users, eq(users.id, featureFlagRamps.createdBy))
    .where(eq(featureFlagRamps.flagKey, key))
    .orderBy(desc(featureFlagRamps.createdAt), desc(featureFlagRamps.id));
  const steps = ramps.length > 0 ? await stepsOf(db, ramps.map((ramp) => ramp.id)) : [];
  return ramps.map((ramp) => ({
    id: ramp.id,
    status: ramp.status,
    createdAt: ramp.createdAt.toISOString(),
    createdBy: ramp.createdBy === null ? null : { id: ramp.createdBy, name: ramp.creatorName ?? '' },
    steps: steps
      .filter((step) => step.rampId === ramp.id)
      .map((step) => ({ percent: step.percent / rolloutResolution, at: step.dueAt.toISOString(), appliedAt: step.appliedAt?.toISOString() ?? null })),
  }));
}

export async function findRamp(db: Database, key: string, rampId: string): Promise<RampRow | undefined> {
  const [ramp] = await db.select().from(featureFlagRamps).where(and(eq(featureFlagRamps.id, rampId), eq(featureFlagRamps.flagKey, key)));
  return ramp;
}

/** The flag's scheduled ramp, if it has one (a flag has at most one at a time). */
export async function findScheduledRamp(db: Database, key: string): Promise<{ id: string } | undefined> {
  const [ramp] = await db
    .select({ id: featureFlagRamps.id })
    .from(featureFlagRamps)
    .where(and(eq(featureFlagRamps.flagKey, key), eq(featureFlagRamps.status, 'scheduled')))
    .limit(1);
  return ramp;
}

/** Stores a ramp and its steps (percentages in thousandths); returns the steps, for the caller to schedule once committed. */
export async function insertRamp(
  db: Database,
  ramp: { flagKey: string; createdBy: string; reason: string; targetingBefore: FlagTargeting; createdAt: Date },
  steps: { percent: number; dueAt: Date }[],
) {
  const [row] = await db.insert(featureFlagRamps).values(ramp).returning({ id: featureFlagRamps.id });
  return db
    .insert(featureFlagRampSteps)
    .values(steps.map((step) => ({ ...step, rampId: row!.id })))
    .returning({ id: featureFlagRampSteps.id, dueAt: featureFlagRampSteps.dueAt });
}

/** Moves a ramp to `status` only from one of `from`; false when it had moved on already. */
export async function setRampStatus(db: Database, rampId: string, status: RampStatus, from: RampStatus[]): Promise<boolean> {
  const changed = await db
    .update(featureFlagRamps)
    .set({ status })
    .where(and(eq(featureFlagRamps.id, rampId), inArray(featureFlagRamps.status, from)))
    .returning({ id: featureFlagRamps.id });
  return changed.length > 0;
}

/** The flag a ramp step belongs to: a step's job locks the flag before it reads anything else of the ramp. */
export async function rampStepFlagKey(db: Database, stepId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ flagKey: featureFlagRamps.flagKey })
    .from(featureFlagRampSteps)
    .innerJoin(featureFlagRamps, eq(featureFlagRamps.id, featureFlagRampSteps.rampId))
    .where(eq(featureFlagRampSteps.id, stepId));
  return row?.flagKey;
}

/** The ramp of a step, who scheduled it, and all its steps in time order. */
export async function rampOfStep(db: Database, stepId: string) {
  const [ramp] = await db
    .select({ id: featureFlagRamps.id, status: featureFlagRamps.status, reason: featureFlagRamps.reason, creatorName: users.name })
    .from(featureFlagRampSteps)
    .innerJoin(featureFlagRamps, eq(featureFlagRamps.id, featureFlagRampSteps.rampId))
    .leftJoin(users, eq(users.id, featureFlagRamps.createdBy))
    .where(eq(featureFlagRampSteps.id, stepId));
  return ramp && { ...ramp, steps: await stepsOf(db, [ramp.id]) };
}

export async function markStepApplied(db: Database, stepId: string, now: Date) {
  await db.update(featureFlagRampSteps).set({ appliedAt: now }).where(eq(featureFlagRampSteps.id, stepId));
}

/**
 * Steps due by `now` and not applied, of ramps still scheduled, in time order. Normally none for long: each step's
 * queued task applies it at its time. Queueing a step again would not bring back one the queue lost: the queue keeps
 * the task's id while it holds the old delivery, failed or not, and takes the same id again as a no-op.
 */
export const dueRampSteps = (db: Database, now: Date) =>
  db
    .select({ id: featureFlagRampSteps.id })
    .from(featureFlagRampSteps)
    .innerJoin(featureFlagRamps, eq(featureFlagRamps.id, featureFlagRampSteps.rampId))
    .where(and(eq(featureFlagRamps.status, 'scheduled'), isNull(featureFlagRampSteps.appliedAt), lte(featureFlagRampSteps.dueAt, now)))
    .orderBy(asc(featureFlagRampSteps.dueAt), asc(featureFlagRampSteps.percent));

/** The declaration a flag is shown and checked with: the code's, or for a flag gone from the code the one it left. */
export const declarationOf = (declarations: Readonly<Record<string, FlagDeclaration>>, row: FlagRow): FlagDeclaration =>
  (!row.orphaned && declarations[row.key]) || row.declaration;

const toDeclarationView = (declaration: FlagDeclaration): FlagDeclarationView => ({
  type: declaration.type,
  description: declaration.description,
  owner: declaration.owner,
  unit: declaration.unit,
  client: declaration.client,
  propagation: declaration.propagation,
  default: declaration.default,
  ...(declaration.type === 'variant' ? { variants: [...declaration.variants] } : {}),
  ...(declaration.type === 'integer' ? { min: declaration.min, max: declaration.max } : {}),
  expires: declaration.expires ?? null,
  permanent: declaration.permanent === true,
});

export function toAdminFlag(row: FlagRow, declaration: FlagDeclaration, scope: FlagConsoleScope, pairs: readonly MembershipPair[], now: Date): AdminFlag {
  return {
    key: row.key,
    declaration: toDeclarationView(declaration),
    orphaned: row.orphaned,
    expired: isExpired(declaration, now),
    version: row.version,
    targeting: flagTargetingVisibleTo(scope, row.targeting),
    reach: flagReach(row.key, declaration, row.targeting, pairs),
    editable: scope.editable,
    updatedAt: row.updatedAt.toISOString(),
  };
}
