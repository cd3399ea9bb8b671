import { connect } from 'node:net';
import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, fieldIssuesSchema } from '#shared/contracts/errors.ts';
import { snipPageSchema } from '#shared/contracts/snips.ts';
import { jobs, snips } from './db/schema.ts';
import { serializeError } from './plugins/errors.ts';
import { startTestApp, type TestApp, type TestClient } from './test-app.ts';

// Input an attacker sends (NUL, lone surrogates, out-of-range numbers and dates, other charsets, malformed HTTP) is
// refused as a client error in the API's shape, naming the field, before any SQL runs.

let t: TestApp;
let owner: TestClient;
let origin: string;
let snipId: string;
beforeAll(async () => {
  t = await startTestApp();
  owner = await t.signIn('owner@example.com');
  origin = await t.listen();
  const created = await owner.request({ method: 'POST', url: '/api/snips', payload: { title: 'Target', body: 'x', language: 'plaintext' } });
  snipId = created.json().id;
});
afterAll(() => t.close());

/** A 400 `invalid_request` whose field issues name `field`. */
function expectFieldRefused(response: { statusCode: number; json(): unknown }, field: string) {
  expect(response.statusCode).toBe(400);
  const body = apiErrorSchema.parse(response.json());
  expect(body.error.code).toBe('invalid_request');
  const issues = fieldIssuesSchema.parse(body.error.details).issues;
  expect(issues.map((issue) => issue.path)).toContain(field);
}

const countSnips = async () => (await t.app.db.select({ count: count() }).from(snips))[0]!.count;

describe('text that PostgreSQL cannot store', () => {
  it.each([
    ['a NUL in a title', { title: 'a\u0000b', body: 'x', language: 'plaintext' }, 'title'],
    ['a NUL in a body', { title: 'ok', body: 'a\u0000b', language: 'plaintext' }, 'body'],
    ['a lone surrogate in a title', { title: 'a\ud800b', body: 'x', language: 'plaintext' }, 'title'],
    ['a title of zero-width and whitespace characters only', { title: '\u200b \u200d\u2060\ufeff\u00a0\t', body: 'x', language: 'plaintext' }, 'title'],
  ])('%s is refused and nothing is written', async (_case, payload, field) => {
    const before = await countSnips();
    expectFieldRefused(await owner.request({ method: 'POST', url: '/api/snips', payload }), field);
    expect(await countSnips()).toBe(before);
  });

  it('a NUL in a comment is refused', async () => {
    const response = await owner.request({ method: 'POST', url: `/api/snips/${snipId}/comments`, payload: { body: 'hi\u0000' } });
    expectFieldRefused(response, 'body');
  });

  it('a NUL in a search is refused', async () => {
    expectFieldRefused(await owner.request({ url: '/api/snips?q=debounce%00' }), 'q');
  });

  it.each([
    ['a NUL', 'debounce\u0000'],
    ['a lone surrogate', 'go\udc00'],
  ])('%s in an export\'s search is refused and no job is made', async (_case, q) => {
    const jobsBefore = (await t.app.db.select({ count: count() }).from(jobs))[0]!.count;
    expectFieldRefused(await owner.request({ method: 'POST', url: '/api/exports', payload: { filters: { q } } }), 'filters.q');
    expect((await t.app.db.select({ count: count() }).from(jobs))[0]!.count).toBe(jobsBefore);
  });

  it('percent-encoding that is not UTF-8 in a search is taken as the literal text it is', async () => {
    expect((await owner.request({ url: '/api/snips?q=go%ED%B0%80' })).statusCode).toBe(200);
  });

  it('emoji, right-to-left marks and accents are kept as written', async () => {
    const title = 'שלום \u200f😀 café';
    const response = await owner.request({ method: 'POST', url: '/api/snips', payload: { title, body: '👍🏽', language: 'plaintext' } });
    expect(response.statusCode).toBe(201);
    expect(response.json().title).toBe(title);
  });
});

describe('numbers and dates out of the database range', () => {
  it('a version beyond a PostgreSQL integer is refused', async () => {
    const response = await owner.request({ method: 'PATCH', url: `/api/snips/${snipId}`, payload: { title: 'x', version: 2 ** 31 } });
    expectFieldRefused(response, 'version');
  });

  it.each(['+275000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '0001-01-01T00:00:00.000Z'])(
    'a cursor holding the date %s is refused',
    async (date) => {
      const cursor = Buffer.from(`${date}|00000000-0000-4000-8000-000000000000`).toString('base64url');
      expectFieldRefused(await owner.request({ url: '/api/snips', query: { cursor } }), 'cursor');
    },
  );

  it('a cursor the server handed out still pages', async () => {
    const first = snipPageSchema.parse((await owner.request({ url: '/api/snips', query: { limit: '1' } })).json());
    expect(first.nextCursor).not.toBeNull();
    const second = await owner.request({ url: '/api/snips', query: { limit: '1', cursor: first.nextCursor! } });
    expect(second.statusCode).toBe(200);
    expect(snipPageSchema.parse(second.json()).items[0]!.id).not.toBe(first.items[0]!.id);
  });
});

describe('query strings are strict', () => {
  it.each(['limit=5&admin=true', 'q=a&q=b', 'limit=5&limit=5', 'tag=x&tag=y'])('an unknown or array-valued parameter (%s) is refused', async (query) => {
    const names = query.split('&').map((pair) => pair.split('=')[0]!);
    expectFieldRefused(await owner.request({ url: `/api/snips?${query}` }), names.find((name, index) => names.indexOf(name) !== index) ?? 'admin');
  });

  it('an unknown parameter on a route that takes none is refused', async () => {
    expectFieldRefused(await owner.request({ url: `/api/snips/${snipId}?expand=all` }), 'expand');
    expectFieldRefused(await owner.request({ url: '/api/notifications?limit=5&all=1' }), 'all');
  });

  it('pages outside /api still take any query (links with tracking parameters open the app)', async () => {
    const response = await owner.request({ url: '/snips?utm_source=mail' });
    expect(response.statusCode).not.toBe(400);
  });
});

describe('bodies are JSON in UTF-8 only', () => {
  it('a JSON body declared in another charset answers 415; one declared as UTF-8 is taken', async () => {
    const payload = JSON.stringify({ title: 'caf\u00e9', body: 'x', language: 'plaintext' });
    const latin1 = await owner.request({ method: 'POST', url: '/api/snips', headers: { 'content-type': 'application/json; charset=latin1' }, payload });
    expect(latin1.statusCode).toBe(415);
    expect(apiErrorSchema.parse(latin1.json()).error.code).toBe('unsupported_media_type');
    const utf8 = await owner.request({ method: 'POST', url: '/api/snips', headers: { 'content-type': 'application/json; charset="UTF-8"' }, payload });
    expect(utf8.statusCode).toBe(201);
  });

  it('a text/plain body answers 415 on every route, body-less ones too', async () => {
    const client = await t.signIn('member@example.com');
    const routes = [
      { method: 'POST', url: '/api/notifications/read-all' },
      { method: 'POST', url: '/api/jobs/00000000-0000-4000-8000-000000000000/cancel' },
      { method: 'DELETE', url: `/api/snips/${snipId}` },
      { method: 'POST', url: '/api/snips' },
      { method: 'DELETE', url: '/api/session' },
    ] as const;
    for (const route of routes) {
      const response = await client.request({ ...route, headers: { 'content-type': 'text/plain' }, payload: 'hello' });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(415);
      expect(apiErrorSchema.parse(response.json()).error.code).toBe('unsupported_media_type');
    }
    expect((await client.request({ url: '/api/session' })).json().user).not.toBeNull();
  });
});

describe('logs', () => {
  it('a failed query is logged without its parameters or the text that caused it', async () => {
    const secret = 'secret-user-text\u0000';
    const failure = await t.app.db.execute(sql`select ${secret}::text as echoed`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    // The logger's `err` serializer (app.ts), as the error handler's log line would use it.
    const logged = JSON.stringify(serializeError(failure));
    expect(logged).not.toContain('secret-user-text');
    expect(logged).toContain('select');
  });
});

/** One HTTP exchange over a raw socket: writes the bytes as they are, reads until the server closes. */
function rawExchange(bytes: string): Promise<{ status: number; headers: Map<string, string>; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

describe('refusals by the framework and by node, over a real socket', () => {
  const expectRefusal = (response: Awaited<ReturnType<typeof rawExchange>>, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(apiErrorSchema.parse(JSON.parse(response.body)).error.message).toMatch(/\.$/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  };

  it('a malformed URL answers 400', async () => {
    expectRefusal(await rawExchange('GET /api/snips/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'), 400);
  });

  it('an over-long path parameter answers 414', async () => {
    expectRefusal(await rawExchange(`GET /api/snips/${'a'.repeat(500)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`), 414);
  });

  it('headers too large answer 431', async () => {
    expectRefusal(await rawExchange(`GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431);
  });

  it('a URL beyond the header limit answers 431', async () => {
    expectRefusal(await rawExchange(`GET /api/snips?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`), 431);
  });

  it('malformed HTTP answers 400', async () => {
    expectRefusal(await rawExchange('GET / HTTP/1.1\r\nHost localhost\r\n\r\n'), 400);
    expectRefusal(await rawExchange('\u0001\u0002 nonsense\r\n\r\n'), 400);
  });
});
