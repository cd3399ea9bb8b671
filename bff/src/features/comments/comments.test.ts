import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';
import { openSocket } from '../../test-socket.ts';

let t: TestApp;
let origin: string;
let owner: TestClient;
let member: TestClient;
let ownerId: string;
beforeAll(async () => {
  t = await startTestApp();
  origin = await t.listen();
  owner = await t.signIn('owner@example.com');
  member = await t.signIn('member@example.com');
  ownerId = (await owner.request({ url: '/api/session' })).json().user.id;
});
afterAll(() => t.close());

const newSnip = async (client: TestClient, overrides: Record<string, unknown> = {}) =>
  (await client.request({ method: 'POST', url: '/api/snips', payload: { title: 'Discuss me', body: 'x', language: 'go', ...overrides } })).json() as { id: string };
// The test clock stands still unless moved: a second between comments keeps "newest first" well defined.
const comment = (client: TestClient, snipId: string, body: string) => {
  t.clock.advance(1);
  return client.request({ method: 'POST', url: `/api/snips/${snipId}/comments`, payload: { body } });
};

describe('comments', () => {
  it('are written by members and read, oldest first, by anyone who sees the snip', async () => {
    const snip = await newSnip(owner);
    expect((await comment(member, snip.id, 'First!')).statusCode).toBe(201);
    expect((await comment(owner, snip.id, '  Thanks  ')).json()).toMatchObject({ body: 'Thanks', author: { name: 'Olivia Owner' } });
    const viewer = await t.signIn('viewer@example.com');
    const list = (await viewer.request({ url: `/api/snips/${snip.id}/comments` })).json().comments;
    expect(list.map((c: { body: string }) => c.body)).toEqual(['First!', 'Thanks']);
  });

  it('are refused to viewers, empty or too long, and invisible outside the snip’s scope', async () => {
    const snip = await newSnip(owner);
    const viewer = await t.signIn('viewer@example.com');
    expect((await comment(viewer, snip.id, 'hi')).statusCode).toBe(403);
    expect((await comment(member, snip.id, '   ')).json().error.code).toBe('invalid_request');
    expect((await comment(member, snip.id, 'x'.repeat(5001))).statusCode).toBe(400);
    const outsider = await t.signIn('outsider@example.com');
    expect((await outsider.request({ url: `/api/snips/${snip.id}/comments` })).statusCode).toBe(404);
    expect((await comment(outsider, snip.id, 'sneaky')).statusCode).toBe(404);
    const privateOne = await newSnip(owner, { visibility: 'private' });
    expect((await member.request({ url: `/api/snips/${privateOne.id}/comments` })).statusCode).toBe(404);
  });
});

describe('notifications', () => {
  it('tell the author and earlier commenters, not the commenter', async () => {
    await owner.request({ method: 'POST', url: '/api/notifications/read-all' });
    const pm = await t.signIn('pm@example.com');
    await pm.request({ method: 'POST', url: '/api/notifications/read-all' });
    const snip = await newSnip(owner, { title: 'Talk about it' });
    await comment(pm, snip.id, 'one');
    await comment(member, snip.id, 'two');
    const ownerList = (await owner.request({ url: '/api/notifications' })).json();
    expect(ownerList.unread).toBe(2);
    expect(ownerList.items[0]).toMatchObject({ kind: 'comment', actorName: 'Max Member', snip: { id: snip.id, title: 'Talk about it' }, readAt: null });
    const pmList = (await pm.request({ url: '/api/notifications' })).json();
    expect(pmList.unread).toBe(1);
    expect(pmList.items[0]).toMatchObject({ actorName: 'Max Member' });
    const memberList = (await member.request({ url: '/api/notifications' })).json();
    expect(memberList.items.filter((n: { snip: { id: string } | null }) => n.snip?.id === snip.id)).toEqual([]);
  });

  it('reach only people who may still read the snip', async () => {
    const pm = await t.signIn('pm@example.com');
    await pm.request({ method: 'POST', url: '/api/notifications/read-all' });
    const snip = await newSnip(member, { title: 'Goes private' });
    await comment(pm, snip.id, 'first');
    await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { visibility: 'private', version: 1 } });
    expect((await comment(member, snip.id, 'just for me now')).statusCode).toBe(201);
    expect((await pm.request({ url: '/api/notifications' })).json().unread).toBe(0);
  });

  it('reach the members a private snip is shared with, while it is shared with them', async () => {
    const pm = await t.signIn('pm@example.com');
    const pmId = (await pm.request({ url: '/api/session' })).json().user.id;
    await pm.request({ method: 'POST', url: '/api/notifications/read-all' });
    await member.request({ method: 'POST', url: '/api/notifications/read-all' });
    const snip = await newSnip(member, { title: 'Between us', visibility: 'private' });
    expect((await member.request({ method: 'POST', url: `/api/snips/${snip.id}/shares`, payload: { userId: pmId } })).statusCode).toBe(201);
    await pm.request({ method: 'POST', url: '/api/notifications/read-all' });

    await comment(pm, snip.id, 'Read it, thanks');
    expect((await member.request({ url: '/api/notifications' })).json().items[0]).toMatchObject({ kind: 'comment', actorName: 'Pat Product', snip: { id: snip.id } });
    await comment(member, snip.id, 'Glad it helps');
    const pmList = (await pm.request({ url: '/api/notifications' })).json();
    expect(pmList.unread).toBe(1);
    expect(pmList.items[0]).toMatchObject({ kind: 'comment', actorName: 'Max Member', snip: { id: snip.id } });

    // Once the share is taken back, the earlier commenter may no longer read the snip, so hears nothing more of it.
    expect((await member.request({ method: 'DELETE', url: `/api/snips/${snip.id}/shares/${pmId}` })).statusCode).toBe(204);
    await comment(member, snip.id, 'Just notes to myself now');
    expect((await pm.request({ url: '/api/notifications' })).json().unread).toBe(1);
  });

  it('are marked read one by one or all at once, by their recipient only', async () => {
    const snip = await newSnip(owner);
    await comment(member, snip.id, 'ping');
    await comment(member, snip.id, 'ping again');
    const { items, unread } = (await owner.request({ url: '/api/notifications' })).json();
    expect(unread).toBeGreaterThanOrEqual(2);
    expect((await member.request({ method: 'POST', url: `/api/notifications/${items[0].id}/read` })).statusCode).toBe(404);
    expect((await owner.request({ method: 'POST', url: `/api/notifications/${items[0].id}/read` })).statusCode).toBe(204);
    expect((await owner.request({ url: '/api/notifications' })).json().unread).toBe(unread - 1);
    await owner.request({ method: 'POST', url: '/api/notifications/read-all' });
    expect((await owner.request({ url: '/api/notifications' })).json().unread).toBe(0);
  });

  it('stop naming a snip the reader may no longer see', async () => {
    const snip = await newSnip(member, { title: 'Soon private' });
    const pm = await t.signIn('pm@example.com');
    await comment(pm, snip.id, 'nice');
    await comment(member, snip.id, 'thanks');
    await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { visibility: 'private', version: 1 } });
    const latest = (await pm.request({ url: '/api/notifications' })).json().items[0];
    expect(latest).toMatchObject({ kind: 'comment', snip: null });
    expect(JSON.stringify(latest)).not.toContain('Soon private');
  });
});

describe('live', () => {
  const state = (stream: string, match: (m: Extract<ServerMessage, { state: unknown }>) => boolean) => (message: ServerMessage) =>
    message.stream === stream && (message.type === 'snapshot' || message.type === 'update') && match(message);

  it('moves the comment count on the snip stream and the unread count on the author’s own stream', async () => {
    await owner.request({ method: 'POST', url: '/api/notifications/read-all' });
    const snip = await newSnip(owner);
    const socket = await openSocket(origin, owner);
    const snipStream = `snip:${snip.id}`;
    const userStream = `user:${ownerId}`;
    socket.send({ v: 1, type: 'subscribe', stream: snipStream });
    socket.send({ v: 1, type: 'subscribe', stream: userStream });
    await socket.next(state(userStream, (m) => m.state.kind === 'user' && m.state.unread === 0));
    await socket.next(state(snipStream, (m) => m.state.kind === 'snip' && m.state.comments === 0));
    await comment(member, snip.id, 'live!');
    expect(await socket.next(state(snipStream, (m) => m.state.kind === 'snip' && m.state.comments === 1))).toMatchObject({ type: 'update', seq: 2 });
    await socket.next(state(userStream, (m) => m.state.kind === 'user' && m.state.unread === 1));
    await owner.request({ method: 'POST', url: '/api/notifications/read-all' });
    await socket.next(state(userStream, (m) => m.state.kind === 'user' && m.state.unread === 0 && m.type === 'update'));
    socket.ws.close();
  });

  it('keeps a user stream to its user', async () => {
    const socket = await openSocket(origin, member);
    socket.send({ v: 1, type: 'subscribe', stream: `user:${ownerId}` });
    expect(await socket.next((m) => m.stream === `user:${ownerId}`)).toMatchObject({ type: 'denied' });
    socket.ws.close();
  });
});
