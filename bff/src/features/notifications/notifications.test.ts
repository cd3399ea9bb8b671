import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoAccounts } from '../../db/seed.ts';
import { startTestApp, type TestApp } from '../../test-app.ts';
import { openSocket } from '../../test-socket.ts';

const [owner, , , , outsider] = demoAccounts;

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await startTestApp();
  origin = await t.listen();
});
afterAll(() => t.close());

// The owner of Acme is also a member of Globex: what happens to them in Globex is counted and listed in Globex.
it('belong to the workspace they happened in: the bell counts and lists the current workspace’s only', async () => {
  const ownerClient = await t.signIn(owner!.email);
  const switchTo = async (workspaceId: string) =>
    expect((await ownerClient.request({ method: 'PUT', url: '/api/session/workspace', payload: { workspaceId } })).statusCode).toBe(200);
  await switchTo(outsider!.workspaceId);
  const snip = (await ownerClient.request({ method: 'POST', url: '/api/snips', payload: { title: 'Globex runbook', body: 'x', language: 'go' } })).json();
  await switchTo(owner!.workspaceId);

  const bell = await openSocket(origin, ownerClient);
  bell.send({ v: 1, type: 'subscribe', stream: `user:${owner!.id}` });
  await bell.next((message) => message.type === 'snapshot');
  const outsiderClient = await t.signIn(outsider!.email);
  expect((await outsiderClient.request({ method: 'POST', url: `/api/snips/${snip.id}/comments`, payload: { body: 'Looks good' } })).statusCode).toBe(201);

  // In Acme the Globex comment is neither counted nor listed, though the stream moved on.
  await bell.next((message) => message.type === 'update' && message.state.kind === 'user');
  expect(bell.messages.filter((m) => m.type !== 'presence').map((m) => ('state' in m && m.state.kind === 'user' ? m.state.unread : null))).toEqual([0, 0]);
  expect((await ownerClient.request({ url: '/api/notifications' })).json()).toEqual({ items: [], unread: 0 });

  await switchTo(outsider!.workspaceId);
  const inGlobex = (await ownerClient.request({ url: '/api/notifications' })).json();
  expect(inGlobex.unread).toBe(1);
  expect(inGlobex.items).toMatchObject([{ kind: 'comment', actorName: 'Oscar Outsider', snip: { id: snip.id, title: 'Globex runbook' } }]);
  expect((await ownerClient.request({ method: 'POST', url: '/api/notifications/read-all' })).statusCode).toBe(204);
  expect((await ownerClient.request({ url: '/api/notifications' })).json().unread).toBe(0);
  bell.ws.close();
});
