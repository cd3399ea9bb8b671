import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdminFlagDetail, FlagAuditEntry } from '#shared/contracts/flags.ts';
import { flagRegistry } from '#shared/flags/registry.ts';
import { emptyTargeting, type FlagTargeting } from '#shared/flags/targeting.ts';
import { featureFlagRampSteps, featureFlags } from '../../db/schema.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';
import { applyRampStep } from './ramp-job.ts';

describe('scheduled ramps', () => {
  let t: TestApp;
  let pm: TestClient;
  beforeAll(async () => {
    t = await startTestApp();
    pm = await t.signIn('pm@example.com');
    await t.app.jobs.startWorkers();
  });
  afterAll(() => t.close());

  const detail = async (key: string): Promise<AdminFlagDetail> => (await pm.request({ url: `/api/admin/flags/${key}` })).json();
  const auditOf = async (key: string): Promise<FlagAuditEntry[]> => (await pm.request({ url: `/api/admin/flags/${key}/audit` })).json().items;
  const storedFlag = async (key: string) => (await t.app.db.select().from(featureFlags).where(eq(featureFlags.key, key)))[0]!;
  const stepsOf = (rampId: string) =>
    t.app.db.select().from(featureFlagRampSteps).where(eq(featureFlagRampSteps.rampId, rampId)).orderBy(asc(featureFlagRampSteps.dueAt));
  const secondsFromNow = (seconds: number) => new Date(t.clock.now().getTime() + seconds * 1000).toISOString();
  const withPercent = (targeting: FlagTargeting, percent: number): FlagTargeting => ({ ...targeting, rollout: { ...targeting.rollout, percent } });

  async function save(key: string, targeting: FlagTargeting) {
    const { version } = await detail(key);
    const response = await pm.request({ method: 'PATCH', url: `/api/admin/flags/${key}`, payload: { version, reason: 'Set up for a ramp', targeting } });
    expect(response.statusCode, response.body).toBe(200);
  }
  const schedule = async (key: string, steps: { percent: number; at: string }[], version?: number) =>
    pm.request({ method: 'POST', url: `/api/admin/flags/${key}/ramps`, payload: { version: version ?? (await detail(key)).version, reason: 'Roll out side by side', steps } });

  it('applies a step due now and one due shortly after through the job, each audited; cancel drops the rest; revert restores', async () => {
    const before: FlagTargeting = {
      ...emptyTargeting(),
      rollout: { percent: 0, split: [{ value: 'side-by-side', weight: 100 }] },
      users: { overrides: { '00000000-0000-4000-8000-000000000002': 'stacked' }, denies: [] },
    };
    await save('snip-editor-layout', before);
    const { version } = await detail('snip-editor-layout');

    const created = await schedule('snip-editor-layout', [
      { percent: 5, at: secondsFromNow(0) },
      { percent: 25, at: secondsFromNow(1.5) },
      { percent: 100, at: secondsFromNow(3600) },
    ]);
    expect(created.statusCode, created.body).toBe(201);
    const [ramp] = created.json<AdminFlagDetail>().ramps;
    expect(ramp).toMatchObject({ status: 'scheduled', createdBy: { name: 'Pat Product' } });
    expect(ramp!.steps.map((step) => step.percent)).toEqual([5, 25, 100]);

    const steps = await stepsOf(ramp!.id);
    await vi.waitFor(async () => expect((await stepsOf(ramp!.id)).map((step) => step.appliedAt !== null)).toEqual([true, true, false]), { timeout: 15_000, interval: 50 });
    const ramped = await storedFlag('snip-editor-layout');
    expect(ramped).toMatchObject({ version: version + 2, targeting: withPercent(before, 25) });
    // The writer's instance reloaded the flag after each step committed.
    expect(t.app.flags.targeting('snip-editor-layout')?.rollout.percent).toBe(25);
    const stepEntries = (await auditOf('snip-editor-layout')).filter((entry) => entry.kind === 'ramp-step');
    expect(stepEntries).toHaveLength(2);
    expect(stepEntries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: null, reason: 'Scheduled ramp: 5 % (step 1 of 3), scheduled by Pat Product: Roll out side by side', before, after: withPercent(before, 5) }),
        expect.objectContaining({ actor: null, reason: 'Scheduled ramp: 25 % (step 2 of 3), scheduled by Pat Product: Roll out side by side', before: withPercent(before, 5), after: withPercent(before, 25) }),
      ]),
    );
    // One scheduled ramp per flag at a time (its last step is an hour away).
    const second = await schedule('snip-editor-layout', [{ percent: 50, at: secondsFromNow(60) }]);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('ramp_scheduled');
    // A step delivered twice changes nothing the second time.
    await applyRampStep(t.app, steps[0]!.id);
    await applyRampStep(t.app, steps[1]!.id);
    expect((await storedFlag('snip-editor-layout')).version).toBe(version + 2);

    const cancelled = await pm.request({ method: 'POST', url: `/api/admin/flags/snip-editor-layout/ramps/${ramp!.id}/cancel`, payload: { reason: 'Holding at 25 %' } });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json<AdminFlagDetail>().ramps[0]).toMatchObject({ status: 'cancelled' });
    // The remaining step's job, when it comes, finds the ramp cancelled.
    await applyRampStep(t.app, steps[2]!.id);
    expect(await storedFlag('snip-editor-layout')).toMatchObject({ version: version + 2, targeting: withPercent(before, 25) });
    expect((await stepsOf(ramp!.id))[2]!.appliedAt).toBeNull();
    const again = await pm.request({ method: 'POST', url: `/api/admin/flags/snip-editor-layout/ramps/${ramp!.id}/cancel`, payload: { reason: 'Holding at 25 %' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ramp_not_scheduled');

    const revert = (payload: { version: number; reason: string }) =>
      pm.request({ method: 'POST', url: `/api/admin/flags/snip-editor-layout/ramps/${ramp!.id}/revert`, payload });
    // At the version the PM saw: a revert of a flag that changed since would undo what they did not see.
    const stale = await revert({ version: version + 1, reason: 'Side by side confused people' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'flag_changed', details: { currentVersion: version + 2 } });
    expect((await storedFlag('snip-editor-layout')).targeting).toEqual(withPercent(before, 25));
    const reverted = await revert({ version: version + 2, reason: 'Side by side confused people' });
    expect(reverted.statusCode, reverted.body).toBe(200);
    expect(reverted.json<AdminFlagDetail>()).toMatchObject({ version: version + 3, targeting: before, ramps: [{ status: 'reverted' }] });
    expect(t.app.flags.targeting('snip-editor-layout')?.rollout.percent).toBe(0);
    const entries = await auditOf('snip-editor-layout');
    expect(entries.find((entry) => entry.kind === 'ramp-reverted')).toMatchObject({
      actor: { name: 'Pat Product' },
      reason: 'Side by side confused people',
      before: withPercent(before, 25),
      after: before,
    });
    expect(entries.filter((entry) => entry.kind !== 'change').map((entry) => entry.kind).sort()).toEqual(['ramp-cancelled', 'ramp-reverted', 'ramp-scheduled', 'ramp-step', 'ramp-step']);
    const twice = await revert({ version: version + 3, reason: 'Once more' });
    expect(twice.json().error.code).toBe('ramp_reverted');
  });

  it('completes a ramp with its last step', async () => {
    await save('export-button', { ...emptyTargeting(), default: false, rollout: { percent: 0, split: [{ value: true, weight: 100 }] } });
    const created = await schedule('export-button', [
      { percent: 12.5, at: secondsFromNow(0) },
      { percent: 100, at: secondsFromNow(0.5) },
    ]);
    expect(created.statusCode, created.body).toBe(201);
    const [ramp] = created.json<AdminFlagDetail>().ramps;
    await vi.waitFor(async () => expect((await detail('export-button')).ramps[0]!.status).toBe('completed'), { timeout: 15_000, interval: 50 });
    const flag = await detail('export-button');
    expect(flag.targeting.rollout.percent).toBe(100);
    expect(flag.ramps[0]!.steps.every((step) => step.appliedAt !== null)).toBe(true);
    expect((await auditOf('export-button')).map((entry) => entry.reason)).toContain('Scheduled ramp: 12.5 % (step 1 of 2), scheduled by Pat Product: Roll out side by side');
    // A completed ramp cannot be cancelled, only reverted.
    const cancel = await pm.request({ method: 'POST', url: `/api/admin/flags/export-button/ramps/${ramp!.id}/cancel`, payload: { reason: 'Too late' } });
    expect(cancel.statusCode).toBe(409);
  });

  it('keeps manual changes and reverts from fighting a scheduled ramp', async () => {
    // export-button's first ramp has completed (the test before); a second one is scheduled.
    const [first] = (await detail('export-button')).ramps;
    expect(first).toMatchObject({ status: 'completed' });
    t.clock.advance(60);
    const created = await schedule('export-button', [{ percent: 100, at: secondsFromNow(3600) }]);
    expect(created.statusCode, created.body).toBe(201);
    const [second] = created.json<AdminFlagDetail>().ramps;
    const current = await detail('export-button');

    // A new percentage would last only until the ramp's next step: cancel the ramp first. Other rules are fine.
    const patch = (targeting: FlagTargeting) =>
      pm.request({ method: 'PATCH', url: '/api/admin/flags/export-button', payload: { version: current.version, reason: 'Hold at half', targeting } });
    const percent = await patch(withPercent(current.targeting, 50));
    expect(percent.statusCode).toBe(409);
    expect(percent.json().error).toMatchObject({ code: 'ramp_scheduled', message: expect.stringContaining('cancel the ramp first') });
    expect((await patch({ ...current.targeting, default: true })).statusCode).toBe(200);

    // Reverting the first ramp stops the second in the same change: its next step would undo the revert.
    const { version } = await detail('export-button');
    const reverted = await pm.request({
      method: 'POST',
      url: `/api/admin/flags/export-button/ramps/${first!.id}/revert`,
      payload: { version, reason: 'Exports overloaded the database' },
    });
    expect(reverted.statusCode, reverted.body).toBe(200);
    const after = reverted.json<AdminFlagDetail>();
    expect(after.ramps.map((ramp) => [ramp.id, ramp.status])).toEqual([
      [second!.id, 'cancelled'],
      [first!.id, 'reverted'],
    ]);
    expect(after).toMatchObject({ version: version + 1, targeting: { default: false, rollout: { percent: 0 } } });
    const cancelled = (await auditOf('export-button')).find((entry) => entry.kind === 'ramp-cancelled');
    expect(cancelled).toMatchObject({ actor: { name: 'Pat Product' }, reason: 'Cancelled by reverting an earlier ramp: Exports overloaded the database' });
    const [lastStep] = await stepsOf(second!.id);
    await applyRampStep(t.app, lastStep!.id);
    expect((await storedFlag('export-button')).version).toBe(version + 1);
  });

  it('refuses ramps that go down, run backwards, start in the past, or have no split to move', async () => {
    await save('snips-page-size', { ...emptyTargeting(), rollout: { percent: 0, split: [{ value: 50, weight: 100 }] } });
    const refusals: [{ percent: number; at: string }[], string][] = [
      [[{ percent: 20, at: secondsFromNow(0) }, { percent: 10, at: secondsFromNow(60) }], 'steps.1.percent'],
      [[{ percent: 10, at: secondsFromNow(60) }, { percent: 20, at: secondsFromNow(30) }], 'steps.1.at'],
      [[{ percent: 10, at: secondsFromNow(-120) }], 'steps.0.at'],
      [[{ percent: 10.0005, at: secondsFromNow(0) }], 'steps.0.percent'],
      [[{ percent: 101, at: secondsFromNow(0) }], 'steps.0.percent'],
    ];
    for (const [steps, path] of refusals) {
      const response = await schedule('snips-page-size', steps);
      expect(response.statusCode, JSON.stringify(steps)).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_request', details: { issues: [expect.objectContaining({ path })] } });
    }
    // A step's percentage is checked like the rollout's (one schema), in the same words.
    const [tooPrecise, tooHigh] = await Promise.all([10.0005, 101].map((percent) => schedule('snips-page-size', [{ percent, at: secondsFromNow(0) }])));
    expect(tooPrecise!.json().error.details.issues[0].message).toBe('A percentage has at most three decimals.');
    expect(tooHigh!.json().error.details.issues[0].message).toBe('A percentage is between 0 and 100.');
    const stale = await schedule('snips-page-size', [{ percent: 10, at: secondsFromNow(60) }], 1);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('flag_changed');

    const noSplit = await schedule('live-presence', [{ percent: 10, at: secondsFromNow(60) }]);
    expect(noSplit.statusCode).toBe(400);
    expect(noSplit.json().error.code).toBe('invalid_targeting');
    expect((await pm.request({ method: 'POST', url: `/api/admin/flags/live-presence/ramps/${randomUUID()}/cancel`, payload: { reason: 'Nothing' } })).statusCode).toBe(404);

    await t.app.db.insert(featureFlags).values({ key: 'retired-gate', declaration: flagRegistry['export-button'], targeting: emptyTargeting(), orphaned: true });
    const orphaned = await schedule('retired-gate', [{ percent: 10, at: secondsFromNow(60) }]);
    expect(orphaned.statusCode).toBe(422);
    expect((await detail('snips-page-size')).ramps).toEqual([]);
  });

  it('is for product managers: an owner is refused and sees none, a member finds nothing', async () => {
    const payload = { version: 1, reason: 'Roll out', steps: [{ percent: 10, at: secondsFromNow(60) }] };
    const owner = await t.signIn('owner@example.com');
    const member = await t.signIn('member@example.com');
    for (const [client, status] of [[owner, 403], [member, 404]] as const) {
      expect((await client.request({ method: 'POST', url: '/api/admin/flags/snips-page-size/ramps', payload })).statusCode).toBe(status);
      for (const [action, body] of [['cancel', { reason: 'Not mine' }], ['revert', { version: 1, reason: 'Not mine' }]] as const) {
        const response = await client.request({ method: 'POST', url: `/api/admin/flags/snips-page-size/ramps/${randomUUID()}/${action}`, payload: body });
        expect(response.statusCode).toBe(status);
      }
    }
    // export-button has had ramps (the tests before), none of them touching Acme's rules: its owner reads nothing of them.
    expect((await detail('export-button')).ramps.length).toBeGreaterThan(0);
    const seen = (await owner.request({ url: '/api/admin/flags/export-button' })).json<AdminFlagDetail>();
    expect(seen.ramps).toEqual([]);
    expect((await owner.request({ url: '/api/admin/flags/export-button/audit' })).json().items).toEqual([]);
  });
});

describe('ramp steps the queue lost', () => {
  let t: TestApp;
  let pm: TestClient;
  beforeAll(async () => {
    t = await startTestApp();
    pm = await t.signIn('pm@example.com');
  });
  afterAll(async () => {
    vi.useRealTimers();
    await t.close();
  });

  const percentOf = async (key: string) => (await t.app.db.select().from(featureFlags).where(eq(featureFlags.key, key)))[0]!.targeting.rollout.percent;
  /** Schedules a one-step ramp to 40 % in `seconds`; the step's id. */
  async function rampIn(key: string, split: FlagTargeting['rollout']['split'], seconds: number): Promise<string> {
    const targeting = { ...emptyTargeting(), rollout: { percent: 0, split } };
    const { version } = (await pm.request({ url: `/api/admin/flags/${key}` })).json<AdminFlagDetail>();
    expect((await pm.request({ method: 'PATCH', url: `/api/admin/flags/${key}`, payload: { version, reason: 'Set up', targeting } })).statusCode).toBe(200);
    const at = new Date(t.clock.now().getTime() + seconds * 1000).toISOString();
    const created = await pm.request({ method: 'POST', url: `/api/admin/flags/${key}/ramps`, payload: { version: version + 1, reason: 'Ramp', steps: [{ percent: 40, at }] } });
    expect(created.statusCode, created.body).toBe(201);
    const [step] = await t.app.db.select().from(featureFlagRampSteps).where(eq(featureFlagRampSteps.rampId, created.json<AdminFlagDetail>().ramps[0]!.id));
    return step!.id;
  }
  /** As after the task's last retry failed: the queue keeps the failed task, and takes its id again as a no-op. */
  const failForGood = (stepId: string) => t.app.db.execute(sql`update pgboss.job set state = 'failed' where name = 'flag-ramp-step' and id = ${stepId}`);

  it('are applied when workers start, and by the sweep every 30 seconds after', async () => {
    const failed = await rampIn('export-button', [{ value: true, weight: 100 }], 0);
    await failForGood(failed);
    // As when queueing failed after the ramp was stored.
    const neverQueued = await rampIn('snip-editor-layout', [{ value: 'side-by-side', weight: 100 }], 0);
    await t.app.db.execute(sql`delete from pgboss.job where name = 'flag-ramp-step' and id = ${neverQueued}`);

    // Only the sweep's timer is faked: it is the one interval `startWorkers` sets.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await t.app.jobs.startWorkers();
    await vi.waitFor(async () => expect([await percentOf('export-button'), await percentOf('snip-editor-layout')]).toEqual([40, 40]), { timeout: 10_000, interval: 50 });
    expect(t.app.flags.targeting('export-button')?.rollout.percent).toBe(40);

    // A step due in a minute whose task fails for good meanwhile: the next sweep after its time applies it.
    const later = await rampIn('snips-page-size', [{ value: 50, weight: 100 }], 60);
    await failForGood(later);
    t.clock.advance(60);
    await vi.advanceTimersByTimeAsync(30_000);
    await vi.waitFor(async () => expect(await percentOf('snips-page-size')).toBe(40), { timeout: 10_000, interval: 50 });
    vi.useRealTimers();
    const [step] = await t.app.db.select().from(featureFlagRampSteps).where(eq(featureFlagRampSteps.id, later));
    expect(step!.appliedAt).not.toBeNull();
  });
});
