import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient } from './test-app.ts';

let t: TestApp;
let member: TestClient;
let webDist: string;

beforeAll(async () => {
  webDist = await mkdtemp(join(tmpdir(), 'snipdesk-web-'));
  await mkdir(join(webDist, 'assets'));
  await writeFile(join(webDist, 'index.html'), '<!doctype html><title>Snipdesk</title><div id="root"></div>');
  await writeFile(join(webDist, 'assets', 'app-abc123.js'), 'console.log(1)');
  t = await startTestApp({
    environment: { WEB_DIST: webDist },
    beforeReady: (app) => {
      app.get('/api/test-only/explode', async () => {
        throw new Error('connection to 10.0.0.7:5432 failed: password authentication failed for user "admin"');
      });
    },
  });
  member = await t.signIn('member@example.com');
});
afterAll(() => t.close());

const post = (payload: string, headers: Record<string, string> = {}) =>
  member.request({ method: 'POST', url: '/api/snips', payload, headers: { 'content-type': 'application/json', ...headers } });

describe('errors are JSON with the right status', () => {
  it('400 invalid_json for a body that is not JSON', async () => {
    const response = await post('{"title": "unterminated');
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_json', message: expect.any(String) });
  });

  it('400 invalid_request naming a missing field', async () => {
    const response = await post(JSON.stringify({ body: 'x', language: 'go' }));
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('invalid_request');
    expect(error.details.issues).toContainEqual(expect.objectContaining({ location: 'body', path: 'title' }));
  });

  it('400 invalid_request naming a field that is too long', async () => {
    const response = await post(JSON.stringify({ title: 't'.repeat(201), body: 'x', language: 'go' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.issues).toEqual([expect.objectContaining({ path: 'title', message: expect.stringMatching(/200/) })]);
  });

  it('413 payload_too_large for a body over the limit, and nothing is written', async () => {
    const before = (await member.request({ url: '/api/snips?limit=100' })).json().items.length;
    const response = await post(JSON.stringify({ title: 'big', body: 'x'.repeat(t.config.bodyLimitBytes), language: 'go' }));
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
    expect((await member.request({ url: '/api/snips?limit=100' })).json().items.length).toBe(before);
  });

  it('415 for a body that is not JSON by content type', async () => {
    const response = await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
  });

  it('404 not_found as JSON for an unknown API route', async () => {
    const response = await member.request({ url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.json().error.code).toBe('not_found');
  });

  it('500 internal_error that reveals nothing about the internals', async () => {
    const response = await member.request({ url: '/api/test-only/explode' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
    expect(response.body).not.toMatch(/10\.0\.0\.7|password|admin|stack|Error:/);
  });
});

describe('the rest of the surface', () => {
  it('reports health with the database checked', async () => {
    const response = await t.client().request({ url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', database: 'ok', mode: process.env.DATABASE_URL ? 'postgres' : 'embedded' });
  });

  it('answers health with 503 when the database is unreachable', async () => {
    const broken = await startTestApp();
    try {
      // Pull the database away under the running app: PGlite closed, or the PostgreSQL pool ended.
      const { $client } = broken.app.db as unknown as { $client: PGlite | Sql };
      if (broken.app.dbMode === 'embedded') {
        const pglite = $client as PGlite;
        await pglite.close();
        // The app closes its database once more when it stops; a closed PGlite would throw there.
        pglite.close = async () => {};
      } else {
        await ($client as Sql).end();
      }
      const response = await broken.client().request({ url: '/api/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('service_unavailable');
    } finally {
      await broken.close();
    }
  });

  it('serves the OpenAPI document built from the route schemas', async () => {
    const document = (await t.client().request({ url: '/api/openapi.json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/session', '/api/me', '/api/snips', '/api/snips/{id}', '/api/health']));
    expect(document.paths['/api/snips'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['title', 'body', 'language']),
    );
  });

  it('sends security headers on API and page responses', async () => {
    for (const url of ['/api/health', '/snips/123']) {
      const response = await t.client().request({ url });
      expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('same-origin');
      expect(response.headers['strict-transport-security']).toMatch(/^max-age=[1-9]\d*/);
    }
  });

});

describe('the SPA at its front door and every page path', () => {
  const indexHtml = '<!doctype html><title>Snipdesk</title><div id="root"></div>';
  const get = (url: string, headers: Record<string, string> = {}) => t.client().request({ url, headers: { accept: 'text/html', ...headers } });

  it('serves index.html at /, at /index.html and at deep links, never cached without revalidation, with the security headers', async () => {
    for (const url of ['/', '/index.html', '/snips/123/edit', '/members?x=1']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toBe(indexHtml);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('answers HEAD / over HTTP like GET /, without a body', async () => {
    const origin = await t.listen();
    const head = await fetch(`${origin}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(indexHtml)));
    expect(await head.text()).toBe('');
  });

  it('answers a revalidation of the page with 304 while the build is the same', async () => {
    const first = await get('/');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/snips/42', { 'if-none-match': `W/"other", ${etag}` });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await get('/', { 'if-none-match': '"other"' })).statusCode).toBe(200);
  });

  it('serves fingerprinted assets as immutable, and answers a directory or a missing asset with a JSON 404, never 403', async () => {
    const asset = await get('/assets/app-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    for (const url of ['/assets/', '/assets', '/assets/app-gone.js']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    expect((await get('/api/snips/x/y/z')).headers['content-type']).toMatch(/json/);
  });

  it('answers pages from the build it read at start-up, without going back to the disk', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'snipdesk-web-'));
    await writeFile(join(dist, 'index.html'), indexHtml);
    const app = await startTestApp({ environment: { WEB_DIST: dist } });
    try {
      // With the build gone from the disk, a page is still the page: nothing per request looked there.
      await rm(dist, { recursive: true });
      for (const url of ['/', '/index.html', '/snips/1', '/snips/1', '/a/b/c/']) {
        const response = await app.client().request({ url });
        expect(response.statusCode, url).toBe(200);
        expect(response.body).toBe(indexHtml);
      }
    } finally {
      await app.close();
    }
  });
});
