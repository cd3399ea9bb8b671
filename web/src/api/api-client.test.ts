import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { z } from 'zod';
import { apiRequest, configureApiClient } from './api-client.ts';
import { ApiError, describeError } from './api-error.ts';
import { getSessionGate, waitingRequestCount } from './session-gate.ts';

// The fetch client against a real HTTP server on loopback: real headers, statuses and bodies, no mocked fetch.

interface SeenRequest {
  method: string;
  path: string;
  csrf: string | undefined;
  contentType: string | undefined;
  body: string;
  idempotencyKey?: string | undefined;
}

let server: Server;
const seen: SeenRequest[] = [];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, code: string, details?: unknown, headers?: Record<string, string>) {
  json(res, status, { error: { code, message: `server says ${code}`, ...(details !== undefined && { details }) } }, headers);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const csrf = req.headers['x-csrf-token'];
  const idempotencyKey = req.headers['idempotency-key'];
  seen.push({
    method: req.method ?? '',
    path: url.pathname + url.search,
    csrf: typeof csrf === 'string' ? csrf : undefined,
    contentType: req.headers['content-type'],
    body: Buffer.concat(chunks).toString('utf8'),
    ...(typeof idempotencyKey === 'string' && { idempotencyKey }),
  });
  switch (url.pathname) {
    case '/echo':
      return json(res, 200, { method: req.method, search: url.search });
    case '/csrf-protected':
      return csrf === 'fresh-token' ? json(res, 200, { method: req.method, search: '' }) : fail(res, 403, 'csrf_failed');
    case '/always-csrf-failed':
      return fail(res, 403, 'csrf_failed');
    case '/expired':
      return fail(res, 401, 'session_expired');
    case '/bad-credentials':
      return fail(res, 401, 'invalid_credentials');
    case '/invalid':
      return fail(res, 400, 'invalid_request', { issues: [{ path: 'title', message: 'a title is required' }] });
    case '/limited':
      return fail(res, 429, 'rate_limited', undefined, { 'retry-after': '30' });
    case '/proxy-error':
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<h1>Bad gateway</h1>');
    case '/no-content':
      res.writeHead(204);
      return res.end();
    // Headers and the start of a body, then nothing more until the client goes away: a body still being read.
    case '/unfinished-body':
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.write('{"method":"GET",');
    case '/unfinished-error':
      res.writeHead(500, { 'content-type': 'application/json' });
      return res.write('{"error":{');
    default:
      return fail(res, 404, 'not_found');
  }
}

const echoSchema = z.object({ method: z.string(), search: z.string() });
const onUnauthorized = vi.fn<(error: ApiError) => void>();
const csrfToken = vi.fn(async ({ refresh }: { refresh: boolean }) => (refresh ? 'fresh-token' : 'stale-token'));

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The SPA calls its own origin with relative paths; make the test page live on the server's origin.
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`http://127.0.0.1:${port}/snips`);
});

afterAll(async () => {
  // A test that failed may have left an unfinished body open; it must not keep the server from closing.
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  onUnauthorized.mockClear();
  csrfToken.mockClear();
  configureApiClient({ csrfToken, onUnauthorized });
});

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('apiRequest', () => {
  it('sends safe requests without a CSRF token and validates the body against the schema', async () => {
    const body = await apiRequest('/echo', { query: { limit: 20, cursor: null }, schema: echoSchema });
    expect(body).toEqual({ method: 'GET', search: '?limit=20' });
    expect(seen[0]?.csrf).toBeUndefined();
    expect(csrfToken).not.toHaveBeenCalled();
  });

  it('sends the CSRF token, an Idempotency-Key and a JSON body with unsafe requests', async () => {
    await apiRequest('/echo', { method: 'POST', body: { title: 'Hi' }, schema: echoSchema });
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/echo',
        csrf: 'stale-token',
        contentType: 'application/json',
        body: '{"title":"Hi"}',
        idempotencyKey: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      },
    ]);
  });

  it('gives every call its own Idempotency-Key, and safe requests none', async () => {
    await apiRequest('/echo', { method: 'PATCH', body: {} });
    await apiRequest('/echo', { method: 'PATCH', body: {} });
    await apiRequest('/echo');
    const [first, second, read] = seen;
    expect(first?.idempotencyKey).toBeDefined();
    expect(second?.idempotencyKey).toBeDefined();
    expect(first?.idempotencyKey).not.toBe(second?.idempotencyKey);
    expect(read?.idempotencyKey).toBeUndefined();
  });

  it('retries once with a fresh token when the server rejects the CSRF token, under the same Idempotency-Key', async () => {
    await apiRequest('/csrf-protected', { method: 'DELETE' });
    expect(seen.map((request) => request.csrf)).toEqual(['stale-token', 'fresh-token']);
    expect(seen[1]?.idempotencyKey).toBe(seen[0]?.idempotencyKey);
  });

  it('gives up after that one retry', async () => {
    const error = await rejection(apiRequest('/always-csrf-failed', { method: 'PATCH', body: {} }));
    expect(error).toMatchObject({ status: 403, code: 'csrf_failed' });
    expect(seen).toHaveLength(2);
  });

  it('reports an expired session to the 401 handler; a request that does not need the session rejects', async () => {
    // Everything else is held until the person signs in again (app/session-resume.test.ts).
    const error = await rejection(apiRequest('/expired', { needsSession: false }));
    expect(error).toMatchObject({ status: 401, code: 'session_expired', message: 'server says session_expired' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onUnauthorized).toHaveBeenCalledWith(error);
    expect(getSessionGate().status).toBe('active');
    expect(waitingRequestCount()).toBe(0);
  });

  it('does not treat wrong credentials as a lost session', async () => {
    const error = await rejection(apiRequest('/bad-credentials', { method: 'POST', body: {} }));
    expect(error.code).toBe('invalid_credentials');
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('exposes the field issues of a 400 invalid_request', async () => {
    const error = await rejection(apiRequest('/invalid', { method: 'POST', body: {} }));
    expect(error.fieldIssues).toEqual([{ path: 'title', message: 'a title is required' }]);
  });

  it('reads Retry-After on 429', async () => {
    const error = await rejection(apiRequest('/limited', { method: 'POST', body: {} }));
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 30 });
    expect(describeError(error)).toContain('30 seconds');
  });

  it('turns a non-JSON error page into an ApiError that keeps the status', async () => {
    const error = await rejection(apiRequest('/proxy-error'));
    expect(error).toMatchObject({ status: 502, code: 'service_unavailable' });
  });

  it('rejects a successful body that breaks its contract', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = await rejection(apiRequest('/echo', { schema: z.object({ id: z.uuid() }) }));
    expect(error).toMatchObject({ status: 200, code: 'invalid_response' });
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });

  // react-query aborts a list's refetch whenever the list is invalidated again (each create of a burst does): that
  // must stay an abort, which it ignores, rather than become a broken contract logged to the console.
  it.each(['/unfinished-body', '/unfinished-error'])('rejects with the abort when aborted while reading the body of %s', async (path) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const readingBody = vi.spyOn(Response.prototype, 'json');
    onTestFinished(() => {
      logged.mockRestore();
      readingBody.mockRestore();
    });
    const controller = new AbortController();
    const request = apiRequest(path, { schema: echoSchema, signal: controller.signal }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    await vi.waitFor(() => expect(readingBody).toHaveBeenCalled());
    controller.abort();
    const error = await request;
    expect(error).not.toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(logged).not.toHaveBeenCalled();
  });

  it('resolves a 204 to nothing', async () => {
    await expect(apiRequest('/no-content', { method: 'DELETE' })).resolves.toBeUndefined();
  });
});
