import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';

let t: TestApp;
let member: TestClient;
beforeAll(async () => {
  t = await startTestApp();
  member = await t.signIn('member@example.com');
});
afterAll(() => t.close());

const newSnip = { title: 'Hello', body: 'console.log("hi")', language: 'javascript', tags: ['demo'], visibility: 'workspace' };

async function create(client: TestClient, overrides: Record<string, unknown> = {}) {
  const response = await client.request({ method: 'POST', url: '/api/snips', payload: { ...newSnip, ...overrides } });
  expect(response.statusCode).toBe(201);
  return response.json();
}

describe('snips CRUD', () => {
  it('creates, reads, updates and deletes a snip in the current workspace', async () => {
    const created = await create(member);
    expect(created).toMatchObject({ ...newSnip, version: 1, author: { name: 'Max Member' } });

    const read = await member.request({ url: `/api/snips/${created.id}` });
    expect(read.json()).toEqual(created);

    t.clock.advance(60);
    const updated = await member.request({
      method: 'PATCH',
      url: `/api/snips/${created.id}`,
      payload: { title: 'Hello again', tags: ['demo', 'edited'], version: 1 },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ title: 'Hello again', body: newSnip.body, tags: ['demo', 'edited'], version: 2 });
    expect(updated.json().updatedAt > created.updatedAt).toBe(true);

    expect((await member.request({ method: 'DELETE', url: `/api/snips/${created.id}` })).statusCode).toBe(204);
    expect((await member.request({ url: `/api/snips/${created.id}` })).statusCode).toBe(404);
  });

  it('defaults tags to none and visibility to the workspace', async () => {
    const created = await create(member, { tags: undefined, visibility: undefined });
    expect(created).toMatchObject({ tags: [], visibility: 'workspace' });
  });

  it('answers 409 instead of overwriting a newer version', async () => {
    const created = await create(member);
    const first = await member.request({ method: 'PATCH', url: `/api/snips/${created.id}`, payload: { body: 'mine', version: 1 } });
    expect(first.statusCode).toBe(200);
    const stale = await member.request({ method: 'PATCH', url: `/api/snips/${created.id}`, payload: { body: 'theirs', version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { currentVersion: 2 } });
    expect((await member.request({ url: `/api/snips/${created.id}` })).json().body).toBe('mine');
  });

  it('rejects ids, authors and workspaces in a body (no mass assignment)', async () => {
    for (const extra of [{ workspaceId: '00000000-0000-4000-8000-00000000910b' }, { authorId: '00000000-0000-4000-8000-000000000001' }, { id: '00000000-0000-4000-8000-000000000099' }]) {
      const response = await member.request({ method: 'POST', url: '/api/snips', payload: { ...newSnip, ...extra } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
  });
});

describe('listing', () => {
  it('pages newest first with a stable cursor, even while new snips arrive', async () => {
    const owner = await t.signIn('owner@example.com');
    const seen: string[] = [];
    let cursor: string | null = null;
    let first = true;
    do {
      const query: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
      const response = await owner.request({ url: `/api/snips${query}` });
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item: { id: string }) => item.id));
      if (first) {
        t.clock.advance(1);
        await create(owner, { title: 'Arrived while paging' });
        first = false;
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const all = (await owner.request({ url: '/api/snips?limit=100' })).json().items as { id: string; createdAt: string; title: string }[];
    expect(all[0]!.title).toBe('Arrived while paging');
    expect(seen).toEqual(all.slice(1).map((item) => item.id));
    const times = all.map((item) => item.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('sends excerpts, not whole bodies, in a list', async () => {
    await create(member, { title: 'Long one', body: 'x'.repeat(5000) });
    const items = (await member.request({ url: '/api/snips?limit=100' })).json().items;
    const long = items.find((item: { title: string }) => item.title === 'Long one');
    expect(long.body).toBeUndefined();
    expect(long.excerpt).toHaveLength(280);
  });

  it('rejects a cursor it did not hand out and an out-of-range limit', async () => {
    expect((await member.request({ url: '/api/snips?cursor=bm9wZQ' })).json().error.code).toBe('invalid_request');
    expect((await member.request({ url: '/api/snips?limit=1000' })).statusCode).toBe(400);
  });
});

describe('who may see and change what', () => {
  it("hides another member's private snip and other workspaces' snips as 404", async () => {
    const privateOne = await create(member, { title: 'Only mine', visibility: 'private' });
    const owner = await t.signIn('owner@example.com');
    const outsider = await t.signIn('outsider@example.com');
    expect((await owner.request({ url: `/api/snips/${privateOne.id}` })).statusCode).toBe(404);
    expect((await outsider.request({ url: `/api/snips/${privateOne.id}` })).statusCode).toBe(404);
    const workspaceOne = await create(member, { title: 'For Acme' });
    const hidden = await outsider.request({ url: `/api/snips/${workspaceOne.id}` });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('not_found');
    const outsiderList = (await outsider.request({ url: '/api/snips?limit=100' })).json().items.map((s: { id: string }) => s.id);
    expect(outsiderList).not.toContain(workspaceOne.id);
    expect(outsiderList).not.toContain(privateOne.id);
    const ownerList = (await owner.request({ url: '/api/snips?limit=100' })).json().items.map((s: { id: string }) => s.id);
    expect(ownerList).toContain(workspaceOne.id);
    expect(ownerList).not.toContain(privateOne.id);
    for (const method of ['PATCH', 'DELETE'] as const) {
      const response = await outsider.request({ method, url: `/api/snips/${workspaceOne.id}`, ...(method === 'PATCH' ? { payload: { title: 'pwned', version: 1 } } : {}) });
      expect(response.statusCode).toBe(404);
    }
  });

  it('lets viewers read but not write, members change only their own, owners any', async () => {
    const viewer = await t.signIn('viewer@example.com');
    const denied = await viewer.request({ method: 'POST', url: '/api/snips', payload: newSnip });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('forbidden');

    const owners = await create(await t.signIn('owner@example.com'), { title: "Owner's" });
    expect((await viewer.request({ url: `/api/snips/${owners.id}` })).statusCode).toBe(200);
    expect((await member.request({ method: 'PATCH', url: `/api/snips/${owners.id}`, payload: { title: 'mine now', version: 1 } })).statusCode).toBe(403);
    expect((await member.request({ method: 'DELETE', url: `/api/snips/${owners.id}` })).statusCode).toBe(403);

    const members = await create(member, { title: "Member's" });
    const owner = await t.signIn('owner@example.com');
    expect((await owner.request({ method: 'PATCH', url: `/api/snips/${members.id}`, payload: { title: 'tidied', version: 1 } })).statusCode).toBe(200);
    expect((await viewer.request({ method: 'DELETE', url: `/api/snips/${members.id}` })).statusCode).toBe(403);
    expect((await owner.request({ method: 'DELETE', url: `/api/snips/${members.id}` })).statusCode).toBe(204);
  });
});

describe('limits', () => {
  /** The fields a 400 names. */
  const issuesOf = (response: LightMyRequestResponse): string[] => {
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    return response.json().error.details.issues.map((issue: { path: string }) => issue.path);
  };
  const post = (overrides: Record<string, unknown>) => member.request({ method: 'POST', url: '/api/snips', payload: { ...newSnip, ...overrides } });

  it('takes a body of up to 100,000 characters', async () => {
    expect((await create(member, { body: 'x'.repeat(100_000) })).body).toHaveLength(100_000);
    expect(issuesOf(await post({ body: 'x'.repeat(100_001) }))).toEqual(['body']);
  });

  it('takes up to 10 tags of up to 32 lowercase characters', async () => {
    const tags = Array.from({ length: 10 }, (_, i) => `${String(i).padStart(2, '0')}${'t'.repeat(30)}`);
    expect((await create(member, { tags })).tags).toEqual(tags);
    expect(issuesOf(await post({ tags: [...tags, 'eleven'] }))).toEqual(['tags']);
    expect(issuesOf(await post({ tags: ['t'.repeat(33)] }))).toEqual(['tags.0']);
    expect(issuesOf(await post({ tags: ['Upper'] }))).toEqual(['tags.0']);
  });

  it('pages up to 100 snips, 20 by default', async () => {
    const owner = await t.signIn('owner@example.com');
    const visible = async (query: string) => {
      const response = await owner.request({ url: `/api/snips${query}` });
      expect(response.statusCode).toBe(200);
      return response.json().items.length as number;
    };
    // More snips than the largest page holds:
    for (let count = await visible('?limit=100'); count <= 100; count++) await create(member, { title: `Filler ${count}` });
    expect(await visible('')).toBe(20);
    expect(await visible('?limit=100')).toBe(100);
    expect(issuesOf(await owner.request({ url: '/api/snips?limit=101' }))).toEqual(['limit']);
  });
});
