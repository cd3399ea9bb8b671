import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { inArray } from 'drizzle-orm';
import { flagRegistry } from '#shared/flags/registry.ts';
import { emptyTargeting } from '#shared/flags/targeting.ts';
import { jobs, snips, snipShares } from './db/schema.ts';
import { demoAccounts } from './db/seed.ts';
import { startTestApp, type TestApp, type TestClient } from './test-app.ts';

// Every route that returns data, called by every kind of actor with every id there is: no snip that the actor may
// not see (another workspace's, or another member's private one not shared with them) ever shows up in a
// response, by id or by title.

let t: TestApp;
/** One finished export per demo account: each file holds what its owner could see, and nobody else may fetch it. */
let exportJobIds: string[];
let allSnips: { id: string; title: string; workspaceId: string; authorId: string; visibility: string; publicSlug: string | null }[];
beforeAll(async () => {
  t = await startTestApp();
  allSnips = await t.app.db
    .select({ id: snips.id, title: snips.title, workspaceId: snips.workspaceId, authorId: snips.authorId, visibility: snips.visibility, publicSlug: snips.publicSlug })
    .from(snips);
  exportJobIds = [];
  for (const account of demoAccounts) {
    const client = await t.signIn(account.email);
    exportJobIds.push((await client.request({ method: 'POST', url: '/api/exports', payload: {} })).json().id);
  }
  await t.app.jobs.startWorkers();
  await vi.waitFor(async () => {
    const statuses = (await t.app.db.select({ status: jobs.status }).from(jobs).where(inArray(jobs.id, exportJobIds))).map((job) => job.status);
    expect(statuses).toEqual(exportJobIds.map(() => 'succeeded'));
  }, { timeout: 10_000 });
});
afterAll(() => t.close());

const workspaceIds = [...new Set(demoAccounts.map((account) => account.workspaceId))];
const accountId = (email: string) => demoAccounts.find((account) => account.email === email)!.id;
const snipTitled = (title: string) => allSnips.find((snip) => snip.title === title)!;
/** Nobody's id: a share with them is refused and finds nothing to revoke, whoever asks. */
const nobody = '00000000-0000-4000-8000-0000000fffff';

/**
 * The shares every actor starts from: one that grants (the viewer reads a member's private snip), and two that
 * must not (the outsider is no member of Acme, so a share cannot reach them; Globex's private snip shared with the
 * owner counts in Globex only, never while the owner is in Acme).
 */
const startingShares = () => [
  { snipId: snipTitled('My scratchpad').id, userId: accountId('viewer@example.com'), sharedBy: accountId('member@example.com') },
  { snipId: snipTitled('My scratchpad').id, userId: accountId('outsider@example.com'), sharedBy: accountId('member@example.com') },
  { snipId: snipTitled('Globex secret plan').id, userId: accountId('owner@example.com'), sharedBy: accountId('outsider@example.com') },
];

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
  'GET /api/snips/{id}/shares': () => allSnips.map((snip) => ({ method: 'GET', url: `/api/snips/${snip.id}/shares` })),
  // Shares that land notify their recipients: later actors' bells must not name what they may not see.
  'POST /api/snips/{id}/shares': () =>
    allSnips.flatMap((snip) => [...demoAccounts.map((a) => a.id), nobody].map((userId) => ({ method: 'POST', url: `/api/snips/${snip.id}/shares`, payload: { userId } }) as const)),
  'DELETE /api/snips/{id}/shares/{userId}': () =>
    allSnips.flatMap((snip) => [...demoAccounts.map((a) => a.id), nobody].map((userId) => ({ method: 'DELETE', url: `/api/snips/${snip.id}/shares/${userId}` }) as const)),
  'POST /api/snips/{id}/comments': () => allSnips.map((snip) => ({ method: 'POST', url: `/api/snips/${snip.id}/comments`, payload: { body: 'probe' } })),
  'GET /api/notifications': () => [{ method: 'GET', url: '/api/notifications' }],
  'POST /api/notifications/{id}/read': () => [{ method: 'POST', url: '/api/notifications/00000000-0000-4000-8000-0000000fffff/read' }],
  'POST /api/notifications/read-all': () => [],
  'GET /api/jobs': () => [{ method: 'GET', url: '/api/jobs' }],
  'GET /api/jobs/{id}': () => exportJobIds.map((id) => ({ method: 'GET', url: `/api/jobs/${id}` })),
  'POST /api/jobs/{id}/cancel': () => exportJobIds.map((id) => ({ method: 'POST', url: `/api/jobs/${id}/cancel` })),
  'POST /api/jobs/{id}/retry': () => exportJobIds.map((id) => ({ method: 'POST', url: `/api/jobs/${id}/retry` })),
  'POST /api/exports': () => [{ method: 'POST', url: '/api/exports', payload: {} }],
  'GET /api/exports/{id}/file': () => exportJobIds.map((id) => ({ method: 'GET', url: `/api/exports/${id}/file` })),
  'GET /api/public/snips/{slug}': () => allSnips.filter((s) => s.publicSlug).map((snip) => ({ method: 'GET', url: `/api/public/snips/${snip.publicSlug}` })),
  'GET /api/workspaces/{workspaceId}/members': () => workspaceIds.map((id) => ({ method: 'GET', url: `/api/workspaces/${id}/members` })),
  'POST /api/workspaces/{workspaceId}/members': () => [],
  'PATCH /api/workspaces/{workspaceId}/members/{userId}': () => [],
  'DELETE /api/workspaces/{workspaceId}/members/{userId}': () => [],
  // Flags carry no snip; the probes prove they also fail well for every actor (an `atLeast` past every revision
  // reads the targeting again). A QA override set here is cleared by the next probe.
  'GET /api/flags': () => [{ method: 'GET', url: '/api/flags' }, { method: 'GET', url: '/api/flags?atLeast=1000000' }],
  'PUT /api/qa/flags': () => [{ method: 'PUT', url: '/api/qa/flags', payload: { flags: { 'snips-page-size': 50 } } }],
  'DELETE /api/qa/flags': () => [{ method: 'DELETE', url: '/api/qa/flags' }],
  // The console's writes name a stale version (0) or a ramp nobody has: probing them changes no flag.
  ...consoleProbes(),
};

function consoleProbes(): Record<string, () => Call[]> {
  // Reads name every flag; the rest touch one, as their tenant ids (users, workspaces) do not depend on it.
  const keys = Object.keys(flagRegistry);
  const key = keys[0]!;
  const ramp = (action: string, payload: object): Call[] => [{ method: 'POST', url: `/api/admin/flags/${key}/ramps/${nobody}/${action}`, payload }];
  return {
    'GET /api/admin/flags': () => [{ method: 'GET', url: '/api/admin/flags' }],
    'GET /api/admin/flags/{key}': () => keys.map((each) => ({ method: 'GET', url: `/api/admin/flags/${each}` })),
    'GET /api/admin/flags/{key}/audit': () => keys.map((each) => ({ method: 'GET', url: `/api/admin/flags/${each}/audit` })),
    'PATCH /api/admin/flags/{key}': () => [{ method: 'PATCH', url: `/api/admin/flags/${key}`, payload: { version: 0, reason: 'probe', targeting: emptyTargeting() } }],
    'POST /api/admin/flags/{key}/impact': () => [{ method: 'POST', url: `/api/admin/flags/${key}/impact`, payload: { targeting: emptyTargeting() } }],
    'POST /api/admin/flags/{key}/explain': () =>
      [...demoAccounts.map((a) => a.id), nobody].flatMap((userId) =>
        [undefined, ...workspaceIds].map((workspaceId) => ({ method: 'POST', url: `/api/admin/flags/${key}/explain`, payload: { userId, workspaceId } }) as const),
      ),
    'POST /api/admin/flags/{key}/ramps': () => [
      { method: 'POST', url: `/api/admin/flags/${key}/ramps`, payload: { version: 0, reason: 'probe', steps: [{ percent: 5, at: t.clock.now().toISOString() }] } },
    ],
    'POST /api/admin/flags/{key}/ramps/{rampId}/cancel': () => ramp('cancel', { reason: 'probe' }),
    'POST /api/admin/flags/{key}/ramps/{rampId}/revert': () => ramp('revert', { version: 0, reason: 'probe' }),
  };
}

const mayNotSee = (email: string | null) => {
  const account = demoAccounts.find((a) => a.email === email);
  return allSnips.filter((snip) => {
    if (snip.visibility === 'public') return false;
    if (!account || snip.workspaceId !== account.workspaceId) return true;
    const shared = startingShares().some((share) => share.snipId === snip.id && share.userId === account.id);
    return snip.visibility === 'private' && snip.authorId !== account.id && !shared;
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
  // The probes share and revoke: every actor starts from the same shares.
  beforeEach(async () => {
    await t.app.db.delete(snipShares);
    await t.app.db.insert(snipShares).values(startingShares());
  });

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
