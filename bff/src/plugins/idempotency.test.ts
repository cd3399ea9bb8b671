import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snips } from '../db/schema.ts';
import { startTestApp, type TestApp, type TestClient } from '../test-app.ts';

let t: TestApp;
let member: TestClient;
beforeAll(async () => {
  t = await startTestApp();
});
// Some tests move the clock past the idle timeout; each starts with a fresh session.
beforeEach(async () => {
  member = await t.signIn('member@example.com');
});
afterAll(() => t.close());

const snipsTitled = async (title: string) => (await t.app.db.select({ n: count() }).from(snips).where(eq(snips.title, title)))[0]!.n;
const create = (client: TestClient, key: string, title: string) =>
  client.request({ method: 'POST', url: '/api/snips', payload: { title, body: 'b', language: 'go' }, headers: { 'idempotency-key': key } });

describe('Idempotency-Key', () => {
  it('replays a retried create instead of landing it twice', async () => {
    const first = await create(member, 'create-1', 'Once only');
    const retry = await create(member, 'create-1', 'Once only');
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await snipsTitled('Once only')).toBe(1);
  });

  it('lands once when the same request arrives twice at the same moment', async () => {
    const results = await Promise.all([create(member, 'race-1', 'Raced'), create(member, 'race-1', 'Raced'), create(member, 'race-1', 'Raced')]);
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(await snipsTitled('Raced')).toBe(1);
  });

  it('refuses the same key for a different request', async () => {
    await create(member, 'create-2', 'First body');
    const reused = await create(member, 'create-2', 'Another body');
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('idempotency_key_reused');
    expect(await snipsTitled('Another body')).toBe(0);
  });

  it('keeps keys per user', async () => {
    const owner = await t.signIn('owner@example.com');
    await create(member, 'shared-key', 'Per user');
    expect((await create(owner, 'shared-key', 'Per user')).headers['idempotent-replayed']).toBeUndefined();
    expect(await snipsTitled('Per user')).toBe(2);
  });

  it('replays a retried update, so the version moves once', async () => {
    const snip = (await create(member, 'create-3', 'To edit')).json();
    const patch = () =>
      member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { body: 'edited', version: 1 }, headers: { 'idempotency-key': 'update-1' } });
    const first = await patch();
    const retry = await patch();
    expect(first.json().version).toBe(2);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().version).toBe(2);
    expect((await member.request({ url: `/api/snips/${snip.id}` })).json().version).toBe(2);
  });

  it('lets a request that failed for want of a session land exactly once after signing in again', async () => {
    const client = await t.signIn('member@example.com');
    t.clock.advance(t.config.sessionIdleSeconds + 1);
    const failed = await create(client, 'after-expiry', 'Saved after expiry');
    expect(failed.json().error.code).toBe('session_expired');
    await client.signIn('member@example.com');
    expect((await create(client, 'after-expiry', 'Saved after expiry')).statusCode).toBe(201);
    expect((await create(client, 'after-expiry', 'Saved after expiry')).headers['idempotent-replayed']).toBe('true');
    expect(await snipsTitled('Saved after expiry')).toBe(1);
  });

  it('does not store failures: the same key may be retried after a conflict', async () => {
    const snip = (await create(member, 'create-4', 'Conflicted')).json();
    await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { body: 'other', version: 1 } });
    const stale = () =>
      member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { body: 'mine', version: 1 }, headers: { 'idempotency-key': 'conflict-1' } });
    expect((await stale()).statusCode).toBe(409);
    expect((await stale()).statusCode).toBe(409);
  });

  it('keeps a key for 24 hours, then the same request lands again as a new one', async () => {
    const first = await create(member, 'kept-a-day', 'Kept a day');
    expect(first.statusCode).toBe(201);
    // Sessions end long before a day is over: each step signs in again, as a user retrying the next day would.
    t.clock.advance(24 * 3600 - 1);
    const withinTheDay = await create(await t.signIn('member@example.com'), 'kept-a-day', 'Kept a day');
    expect(withinTheDay.headers['idempotent-replayed']).toBe('true');
    expect(withinTheDay.json().id).toBe(first.json().id);
    t.clock.advance(2);
    const nextDay = await create(await t.signIn('member@example.com'), 'kept-a-day', 'Kept a day');
    expect(nextDay.statusCode).toBe(201);
    expect(nextDay.headers['idempotent-replayed']).toBeUndefined();
    expect(await snipsTitled('Kept a day')).toBe(2);
  });

  it('takes a key of up to 255 printable characters', async () => {
    expect((await create(member, 'k'.repeat(255), 'Longest key')).statusCode).toBe(201);
    const tooLong = await create(member, 'k'.repeat(256), 'Key too long');
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.code).toBe('invalid_request');
    expect(await snipsTitled('Key too long')).toBe(0);
  });

  it('rejects a malformed key', async () => {
    const response = await create(member, 'x'.repeat(300), 'Bad key');
    expect(response.statusCode).toBe(400);
    expect(await snipsTitled('Bad key')).toBe(0);
  });
});
