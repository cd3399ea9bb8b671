import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema.ts';
import { sessionCookie } from '../../plugins/session.ts';
import { startTestApp, type TestApp } from '../../test-app.ts';
import { signInLimits } from './sign-in-limiter.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('sign-in', () => {
  it('signs in with the right password and returns the user, their workspace and a CSRF token', async () => {
    const client = t.client();
    const response = await client.signIn('Member@Example.com');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ email: 'member@example.com', isPm: false, workspace: { name: 'Acme', role: 'member' } });
    expect(body.csrfToken).toEqual(expect.any(String));
    const me = await client.request({ url: '/api/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'member@example.com', memberships: [{ workspaceName: 'Acme', role: 'member' }] });
  });

  it('marks the PM with the global role', async () => {
    const response = await t.client().signIn('pm@example.com');
    expect(response.json().user).toMatchObject({ isPm: true, workspace: { role: 'member' } });
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const wrongPassword = await t.client().signIn('viewer@example.com', 'nope');
    const unknownEmail = await t.client().signIn('nobody@example.com', 'nope');
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('invalid_credentials');
    }
  });

  it('sets an HttpOnly SameSite cookie of 128+ random bits, stored only as a hash', async () => {
    const client = t.client();
    const response = await client.signIn('owner@example.com');
    const cookie = response.cookies.find((c) => c.name === sessionCookie)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(Buffer.from(cookie.value, 'base64url').length).toBeGreaterThanOrEqual(16);
    const ownerId = (await t.app.db.select().from(users).where(eq(users.email, 'owner@example.com')))[0]!.id;
    const stored = await t.app.db.select().from(sessions).where(eq(sessions.userId, ownerId));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((s) => s.idHash)).not.toContain(cookie.value);
  });

  it('makes the session id 256 random bits, stores only its SHA-256, and stores passwords as argon2id', async () => {
    const response = await t.client().signIn('owner@example.com');
    const cookie = response.cookies.find((c) => c.name === sessionCookie)!.value;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(cookie, 'base64url')).toHaveLength(32);
    const idHash = createHash('sha256').update(cookie).digest('base64url');
    const [stored] = await t.app.db.select().from(sessions).where(eq(sessions.idHash, idHash));
    expect(stored).toBeDefined();
    expect(Object.values(stored!).map(String)).not.toContain(cookie);
    const [owner] = await t.app.db.select().from(users).where(eq(users.email, 'owner@example.com'));
    expect(stored!.userId).toBe(owner!.id);
    expect(owner!.passwordHash).toMatch(/^\$argon2id\$v=19\$/);
  });

  it('marks the cookie Secure when served over https', async () => {
    const https = await startTestApp({ environment: { TRUST_PROXY: 'true' } });
    try {
      const response = await https.client().signIn('member@example.com', 'demo-password');
      expect(response.statusCode).toBe(200);
      const client = https.client();
      await client.request({ url: '/api/session', headers: { 'x-forwarded-proto': 'https' } });
      const secure = await client.request({
        method: 'POST',
        url: '/api/session',
        payload: { email: 'member@example.com', password: 'demo-password' },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(secure.cookies.find((c) => c.name === sessionCookie)).toMatchObject({ secure: true });
      expect(response.cookies.find((c) => c.name === sessionCookie)?.secure).toBeFalsy();
    } finally {
      await https.close();
    }
  });

  it('rotates the session id at sign-in: the old cookie stops working', async () => {
    const client = await t.signIn('member@example.com');
    const before = client.cookies.get(sessionCookie)!;
    await client.signIn('member@example.com');
    const after = client.cookies.get(sessionCookie)!;
    expect(after).not.toBe(before);
    const stale = t.client();
    stale.cookies.set(sessionCookie, before);
    expect((await stale.request({ url: '/api/me' })).json().error.code).toBe('unauthenticated');
  });

  it('signs out by deleting the session on the server', async () => {
    const client = await t.signIn('member@example.com');
    const cookie = client.cookies.get(sessionCookie)!;
    const out = await client.request({ method: 'DELETE', url: '/api/session' });
    expect(out.statusCode).toBe(204);
    expect(client.cookies.has(sessionCookie)).toBe(false);
    const replay = t.client();
    replay.cookies.set(sessionCookie, cookie);
    expect((await replay.request({ url: '/api/me' })).statusCode).toBe(401);
    expect((await client.request({ url: '/api/session' })).json().user).toBeNull();
  });
});

describe('session lifetime', () => {
  it('answers unauthenticated when there never was a session', async () => {
    const response = await t.client().request({ url: '/api/snips' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthenticated');
  });

  it('expires after the idle timeout and says session_expired', async () => {
    const client = await t.signIn('member@example.com');
    t.clock.advance(t.config.sessionIdleSeconds - 5);
    expect((await client.request({ url: '/api/me' })).statusCode).toBe(200);
    // Activity moved the idle deadline: another almost-full idle period is still fine.
    t.clock.advance(t.config.sessionIdleSeconds - 5);
    expect((await client.request({ url: '/api/me' })).statusCode).toBe(200);
    t.clock.advance(t.config.sessionIdleSeconds + 1);
    const expired = await client.request({ url: '/api/me' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('session_expired');
    expect((await client.request({ url: '/api/session' })).json().user).toBeNull();
  });

  it('expires at the absolute lifetime even when the user is active', async () => {
    const client = await t.signIn('member@example.com');
    const step = t.config.sessionIdleSeconds - 60;
    for (let elapsed = 0; elapsed + step < t.config.sessionAbsoluteSeconds; elapsed += step) {
      t.clock.advance(step);
      expect((await client.request({ url: '/api/me' })).statusCode).toBe(200);
    }
    t.clock.advance(step);
    expect((await client.request({ url: '/api/me' })).json().error.code).toBe('session_expired');
  });
});

describe('sign-in rate limits', () => {
  it('locks an account after repeated failures, with Retry-After, even for the right password', async () => {
    for (let i = 0; i < signInLimits.perAccount.failures; i++) {
      expect((await t.client().signIn('pm@example.com', `wrong-${i}`)).statusCode).toBe(401);
    }
    const locked = await t.client().signIn('pm@example.com');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toMatchObject({
      code: 'rate_limited',
      message: 'Too many failed sign-in attempts. Try again in 15 minutes.',
    });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits failures per IP across many accounts', async () => {
    const remoteAddress = '203.0.113.9';
    const attempt = (email: string, password: string) =>
      t.client().request({ method: 'POST', url: '/api/session', payload: { email, password }, remoteAddress });
    for (let i = 0; i < signInLimits.perIp.failures; i++) {
      expect((await attempt(`guess-${i}@example.com`, 'x')).statusCode).toBe(401);
    }
    const limited = await attempt('owner@example.com', 'demo-password');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await t.client().signIn('owner@example.com')).statusCode).toBe(200);
  });

  it('does not count successful sign-ins, from one IP or for one account', async () => {
    const remoteAddress = '203.0.113.77';
    const attempt = (password: string) =>
      t.client().request({ method: 'POST', url: '/api/session', payload: { email: 'member@example.com', password }, remoteAddress });
    const budget = Math.max(signInLimits.perIp.failures, signInLimits.perAccount.failures);
    for (let i = 0; i <= budget; i++) expect((await attempt('demo-password')).statusCode).toBe(200);
    const failure = await attempt('wrong');
    expect(failure.statusCode).toBe(401);
    expect(failure.json().error.code).toBe('invalid_credentials');
  });
});

describe('CSRF', () => {
  it('refuses an unsafe request without the token, or with a wrong one', async () => {
    const client = await t.signIn('member@example.com');
    const payload = { title: 'x', body: 'y', language: 'plaintext' };
    const missing = await client.request({ method: 'POST', url: '/api/snips', payload, headers: { 'x-csrf-token': '' } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('csrf_failed');
    const wrong = await client.request({ method: 'POST', url: '/api/snips', payload, headers: { 'x-csrf-token': 'forged' } });
    expect(wrong.json().error.code).toBe('csrf_failed');
    expect((await client.request({ method: 'POST', url: '/api/snips', payload })).statusCode).toBe(201);
  });

  it('protects the sign-in form itself with the pre-session token', async () => {
    const client = t.client();
    const response = await client.request({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'member@example.com', password: 'demo-password' },
      headers: { 'x-csrf-token': 'guess' },
    });
    expect(response.json().error.code).toBe('csrf_failed');
  });

  it('binds the token to the session and rotates it at sign-in', async () => {
    const client = t.client();
    await client.refreshSession();
    const anonymousToken = client.csrfToken;
    await client.signIn('member@example.com');
    expect(client.csrfToken).not.toBe(anonymousToken);
    expect((await client.request({ url: '/api/session' })).json().csrfToken).toBe(client.csrfToken);
    const other = await t.signIn('owner@example.com');
    const borrowed = await client.request({
      method: 'DELETE',
      url: '/api/session',
      headers: { 'x-csrf-token': other.csrfToken! },
    });
    expect(borrowed.json().error.code).toBe('csrf_failed');
  });

  it('refuses cross-site requests even with a valid token', async () => {
    const client = await t.signIn('member@example.com');
    const crossSite = await client.request({ method: 'DELETE', url: '/api/session', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.json().error.code).toBe('csrf_failed');
    const foreignOrigin = await client.request({ method: 'DELETE', url: '/api/session', headers: { origin: 'https://evil.example' } });
    expect(foreignOrigin.json().error.code).toBe('csrf_failed');
    const sameOrigin = await client.request({ method: 'DELETE', url: '/api/session', headers: { origin: 'http://localhost:80' } });
    expect(sameOrigin.statusCode).toBe(204);
  });
});
