import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snips } from './db/schema.ts';
import { demoAccounts } from './db/seed.ts';
import { startTestApp, type TestApp, type TestClient } from './test-app.ts';

// Every route that returns data, called by every kind of actor with every id there is: no snip that the actor may
// not see (another workspace's, or another member's private one) ever shows up in a response, by id or by title.

let t: TestApp;
let allSnips: { id: string; title: string; workspaceId: string; authorId: string; visibility: string; publicSlug: string | null }[];
beforeAll(async () => {
  t = await startTestApp();
  allSnips = await t.app.db
    .select({ id: snips.id, title: snips.title, workspaceId: snips.workspaceId, authorId: snips.authorId, visibility: snips.visibility, publicSlug: snips.publicSlug })
    .from(snips);
});
afterAll(() => t.close());

const workspaceIds = [...new Set(demoAccounts.map((account) => account.workspaceId))];

type Call = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: unknown };

/** One entry per route in the OpenAPI document: the calls that probe it with every id there is. */
const matrix: Record<string, () => Call[]> = {
  'GET /api/health': () => [{ method: 'GET', url: '/api/health' }],
  'GET /api/session': () => [{ method: 'GET', url: '/api/session' }],
  'POST /api/session': () => [],
  'DELETE /api/session': () => [],
  'PUT /api/session/workspace': () => workspaceIds.map((workspaceId) => ({ method: 'PUT', url: '/api/session/workspace', payload: { workspaceId } })),
  'GET /api/me': () => [{ method: 'GET', url: '/api/me' }],
  'GET /api/snips': () =>
    ['', 'q=a', 'q=globex', 'q=secret', 'q=roadmap', 'q=scratchpad', 'visibility=private', 'visibility=workspace', ...demoAccounts.map((a) => `author=${a.id}`)].map(
      (query) => ({ method: 'GET', url: `/api/snips?limit=100&${query}` }),
    ),
  'POST /api/snips': () => [],
  'GET /api/snips/{id}': () => allSnips.map((snip) => ({ method: 'GET', url: `/api/snips/${snip.id}` })),
  'PATCH /api/snips/{id}': () => allSnips.map((snip) => ({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { version: 1 } })),
  'DELETE /api/snips/{id}': () => [],
  'GET /api/snips/{id}/comments': () => allSnips.map((snip) => ({ method: 'GET', url: `/api/snips/${snip.id}/comments` })),
  'POST /api/snips/{id}/comments': () => allSnips.map((snip) => ({ method: 'POST', url: `/api/snips/${snip.id}/comments`, payload: { body: 'probe' } })),
  'GET /api/notifications': () => [{ method: 'GET', url: '/api/notifications' }],
  'POST /api/notifications/{id}/read': () => [{ method: 'POST', url: '/api/notifications/00000000-0000-4000-8000-0000000fffff/read' }],
  'POST /api/notifications/read-all': () => [],
  'GET /api/public/snips/{slug}': () => allSnips.filter((s) => s.publicSlug).map((snip) => ({ method: 'GET', url: `/api/public/snips/${snip.publicSlug}` })),
  'GET /api/workspaces/{workspaceId}/members': () => workspaceIds.map((id) => ({ method: 'GET', url: `/api/workspaces/${id}/members` })),
  'POST /api/workspaces/{workspaceId}/members': () => [],
  'PATCH /api/workspaces/{workspaceId}/members/{userId}': () => [],
  'DELETE /api/workspaces/{workspaceId}/members/{userId}': () => [],
};

const mayNotSee = (email: string | null) => {
  const account = demoAccounts.find((a) => a.email === email);
  return allSnips.filter((snip) => {
    if (snip.visibility === 'public') return false;
    if (!account || snip.workspaceId !== account.workspaceId) return true;
    return snip.visibility === 'private' && snip.authorId !== account.id;
  });
};

it('covers every route of the API', async () => {
  const document = (await t.client().request({ url: '/api/openapi.json' })).json();
  const routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(routes.sort()).toEqual(Object.keys(matrix).sort());
});

describe.each([null, ...demoAccounts.map((account) => account.email)])('as %s', (email) => {
  it('no response carries a snip the actor may not see', async () => {
    const client: TestClient = email ? await t.signIn(email) : t.client();
    const forbidden = mayNotSee(email);
    expect(forbidden.length).toBeGreaterThan(0);
    for (const probe of Object.values(matrix)) {
      for (const call of probe()) {
        const response = await client.request({ method: call.method, url: call.url, ...(call.payload === undefined ? {} : { payload: call.payload as object }) });
        for (const snip of forbidden) {
          expect(response.body, `${call.method} ${call.url}`).not.toContain(snip.id);
          expect(response.body, `${call.method} ${call.url}`).not.toContain(snip.title);
        }
        if (response.statusCode === 404) expect(response.json().error.code).toBe('not_found');
      }
      // A workspace switch in the probes must not carry over to the next route's calls.
      if (email) await client.request({ method: 'PUT', url: '/api/session/workspace', payload: { workspaceId: demoAccounts.find((a) => a.email === email)!.workspaceId } });
    }
  });
});
