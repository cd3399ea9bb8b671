import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema.ts';
import { preSessionCookie } from '../../plugins/csrf.ts';
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

  it('keeps the plain cookie names over http, as in local development', async () => {
    const response = await t.client().signIn('member@example.com');
    expect(response.cookies.map((c) => [c.name, c.secure ?? false])).toEqual([[sessionCookie, false]]);
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

  it('writes the idle clock often enough that an active session does not end early', async () => {
    const short = await startTestApp({ environment: { SESSION_IDLE_SECONDS: '20' } });
    try {
      const client = await short.signIn('member@example.com');
      for (let elapsed = 5; elapsed <= 60; elapsed += 5) {
        short.clock.advance(5);
        expect((await client.request({ url: '/api/me' })).statusCode, `after ${elapsed} s`).toBe(200);
      }
      // At most 10 % of the idle time early: idle from the last request, the session ends within 18 to 20 s.
      short.clock.advance(18);
      expect((await client.request({ url: '/api/me' })).statusCode).toBe(200);
      short.clock.advance(20);
      expect((await client.request({ url: '/api/me' })).json().error.code).toBe('session_expired');
    } finally {
      await short.close();
    }
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
  const attemptFrom = (remoteAddress: string, email: string, password: string) =>
    t.client().request({ method: 'POST', url: '/api/session', payload: { email, password }, remoteAddress });

  it('locks out one client for one account after repeated failures, even for the right password', async () => {
    const attacker = '198.51.100.20';
    for (let i = 0; i < signInLimits.perAccountAndClient.failures; i++) {
      expect((await attemptFrom(attacker, 'owner@example.com', `wrong-${i}`)).statusCode).toBe(401);
    }
    const locked = await attemptFrom(attacker, 'owner@example.com', 'demo-password');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toMatchObject({
      code: 'rate_limited',
      message: 'Too many failed sign-in attempts. Try again in 15 minutes.',
    });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // The owner, elsewhere, is not locked out by someone who only knows their email.
    expect((await attemptFrom('198.51.100.21', 'owner@example.com', 'demo-password')).statusCode).toBe(200);
    // That client may still try other accounts, within its own budget.
    expect((await attemptFrom(attacker, 'viewer@example.com', 'demo-password')).statusCode).toBe(200);
  });

  it('slows down an account failing from many clients, but a clean client with the right password gets in', async () => {
    const { freeFailures, firstDelayMs } = signInLimits.perAccount;
    const perClient = signInLimits.perAccountAndClient.failures - 1;
    let failures = 0;
    for (let client = 0; failures < freeFailures + 2; client++) {
      for (let i = 0; i < perClient && failures < freeFailures + 2; i++, failures++) {
        expect((await attemptFrom(`198.51.100.${100 + client}`, 'pm@example.com', 'wrong')).statusCode).toBe(401);
      }
    }
    const started = performance.now();
    const clean = await attemptFrom('198.51.100.99', 'pm@example.com', 'demo-password');
    expect(clean.statusCode).toBe(200);
    // Two failures past the free ones: the next answer, right or wrong, waits twice the first delay.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * firstDelayMs - 5);
    const startedWrong = performance.now();
    expect((await attemptFrom('198.51.100.98', 'pm@example.com', 'wrong')).statusCode).toBe(401);
    expect(performance.now() - startedWrong).toBeGreaterThanOrEqual(2 * firstDelayMs - 5);
  });

  it('past the free failures takes one attempt on the account at a time: parallel guesses do not each wait side by side', async () => {
    const perClient = signInLimits.perAccountAndClient.failures - 1;
    for (let failures = 0; failures <= signInLimits.perAccount.freeFailures; failures++) {
      const client = `198.51.100.${150 + Math.floor(failures / perClient)}`;
      expect((await attemptFrom(client, 'outsider@example.com', 'wrong')).statusCode).toBe(401);
    }
    const parallel = await Promise.all(Array.from({ length: 5 }, (_, i) => attemptFrom(`198.51.100.${170 + i}`, 'outsider@example.com', 'wrong')));
    const statuses = parallel.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([401, 429, 429, 429, 429]);
    expect((await attemptFrom('198.51.100.180', 'outsider@example.com', 'demo-password')).statusCode).toBe(200);
  });

  it('counts an IPv6 client by its /64, so rotating addresses within it does not escape the per-IP limit', async () => {
    for (let i = 0; i < signInLimits.perClient.failures; i++) {
      expect((await attemptFrom(`2001:db8:5:6::${(i + 1).toString(16)}`, `v6-guess-${i}@example.com`, 'x')).statusCode).toBe(401);
    }
    expect((await attemptFrom('2001:db8:5:6:ffff:1:2:3', 'v6-guess-x@example.com', 'x')).statusCode).toBe(429);
    expect((await attemptFrom('2001:db8:5:7::1', 'member@example.com', 'demo-password')).statusCode).toBe(200);
  });

  it('limits failures per IP across many accounts', async () => {
    const remoteAddress = '203.0.113.9';
    const attempt = (email: string, password: string) => attemptFrom(remoteAddress, email, password);
    for (let i = 0; i < signInLimits.perClient.failures; i++) {
      expect((await attempt(`guess-${i}@example.com`, 'x')).statusCode).toBe(401);
    }
    const limited = await attempt('owner@example.com', 'demo-password');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await t.client().signIn('owner@example.com')).statusCode).toBe(200);
  });

  it('does not count successful sign-ins, from one IP or for one account', async () => {
    const remoteAddress = '203.0.113.77';
    const attempt = (password: string) => attemptFrom(remoteAddress, 'member@example.com', password);
    const budget = Math.max(signInLimits.perClient.failures, signInLimits.perAccountAndClient.failures);
    for (let i = 0; i <= budget; i++) expect((await attempt('demo-password')).statusCode).toBe(200);
    const failure = await attempt('wrong');
    expect(failure.statusCode).toBe(401);
    expect(failure.json().error.code).toBe('invalid_credentials');
  });
});

describe('behind a trusted reverse proxy', () => {
  let behindProxy: TestApp;
  beforeAll(async () => {
    // Requests injected in tests come from 127.0.0.1: here, the proxy.
    behindProxy = await startTestApp({ environment: { TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(() => behindProxy.close());

  it('over https names the cookies __Host-, Secure, Path=/ and without Domain, and reads them back', async () => {
    // The proxy terminates TLS and says so in X-Forwarded-Proto.
    const client = behindProxy.client();
    const https = { 'x-forwarded-proto': 'https' };
    const anonymous = await client.request({ url: '/api/session', headers: https });
    expect(anonymous.cookies.map((c) => [c.name, c.secure])).toEqual([[`__Host-${preSessionCookie}`, true]]);
    client.csrfToken = anonymous.json().csrfToken;
    const signIn = await client.request({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'member@example.com', password: 'demo-password' },
      headers: https,
    });
    expect(signIn.statusCode).toBe(200);
    client.csrfToken = signIn.json().csrfToken;
    const cookie = signIn.cookies.find((c) => c.name === `__Host-${sessionCookie}`);
    expect(cookie).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Lax' });
    expect(cookie).not.toHaveProperty('domain');
    expect(signIn.cookies.map((c) => c.name)).not.toContain(sessionCookie);
    expect((await client.request({ url: '/api/me', headers: https })).json().email).toBe('member@example.com');
    // Over plain http the __Host- cookie is not this server's session: a page there could not have set it.
    expect((await client.request({ url: '/api/me' })).statusCode).toBe(401);
    const signOut = await client.request({ method: 'DELETE', url: '/api/session', headers: https });
    expect(signOut.statusCode).toBe(204);
    // A browser drops a __Host- cookie only when the clearing Set-Cookie is itself Secure.
    expect(signOut.cookies.find((c) => c.name === `__Host-${sessionCookie}`)).toMatchObject({ value: '', secure: true, path: '/' });
    expect((await client.request({ url: '/api/me', headers: https })).statusCode).toBe(401);
  });

  it('takes the client address from the trusted proxy, so rotating X-Forwarded-For does not escape the per-IP limit', async () => {
    // The client writes any X-Forwarded-For it likes; the proxy (127.0.0.1) appends the address it saw.
    const attempt = (i: number) =>
      behindProxy.client().request({
        method: 'POST',
        url: '/api/session',
        payload: { email: `guess-${i}@example.com`, password: 'x' },
        headers: { 'x-forwarded-for': `203.0.113.${i % 250}, 192.0.2.55` },
      });
    for (let i = 0; i < signInLimits.perClient.failures; i++) expect((await attempt(i)).statusCode).toBe(401);
    const limited = await attempt(999);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // A client that reaches the app directly cannot borrow the proxy's trust: its header is ignored.
    const direct = await behindProxy.client().request({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'member@example.com', password: 'demo-password' },
      headers: { 'x-forwarded-for': '192.0.2.55' },
      remoteAddress: '198.51.100.7',
    });
    expect(direct.statusCode).toBe(200);
  });
});

describe('behind a hop count of trusted proxies', () => {
  let behindProxy: TestApp;
  beforeAll(async () => {
    behindProxy = await startTestApp({ environment: { TRUST_PROXY: '1' } });
  });
  afterAll(() => behindProxy.close());

  it('takes the address the last proxy saw, so rotating X-Forwarded-For does not escape the per-IP limit', async () => {
    const attempt = (i: number) =>
      behindProxy.client().request({
        method: 'POST',
        url: '/api/session',
        payload: { email: `guess-${i}@example.com`, password: 'x' },
        headers: { 'x-forwarded-for': `203.0.113.${i % 250}, 192.0.2.56` },
      });
    for (let i = 0; i < signInLimits.perClient.failures; i++) expect((await attempt(i)).statusCode).toBe(401);
    expect((await attempt(999)).statusCode).toBe(429);
    // Another client behind the same proxy has its own budget.
    const other = await behindProxy.client().request({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'member@example.com', password: 'demo-password' },
      headers: { 'x-forwarded-for': '192.0.2.57' },
    });
    expect(other.statusCode).toBe(200);
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
