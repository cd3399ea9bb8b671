import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';

let t: TestApp;
let member: TestClient;
beforeAll(async () => {
  t = await startTestApp();
  member = await t.signIn('member@example.com');
});
afterAll(() => t.close());

it('gives a public snip an unguessable link that works signed out and across workspaces', async () => {
  const created = (await member.request({ method: 'POST', url: '/api/snips', payload: { title: 'Share me', body: 'hello', language: 'markdown', visibility: 'public' } })).json();
  expect(created.publicSlug).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const signedOut = await t.client().request({ url: `/api/public/snips/${created.publicSlug}` });
  expect(signedOut.statusCode).toBe(200);
  expect(signedOut.json()).toEqual({ title: 'Share me', body: 'hello', language: 'markdown', tags: [], updatedAt: created.updatedAt, authorName: 'Max Member', workspaceName: 'Acme' });
  expect(signedOut.headers['cache-control']).toBe('no-store');
  const outsider = await t.signIn('outsider@example.com');
  expect((await outsider.request({ url: `/api/public/snips/${created.publicSlug}` })).statusCode).toBe(200);
  // The link is the only way in: by id, another workspace still sees nothing.
  expect((await outsider.request({ url: `/api/snips/${created.id}` })).statusCode).toBe(404);
});

it('revokes the link when the snip stops being public, and issues a new one when it is public again', async () => {
  const created = (await member.request({ method: 'POST', url: '/api/snips', payload: { title: 'Briefly public', body: 'x', language: 'go', visibility: 'public' } })).json();
  const edited = (await member.request({ method: 'PATCH', url: `/api/snips/${created.id}`, payload: { title: 'Still public', version: 1 } })).json();
  expect(edited.publicSlug).toBe(created.publicSlug);
  const hidden = (await member.request({ method: 'PATCH', url: `/api/snips/${created.id}`, payload: { visibility: 'private', version: 2 } })).json();
  expect(hidden.publicSlug).toBeNull();
  const gone = await t.client().request({ url: `/api/public/snips/${created.publicSlug}` });
  expect(gone.statusCode).toBe(404);
  expect(gone.json().error.code).toBe('not_found');
  const again = (await member.request({ method: 'PATCH', url: `/api/snips/${created.id}`, payload: { visibility: 'public', version: 3 } })).json();
  expect(again.publicSlug).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(again.publicSlug).not.toBe(created.publicSlug);
  expect((await t.client().request({ url: `/api/public/snips/${created.publicSlug}` })).statusCode).toBe(404);
  expect((await t.client().request({ url: `/api/public/snips/${again.publicSlug}` })).statusCode).toBe(200);
});

it('answers an unknown slug with 404, like a revoked one, and a malformed one with 400', async () => {
  expect((await t.client().request({ url: '/api/public/snips/AAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(404);
  expect((await t.client().request({ url: '/api/public/snips/short' })).statusCode).toBe(400);
});
