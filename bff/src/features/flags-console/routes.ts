import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FieldIssue } from '#shared/contracts/errors.ts';
import {
  adminFlagDetailSchema,
  adminFlagListSchema,
  adminFlagSchema,
  createRampBodySchema,
  explainFlagBodySchema,
  flagAuditSchema,
  flagExplanationSchema,
  flagImpactBodySchema,
  flagImpactSchema,
  flagKeyParamsSchema,
  rampActionBodySchema,
  rampParamsSchema,
  revertRampBodySchema,
  updateFlagBodySchema,
  type AdminFlagDetail,
  type CreateRampBody,
} from '#shared/contracts/flags.ts';
import type { FlagDeclaration } from '#shared/flags/declarations.ts';
import { evaluateFlag } from '#shared/flags/evaluate.ts';
import { rolloutResolution, targetingProblems, type FlagTargeting } from '#shared/flags/targeting.ts';
import type { Database } from '../../db/client.ts';
import { AppError, notFound } from '../../plugins/errors.ts';
import { actorOf } from '../../plugins/session.ts';
import { canManageRamps, flagConsoleScopeOf, targetingAfterChange, type FlagConsoleScope } from './policy.ts';
import {
  appendAudit,
  auditTrail,
  consoleWorkspaces,
  declarationOf,
  explanationWorkspace,
  findFlag,
  findRamp,
  findScheduledRamp,
  flagRamps,
  insertRamp,
  listFlags,
  membershipPairs,
  setRampStatus,
  toAdminFlag,
  updateTargeting,
  type FlagRow,
} from './queries.ts';
import { applyDueRampSteps, applyRampStep } from './ramp-job.ts';
import { flagImpact, servedTargeting } from './reach.ts';

/** How far in the past a ramp's first step may be: "now", as the PM's clock said it while they filled the form. */
const rampPastToleranceMs = 60_000;
/** How often processes running workers look for ramp steps the queue lost: such a step is this late at worst. */
const rampSweepMs = 30_000;

const flagChanged = (currentVersion: number | undefined) =>
  new AppError(409, 'flag_changed', 'Someone changed this flag after you opened it. Reload to see their change.', {
    ...(currentVersion === undefined ? {} : { details: { currentVersion } }),
  });

/** 400 with each rule that does not fit the flag's declared type, by its path in the targeting. */
function checkFits(declaration: FlagDeclaration, targeting: FlagTargeting) {
  const issues = targetingProblems(declaration, targeting);
  if (issues.length > 0) {
    throw new AppError(400, 'invalid_targeting', `Some rules do not fit this flag: ${issues.map((issue) => issue.path).join(', ')}.`, { details: { issues } });
  }
}

/** A ramp's steps as stored (percentages in thousandths), or 400 naming each step out of order or past. */
function rampSteps(steps: CreateRampBody['steps'], now: Date): { percent: number; dueAt: Date }[] {
  const stored = steps.map(({ percent, at }) => ({ percent: Math.round(percent * rolloutResolution), dueAt: new Date(at) }));
  const issues: FieldIssue[] = [];
  stored.forEach((step, index) => {
    const previous = stored[index - 1];
    const refuse = (field: 'percent' | 'at', message: string) => issues.push({ path: `steps.${index}.${field}`, message });
    if (previous && step.percent < previous.percent) refuse('percent', 'A ramp only goes up: each step is at least the one before.');
    if (step.dueAt.getTime() < now.getTime() - rampPastToleranceMs) refuse('at', 'A step cannot be in the past.');
    if (previous && step.dueAt <= previous.dueAt) refuse('at', 'Each step comes after the one before.');
  });
  if (issues.length > 0) {
    throw new AppError(400, 'invalid_request', `The ramp is invalid: ${issues.map((issue) => issue.path).join(', ')}.`, { details: { issues } });
  }
  return stored;
}

/**
 * The flags console: every flag with its rules and exact reach, changes with a reason (audited, optimistically
 * concurrent), their blast radius before saving, an explainer, and scheduled ramps. Product managers manage
 * everything; workspace owners their own workspaces' overrides; anyone else finds nothing here.
 *
 * A change answers with the flag as read once the change has committed: its reach evaluates every membership, work
 * that must not hold the flag's row lock (every other change to the flag waits behind it). A retry with the same
 * Idempotency-Key (which stores only the flag's version) gets the flag as it is at the retry.
 */
const flagsConsoleRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { db, clock } = fastify;
  const scopes = new WeakMap<FastifyRequest, FlagConsoleScope>();

  // Before the body is read: to anyone outside the console, each route answers as a route that does not exist.
  fastify.addHook('onRequest', async (request) => {
    const scope = await flagConsoleScopeOf(db, actorOf(request));
    if (!scope) throw new AppError(404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`);
    scopes.set(request, scope);
  });
  const scopeOf = (request: FastifyRequest) => scopes.get(request)!;
  const rampManagerScope = (request: FastifyRequest) => {
    const scope = scopeOf(request);
    if (!canManageRamps(scope)) throw new AppError(403, 'forbidden', 'Only product managers schedule, cancel and revert ramps.');
    return scope;
  };

  fastify.jobs.work('flag-ramp-step', (stepId) => applyRampStep(fastify, stepId));
  fastify.jobs.sweep(rampSweepMs, () => applyDueRampSteps(fastify));

  const declarationFor = (row: FlagRow) => declarationOf(fastify.flags.declarations, row);

  async function existingFlag(tx: Database, key: string, lock = false) {
    const row = await findFlag(tx, key, { lock });
    if (!row) throw notFound('The flag');
    return row;
  }
  /** A flag whose rules may change: one gone from the code keeps its rules as they were, read-only. */
  async function changeableFlag(tx: Database, key: string) {
    const row = await existingFlag(tx, key, true);
    if (row.orphaned) throw new AppError(422, 'flag_orphaned', 'This flag is no longer in the code: its rules are read-only.');
    return row;
  }
  const adminFlagOf = async (row: FlagRow, scope: FlagConsoleScope) => toAdminFlag(row, declarationFor(row), scope, await membershipPairs(db, scope), clock.now());
  async function detailOf(row: FlagRow, scope: FlagConsoleScope): Promise<AdminFlagDetail> {
    return {
      ...(await adminFlagOf(row, scope)),
      ramps: canManageRamps(scope) ? await flagRamps(db, row.key) : [],
      workspaces: await consoleWorkspaces(db, scope),
    };
  }
  /** What the actor's proposal makes of the whole targeting: 403 past their scope, 400 when a value does not fit. */
  function proposedTargeting(scope: FlagConsoleScope, row: FlagRow, proposal: FlagTargeting) {
    const after = targetingAfterChange(scope, declarationFor(row), row.targeting, proposal);
    if (!after) throw new AppError(403, 'forbidden', 'You may change only the overrides of the workspaces you own, and not on server-only flags.');
    checkFits(declarationFor(row), after);
    return after;
  }

  fastify.get('/admin/flags', { schema: { response: { 200: adminFlagListSchema } } }, async (request) => {
    const scope = scopeOf(request);
    const rows = await listFlags(db);
    const pairs = await membershipPairs(db, scope);
    const now = clock.now();
    return { flags: rows.map((row) => toAdminFlag(row, declarationFor(row), scope, pairs, now)) };
  });

  fastify.get('/admin/flags/:key', { schema: { params: flagKeyParamsSchema, response: { 200: adminFlagDetailSchema } } }, async (request) =>
    detailOf(await existingFlag(db, request.params.key), scopeOf(request)),
  );

  fastify.patch(
    '/admin/flags/:key',
    { schema: { params: flagKeyParamsSchema, body: updateFlagBodySchema, response: { 200: adminFlagSchema } } },
    async (request, reply) => {
      const scope = scopeOf(request);
      const actor = actorOf(request);
      const { key } = request.params;
      const { version, reason, targeting } = request.body;
      await fastify.idempotently(request, reply, async (tx) => {
        const row = await changeableFlag(tx, key);
        if (row.version !== version) throw flagChanged(row.version);
        const after = proposedTargeting(scope, row, targeting);
        if (after.rollout.percent !== row.targeting.rollout.percent && (await findScheduledRamp(tx, key))) {
          throw new AppError(409, 'ramp_scheduled', 'A ramp is scheduled for this flag and its next step would overwrite this percentage: cancel the ramp first.');
        }
        const now = clock.now();
        const updated = await updateTargeting(tx, key, version, after, now);
        if (!updated) throw flagChanged((await findFlag(tx, key))?.version);
        await appendAudit(tx, { flagKey: key, kind: 'change', actor, reason, before: row.targeting, after, at: now });
        return { statusCode: 200, body: { version: updated.version } };
      });
      await fastify.flags.changed(key);
      return adminFlagOf(await existingFlag(db, key), scope);
    },
  );

  fastify.post(
    '/admin/flags/:key/impact',
    { schema: { params: flagKeyParamsSchema, body: flagImpactBodySchema, response: { 200: flagImpactSchema } } },
    async (request) => {
      const scope = scopeOf(request);
      const row = await existingFlag(db, request.params.key);
      const after = proposedTargeting(scope, row, request.body.targeting);
      return { gains: flagImpact(row.key, declarationFor(row), row.targeting, after, await membershipPairs(db, scope)) };
    },
  );

  fastify.get('/admin/flags/:key/audit', { schema: { params: flagKeyParamsSchema, response: { 200: flagAuditSchema } } }, async (request) => {
    const row = await existingFlag(db, request.params.key);
    return { items: await auditTrail(db, scopeOf(request), row.key) };
  });

  // Resolved as a request of that user in that workspace would be, without any QA override (those are per session).
  fastify.post(
    '/admin/flags/:key/explain',
    { schema: { params: flagKeyParamsSchema, body: explainFlagBodySchema, response: { 200: flagExplanationSchema } } },
    async (request) => {
      const row = await existingFlag(db, request.params.key);
      const { userId, workspaceId } = request.body;
      const context = await explanationWorkspace(db, scopeOf(request), userId, workspaceId);
      if (!context) throw notFound('The user');
      const declaration = declarationFor(row);
      const { value, reason, rule } = evaluateFlag(row.key, declaration, servedTargeting(declaration, row.targeting), { userId, workspaceId: context.workspaceId });
      return { value, reason, rule, workspaceId: context.workspaceId };
    },
  );

  fastify.post(
    '/admin/flags/:key/ramps',
    { schema: { params: flagKeyParamsSchema, body: createRampBodySchema, response: { 201: adminFlagDetailSchema } } },
    async (request, reply) => {
      const scope = rampManagerScope(request);
      const actor = actorOf(request);
      const { key } = request.params;
      const { version, reason } = request.body;
      const now = clock.now();
      const steps = rampSteps(request.body.steps, now);
      let scheduled: { id: string; dueAt: Date }[] = [];
      await fastify.idempotently(request, reply, async (tx) => {
        const row = await changeableFlag(tx, key);
        if (row.version !== version) throw flagChanged(row.version);
        const { rollout } = row.targeting;
        if (rollout.split.length === 0) {
          throw new AppError(400, 'invalid_targeting', 'Give the flag a rollout split before scheduling a ramp.', {
            details: { issues: [{ path: 'rollout.split', message: 'A ramp moves the rollout percentage: the rollout needs a split first.' }] },
          });
        }
        // Steps only go up: the last is the one that could fail to fit.
        checkFits(declarationFor(row), { ...row.targeting, rollout: { ...rollout, percent: steps.at(-1)!.percent / rolloutResolution } });
        if (await findScheduledRamp(tx, key)) throw new AppError(409, 'ramp_scheduled', 'This flag already has a scheduled ramp: cancel it first.');
        scheduled = await insertRamp(tx, { flagKey: key, createdBy: actor.userId, reason, targetingBefore: row.targeting, createdAt: now }, steps);
        await appendAudit(tx, { flagKey: key, kind: 'ramp-scheduled', actor, reason, before: row.targeting, after: row.targeting, at: now });
        return { statusCode: 201, body: { version: row.version } };
      });
      // Should this fail, or the queue lose a step later, the sweep applies the step once it is due.
      for (const step of scheduled) await fastify.jobs.schedule('flag-ramp-step', step.id, step.dueAt);
      return detailOf(await existingFlag(db, key), scope);
    },
  );

  // The steps not yet applied are dropped: their jobs find the ramp no longer scheduled.
  fastify.post(
    '/admin/flags/:key/ramps/:rampId/cancel',
    { schema: { params: rampParamsSchema, body: rampActionBodySchema, response: { 200: adminFlagDetailSchema } } },
    async (request, reply) => {
      const scope = rampManagerScope(request);
      const actor = actorOf(request);
      const { key, rampId } = request.params;
      await fastify.idempotently(request, reply, async (tx) => {
        const row = await existingFlag(tx, key, true);
        if (!(await findRamp(tx, key, rampId))) throw notFound('The ramp');
        if (!(await setRampStatus(tx, rampId, 'cancelled', ['scheduled']))) {
          throw new AppError(409, 'ramp_not_scheduled', 'This ramp is no longer scheduled: it has completed, or was cancelled or reverted.');
        }
        const at = clock.now();
        await appendAudit(tx, { flagKey: key, kind: 'ramp-cancelled', actor, reason: request.body.reason, before: row.targeting, after: row.targeting, at });
        return { statusCode: 200, body: { version: row.version } };
      });
      return detailOf(await existingFlag(db, key), scope);
    },
  );

  // Back to the whole targeting from before the ramp began, whatever changed since (the trail keeps every state), at
  // the version the PM saw. A ramp still scheduled would carry on from there: it is cancelled too.
  fastify.post(
    '/admin/flags/:key/ramps/:rampId/revert',
    { schema: { params: rampParamsSchema, body: revertRampBodySchema, response: { 200: adminFlagDetailSchema } } },
    async (request, reply) => {
      const scope = rampManagerScope(request);
      const actor = actorOf(request);
      const { key, rampId } = request.params;
      const { version, reason } = request.body;
      await fastify.idempotently(request, reply, async (tx) => {
        const row = await changeableFlag(tx, key);
        const ramp = await findRamp(tx, key, rampId);
        if (!ramp) throw notFound('The ramp');
        if (ramp.status === 'reverted') throw new AppError(409, 'ramp_reverted', 'This ramp has been reverted already.');
        if (row.version !== version) throw flagChanged(row.version);
        checkFits(declarationFor(row), ramp.targetingBefore);
        const now = clock.now();
        const scheduled = await findScheduledRamp(tx, key);
        if (scheduled && scheduled.id !== rampId) {
          await setRampStatus(tx, scheduled.id, 'cancelled', ['scheduled']);
          const cancelReason = `Cancelled by reverting an earlier ramp: ${reason}`;
          await appendAudit(tx, { flagKey: key, kind: 'ramp-cancelled', actor, reason: cancelReason, before: row.targeting, after: row.targeting, at: now });
        }
        // The row is locked: its version cannot have moved.
        const updated = (await updateTargeting(tx, key, row.version, ramp.targetingBefore, now))!;
        await setRampStatus(tx, rampId, 'reverted', ['scheduled', 'completed', 'cancelled']);
        await appendAudit(tx, { flagKey: key, kind: 'ramp-reverted', actor, reason, before: row.targeting, after: ramp.targetingBefore, at: now });
        return { statusCode: 200, body: { version: updated.version } };
      });
      await fastify.flags.changed(key);
      return detailOf(await existingFlag(db, key), scope);
    },
  );
};

export default flagsConsoleRoutes;
