import type { FastifyInstance } from 'fastify';
import { rolloutResolution, targetingProblems } from '#shared/flags/targeting.ts';
import { appendAudit, declarationOf, dueRampSteps, findFlag, markStepApplied, rampOfStep, rampStepFlagKey, setRampStatus, updateTargeting } from './queries.ts';

const percentText = (thousandths: number) => `${thousandths / rolloutResolution} %`;

/**
 * Applies one step of a scheduled ramp, at its time: the flag's rollout percentage becomes the step's, audited like a
 * manual change, in one transaction behind the flag's row lock (so a save, a cancel or a revert and the step take
 * turns). Harmless twice, and after the ramp was cancelled or reverted: the step finds itself applied, or its ramp no
 * longer scheduled, and changes nothing. A step that comes late, after a later step of its ramp, would lower the
 * percentage again: it is skipped. Should the flag no longer take the percentage (its split was emptied, or it left
 * the code), the ramp stops there, and says why in the trail.
 */
export async function applyRampStep(fastify: FastifyInstance, stepId: string): Promise<void> {
  const { db, clock } = fastify;
  const changedKey = await db.transaction(async (tx) => {
    const key = await rampStepFlagKey(tx, stepId);
    const flag = key === undefined ? undefined : await findFlag(tx, key, { lock: true });
    const ramp = await rampOfStep(tx, stepId);
    if (!flag || !ramp || ramp.status !== 'scheduled') return undefined;
    const index = ramp.steps.findIndex((step) => step.id === stepId);
    const step = ramp.steps[index]!;
    if (step.appliedAt !== null || ramp.steps.slice(index + 1).some((later) => later.appliedAt !== null)) return undefined;

    const now = clock.now();
    const position = `step ${index + 1} of ${ramp.steps.length}`;
    const after = { ...flag.targeting, rollout: { ...flag.targeting.rollout, percent: step.percent / rolloutResolution } };
    const [problem] = flag.orphaned
      ? [{ message: 'The flag is no longer in the code.' }]
      : targetingProblems(declarationOf(fastify.flags.declarations, flag), after);
    if (problem) {
      await setRampStatus(tx, ramp.id, 'cancelled', ['scheduled']);
      const reason = `Scheduled ramp stopped before ${percentText(step.percent)} (${position}): ${problem.message}`;
      await appendAudit(tx, { flagKey: flag.key, kind: 'ramp-cancelled', actor: null, reason, before: flag.targeting, after: flag.targeting, at: now });
      return undefined;
    }
    await updateTargeting(tx, flag.key, flag.version, after, now);
    await markStepApplied(tx, stepId, now);
    if (index === ramp.steps.length - 1) await setRampStatus(tx, ramp.id, 'completed', ['scheduled']);
    const reason = `Scheduled ramp: ${percentText(step.percent)} (${position}), scheduled by ${ramp.creatorName ?? 'a deleted account'}: ${ramp.reason}`;
    await appendAudit(tx, { flagKey: flag.key, kind: 'ramp-step', actor: null, reason, before: flag.targeting, after, at: now });
    return flag.key;
  });
  if (changedKey !== undefined) await fastify.flags.changed(changedKey);
}

/**
 * Applies the steps that are due and still not applied, oldest first: those the queue lost (a task that failed all its
 * retries, or one whose queueing failed after the ramp was stored). Through `applyRampStep`, so a step the queue
 * delivers at the same moment is applied once.
 */
export async function applyDueRampSteps(fastify: FastifyInstance): Promise<void> {
  for (const step of await dueRampSteps(fastify.db, fastify.clock.now())) await applyRampStep(fastify, step.id);
}
