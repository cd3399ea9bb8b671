import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { demoAccounts } from '../../db/seed.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';
import { openSocket, type TestSocket } from '../../test-socket.ts';

// Sharing a snip with a member, over real HTTP and a real WebSocket: who may share with whom, what a share of a
// private snip lets its recipient do, how they hear of it, and how taking it back (or leaving) ends it at once.

let t: TestApp;
let origin: string;
let owner: TestClient;
let member: TestClient;
let viewer: TestClient;
let pm: TestClient;
let outsider: TestClient;
beforeAll(async () => {
  t = await startTestApp();
  origin = await t.listen();
  owner = await t.signIn('owner@example.com');
  member = await t.signIn('member@example.com');
  viewer = await t.signIn('viewer@example.com');
  pm = await t.signIn('pm@example.com');
  outsider = await t.signIn('outsider@example.com');
});
afterAll(() => t.close());

const accountOf = (name: string) => demoAccounts.find((account) => account.email === `${name}@example.com`)!;
const [ownerId, memberId, viewerId, pmId, outsiderId] = ['owner', 'member', 'viewer', 'pm', 'outsider'].map((name) => accountOf(name).id) as [
  string, string, string, string, string,
];
const acmeId = accountOf('owner').workspaceId;

const newSnip = async (client: TestClient, visibility: 'private' | 'workspace' | 'public', title = `Shared ${visibility} snip`) => {
  const response = await client.request({ method: 'POST', url: '/api/snips', payload: { title, body: 'x', language: 'go', visibility } });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; title: string; version: number };
};
const share = (client: TestClient, snipId: string, userId: string, headers: Record<string, string> = {}) =>
  client.request({ method: 'POST', url: `/api/snips/${snipId}/shares`, payload: { userId }, headers });
const revoke = (client: TestClient, snipId: string, userId: string) => client.request({ method: 'DELETE', url: `/api/snips/${snipId}/shares/${userId}` });
const sharesOf = async (client: TestClient, snipId: string) => {
  const response = await client.request({ url: `/api/snips/${snipId}/shares` });
  expect(response.statusCode).toBe(200);
  return (response.json() as { shares: { userId: string }[] }).shares.map((s) => s.userId);
};
const readStatus = async (client: TestClient, snipId: string) => (await client.request({ url: `/api/snips/${snipId}` })).statusCode;
const notificationsAbout = async (client: TestClient, snipId: string) =>
  ((await client.request({ url: '/api/notifications' })).json() as { items: { kind: string; actorName: string; snip: { id: string; title: string } | null }[] }).items.filter(
    (n) => n.kind === 'snip_shared' && (n.snip === null || n.snip.id === snipId),
  );
const unread = async (client: TestClient) => (await client.request({ url: '/api/notifications' })).json().unread as number;

const state = (stream: string, match: (m: Extract<ServerMessage, { state: unknown }>) => boolean) => (message: ServerMessage) =>
  message.stream === stream && (message.type === 'snapshot' || message.type === 'update') && match(message);
const control = (stream: string, type: 'denied' | 'ended') => (message: ServerMessage) => message.stream === stream && message.type === type;
const subscribe = (socket: TestSocket, stream: string) => socket.send({ v: 1, type: 'subscribe', stream });

describe('sharing a private snip', () => {
  it('lets the member read it, comment on it and watch it, and tells them live on their bell', async () => {
    const snip = await newSnip(member, 'private', 'For Pat only');
    const socket = await openSocket(origin, pm);
    try {
      const snipStream = `snip:${snip.id}`;
      const userStream = `user:${pmId}`;
      subscribe(socket, snipStream);
      await socket.next(control(snipStream, 'denied'));
      expect(await readStatus(pm, snip.id)).toBe(404);
      subscribe(socket, userStream);
      const before = await socket.next(state(userStream, (m) => m.type === 'snapshot'));
      const unreadBefore = before.type === 'snapshot' && before.state.kind === 'user' ? before.state.unread : -1;

      const shared = await share(member, snip.id, pmId);
      expect(shared.statusCode).toBe(201);
      expect(shared.json()).toMatchObject({ userId: pmId, name: 'Pat Product', sharedBy: { id: memberId, name: 'Max Member' } });
      await socket.next(state(userStream, (m) => m.type === 'update' && m.state.kind === 'user' && m.state.unread === unreadBefore + 1));
      expect(await notificationsAbout(pm, snip.id)).toEqual([expect.objectContaining({ actorName: 'Max Member', snip: { id: snip.id, title: 'For Pat only' } })]);

      expect(await readStatus(pm, snip.id)).toBe(200);
      subscribe(socket, snipStream);
      await socket.next(state(snipStream, (m) => m.type === 'snapshot'));
      expect((await pm.request({ method: 'POST', url: `/api/snips/${snip.id}/comments`, payload: { body: 'Thanks!' } })).statusCode).toBe(201);
      // Reading, not writing: no edit, no delete, and no passing it on.
      expect((await pm.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Mine now', version: 1 } })).statusCode).toBe(403);
      expect((await pm.request({ method: 'DELETE', url: `/api/snips/${snip.id}` })).statusCode).toBe(403);
      expect((await share(pm, snip.id, viewerId)).statusCode).toBe(403);
      expect((await pm.request({ url: `/api/snips/${snip.id}/shares` })).statusCode).toBe(403);
      // Still nobody else's: the owner manages the workspace but cannot see another member's private snip.
      expect(await readStatus(owner, snip.id)).toBe(404);
      expect(await readStatus(viewer, snip.id)).toBe(404);
    } finally {
      socket.ws.close();
    }
  });

  it('answers a second share with the same person 200, without a second notification', async () => {
    const snip = await newSnip(member, 'private');
    expect((await share(member, snip.id, pmId)).statusCode).toBe(201);
    const unreadAfterFirst = await unread(pm);
    const again = await share(member, snip.id, pmId);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ userId: pmId, sharedBy: { id: memberId } });
    expect(await unread(pm)).toBe(unreadAfterFirst);
    expect(await notificationsAbout(pm, snip.id)).toHaveLength(1);
    expect(await sharesOf(member, snip.id)).toEqual([pmId]);
  });

  it('replays a share retried with the same Idempotency-Key', async () => {
    const snip = await newSnip(member, 'private');
    const first = await share(member, snip.id, viewerId, { 'idempotency-key': `share-${snip.id}` });
    const retry = await share(member, snip.id, viewerId, { 'idempotency-key': `share-${snip.id}` });
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await notificationsAbout(viewer, snip.id)).toHaveLength(1);
  });
});

describe('who may share with whom', () => {
  it('refuses sharing with oneself or with someone outside the workspace, and says which', async () => {
    const snip = await newSnip(member, 'private');
    const self = await share(member, snip.id, memberId);
    expect(self.statusCode).toBe(400);
    expect(self.json().error).toMatchObject({ code: 'invalid_request', details: { issues: [{ path: 'userId', message: 'You cannot share a snip with yourself.' }] } });
    for (const stranger of [outsiderId, '00000000-0000-4000-8000-0000000fffff']) {
      const response = await share(member, snip.id, stranger);
      expect(response.statusCode).toBe(422);
      expect(response.json().error).toMatchObject({ code: 'invalid_request', details: { issues: [{ path: 'userId', message: 'They are not a member of this workspace.' }] } });
    }
    expect((await member.request({ method: 'POST', url: `/api/snips/${snip.id}/shares`, payload: { userId: pmId, role: 'admin' } })).statusCode).toBe(400);
    expect(await sharesOf(member, snip.id)).toEqual([]);
  });

  it('lets members share what the workspace reads, never viewers, and a private snip only its author', async () => {
    const open = await newSnip(owner, 'workspace', 'Have a look');
    // A member points a colleague (a viewer here) at someone else's snip: nothing new to see, but they are told.
    expect((await share(pm, open.id, viewerId)).statusCode).toBe(201);
    expect(await notificationsAbout(viewer, open.id)).toEqual([expect.objectContaining({ actorName: 'Pat Product', snip: { id: open.id, title: 'Have a look' } })]);
    expect((await share(viewer, open.id, memberId)).json().error.code).toBe('forbidden');
    expect((await viewer.request({ url: `/api/snips/${open.id}/shares` })).statusCode).toBe(403);
    expect(await sharesOf(member, open.id)).toEqual([viewerId]);

    // Another member's private snip is out of sight, whatever the role: 404, as for any read.
    const secret = await newSnip(member, 'private');
    expect((await share(owner, secret.id, pmId)).statusCode).toBe(404);
    expect((await owner.request({ url: `/api/snips/${secret.id}/shares` })).statusCode).toBe(404);
    expect((await revoke(owner, secret.id, pmId)).statusCode).toBe(404);
    // And another workspace's snips do not exist for the outsider.
    expect((await share(outsider, open.id, ownerId)).statusCode).toBe(404);
    expect((await outsider.request({ url: `/api/snips/${open.id}/shares` })).statusCode).toBe(404);
  });

  it('lets the author or the sharer take a share back, nobody else', async () => {
    const open = await newSnip(member, 'workspace');
    expect((await share(pm, open.id, viewerId)).statusCode).toBe(201);
    expect((await share(member, open.id, ownerId)).statusCode).toBe(201);
    expect((await revoke(owner, open.id, viewerId)).statusCode).toBe(403);
    expect((await revoke(viewer, open.id, viewerId)).statusCode).toBe(403);
    expect((await revoke(pm, open.id, ownerId)).statusCode).toBe(403);
    expect((await revoke(pm, open.id, viewerId)).statusCode).toBe(204);
    expect((await revoke(member, open.id, ownerId)).statusCode).toBe(204);
    expect((await revoke(member, open.id, ownerId)).json().error.code).toBe('not_found');
    expect(await sharesOf(member, open.id)).toEqual([]);
  });
});

describe('ending a share', () => {
  it('revoked: the snip answers 404, its open stream ends, and the notification names it no more', async () => {
    const snip = await newSnip(member, 'private', 'Briefly shared');
    expect((await share(member, snip.id, pmId)).statusCode).toBe(201);
    const socket = await openSocket(origin, pm);
    try {
      const snipStream = `snip:${snip.id}`;
      subscribe(socket, snipStream);
      await socket.next(state(snipStream, (m) => m.type === 'snapshot'));
      expect((await revoke(member, snip.id, pmId)).statusCode).toBe(204);
      await socket.next(control(snipStream, 'ended'));
      expect(await readStatus(pm, snip.id)).toBe(404);
      expect((await pm.request({ url: `/api/snips/${snip.id}/comments` })).statusCode).toBe(404);
      const [notification] = await notificationsAbout(pm, snip.id);
      expect(notification).toMatchObject({ kind: 'snip_shared', snip: null });
      expect(JSON.stringify(await notificationsAbout(pm, snip.id))).not.toContain('Briefly shared');
    } finally {
      socket.ws.close();
    }
  });

  it('made private: only the author’s own shares keep counting', async () => {
    const snip = await newSnip(member, 'workspace');
    expect((await share(pm, snip.id, viewerId)).statusCode).toBe(201);
    expect((await share(member, snip.id, ownerId)).statusCode).toBe(201);
    // A stale save changes nothing, shares included.
    await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { body: 'y', version: 1 } });
    expect((await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { visibility: 'private', version: 1 } })).statusCode).toBe(409);
    expect((await sharesOf(member, snip.id)).sort()).toEqual([ownerId, viewerId].sort());

    expect((await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { visibility: 'private', version: 2 } })).statusCode).toBe(200);
    expect(await sharesOf(member, snip.id)).toEqual([ownerId]);
    expect(await readStatus(owner, snip.id)).toBe(200);
    expect(await readStatus(viewer, snip.id)).toBe(404);
    expect(await readStatus(pm, snip.id)).toBe(404);
  });

  it('left the workspace: the snip is out of sight at once, in every workspace', async () => {
    const added = await owner.request({ method: 'POST', url: `/api/workspaces/${acmeId}/members`, payload: { email: 'outsider@example.com', role: 'member' } });
    expect(added.statusCode).toBe(201);
    expect((await outsider.request({ method: 'PUT', url: '/api/session/workspace', payload: { workspaceId: acmeId } })).statusCode).toBe(200);
    const snip = await newSnip(member, 'private');
    expect((await share(member, snip.id, outsiderId)).statusCode).toBe(201);
    expect(await readStatus(outsider, snip.id)).toBe(200);
    const socket = await openSocket(origin, outsider);
    try {
      const snipStream = `snip:${snip.id}`;
      subscribe(socket, snipStream);
      await socket.next(state(snipStream, (m) => m.type === 'snapshot'));
      expect((await owner.request({ method: 'DELETE', url: `/api/workspaces/${acmeId}/members/${outsiderId}` })).statusCode).toBe(204);
      await socket.next(control(snipStream, 'ended'));
      // Their session moved back to Globex: the share does not follow them there.
      expect(await readStatus(outsider, snip.id)).toBe(404);
      expect((await outsider.request({ url: `/api/snips/${snip.id}/comments` })).statusCode).toBe(404);
    } finally {
      socket.ws.close();
    }
  });
});
