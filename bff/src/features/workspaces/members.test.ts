import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts } from '../../db/seed.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';

let t: TestApp;
let owner: TestClient;
const acme = demoAccounts[0]!.workspaceId;
const globex = demoAccounts[4]!.workspaceId;
const idOf = (email: string) => demoAccounts.find((account) => account.email === email)!.id;
const members = (workspaceId: string) => `/api/workspaces/${workspaceId}/members`;

beforeAll(async () => {
  t = await startTestApp();
  owner = await t.signIn('owner@example.com');
});
afterAll(() => t.close());

describe('members', () => {
  it('lists the members of the current workspace to any member, owners first', async () => {
    const viewer = await t.signIn('viewer@example.com');
    const response = await viewer.request({ url: members(acme) });
    expect(response.statusCode).toBe(200);
    const list = response.json().members;
    expect(list.map((m: { email: string }) => m.email)).toEqual(['owner@example.com', 'member@example.com', 'pm@example.com', 'qa@example.com', 'viewer@example.com']);
    expect(list[0]).toMatchObject({ role: 'owner', name: 'Olivia Owner' });
  });

  it("answers 404 for a workspace that is not the actor's current one", async () => {
    const outsider = await t.signIn('outsider@example.com');
    expect((await outsider.request({ url: members(acme) })).statusCode).toBe(404);
    expect((await owner.request({ url: members(globex) })).statusCode).toBe(404);
  });

  it('adds an existing user by email, refuses duplicates and unknown emails', async () => {
    const added = await owner.request({ method: 'POST', url: members(acme), payload: { email: 'Outsider@example.com', role: 'viewer' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ email: 'outsider@example.com', role: 'viewer' });
    const again = await owner.request({ method: 'POST', url: members(acme), payload: { email: 'outsider@example.com', role: 'member' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_member');
    const unknown = await owner.request({ method: 'POST', url: members(acme), payload: { email: 'ghost@example.com', role: 'member' } });
    expect(unknown.statusCode).toBe(404);
    expect((await owner.request({ method: 'DELETE', url: `${members(acme)}/${idOf('outsider@example.com')}` })).statusCode).toBe(204);
  });

  it('lets only owners and admins manage members, and only owners touch owners', async () => {
    const member = await t.signIn('member@example.com');
    const denied = await member.request({ method: 'PATCH', url: `${members(acme)}/${idOf('viewer@example.com')}`, payload: { role: 'member' } });
    expect(denied.statusCode).toBe(403);
    expect((await member.request({ method: 'POST', url: members(acme), payload: { email: 'outsider@example.com', role: 'viewer' } })).statusCode).toBe(403);

    expect((await owner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('pm@example.com')}`, payload: { role: 'admin' } })).statusCode).toBe(200);
    const admin = await t.signIn('pm@example.com');
    expect((await admin.request({ method: 'PATCH', url: `${members(acme)}/${idOf('viewer@example.com')}`, payload: { role: 'member' } })).statusCode).toBe(200);
    expect((await admin.request({ method: 'PATCH', url: `${members(acme)}/${idOf('viewer@example.com')}`, payload: { role: 'owner' } })).statusCode).toBe(403);
    expect((await admin.request({ method: 'DELETE', url: `${members(acme)}/${idOf('owner@example.com')}` })).statusCode).toBe(403);
    expect((await admin.request({ method: 'PATCH', url: `${members(acme)}/${idOf('viewer@example.com')}`, payload: { role: 'viewer' } })).statusCode).toBe(200);
    expect((await owner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('pm@example.com')}`, payload: { role: 'member' } })).statusCode).toBe(200);
  });

  it('never leaves a workspace without an owner (409)', async () => {
    const demote = await owner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('owner@example.com')}`, payload: { role: 'admin' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('last_owner');
    const leave = await owner.request({ method: 'DELETE', url: `${members(acme)}/${idOf('owner@example.com')}` });
    expect(leave.json().error.code).toBe('last_owner');
    // With a second owner, the first may step down.
    expect((await owner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('member@example.com')}`, payload: { role: 'owner' } })).statusCode).toBe(200);
    expect((await owner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('owner@example.com')}`, payload: { role: 'admin' } })).statusCode).toBe(200);
    const newOwner = await t.signIn('member@example.com');
    expect((await newOwner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('owner@example.com')}`, payload: { role: 'owner' } })).statusCode).toBe(200);
    expect((await newOwner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('member@example.com')}`, payload: { role: 'member' } })).statusCode).toBe(200);
  });

  it("applies a role change on the member's next request", async () => {
    const member = await t.signIn('member@example.com');
    const snip = { title: 't', body: 'b', language: 'go' };
    expect((await member.request({ method: 'POST', url: '/api/snips', payload: snip })).statusCode).toBe(201);
    await owner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('member@example.com')}`, payload: { role: 'viewer' } });
    expect((await member.request({ method: 'POST', url: '/api/snips', payload: snip })).statusCode).toBe(403);
    expect((await member.request({ url: '/api/session' })).json().user.workspace.role).toBe('viewer');
    await owner.request({ method: 'PATCH', url: `${members(acme)}/${idOf('member@example.com')}`, payload: { role: 'member' } });
  });

  it('moves a removed member to their other workspace, or ends their session when none is left', async () => {
    const outsider = await t.signIn('outsider@example.com');
    await outsider.request({ method: 'POST', url: members(globex), payload: { email: 'viewer@example.com', role: 'viewer' } });
    const viewer = await t.signIn('viewer@example.com');
    expect((await viewer.request({ url: '/api/session' })).json().user.workspace.name).toBe('Acme');
    await owner.request({ method: 'DELETE', url: `${members(acme)}/${idOf('viewer@example.com')}` });
    expect((await viewer.request({ url: '/api/session' })).json().user.workspace.name).toBe('Globex');
    expect((await viewer.request({ url: members(acme) })).statusCode).toBe(404);
    await outsider.request({ method: 'DELETE', url: `${members(globex)}/${idOf('viewer@example.com')}` });
    const ended = await viewer.request({ url: '/api/snips' });
    expect(ended.statusCode).toBe(401);
    expect(ended.json().error.code).toBe('session_expired');
    await owner.request({ method: 'POST', url: members(acme), payload: { email: 'viewer@example.com', role: 'viewer' } });
  });
});

describe('switching workspaces', () => {
  it('makes another of my workspaces current for this session', async () => {
    const client = await t.signIn('owner@example.com');
    const switched = await client.request({ method: 'PUT', url: '/api/session/workspace', payload: { workspaceId: globex } });
    expect(switched.statusCode).toBe(200);
    expect(switched.json().user.workspace).toMatchObject({ id: globex, name: 'Globex', role: 'member' });
    const titles = (await client.request({ url: '/api/snips' })).json().items.map((s: { title: string }) => s.title);
    expect(titles).toContain('Globex deploy config');
    expect(titles).not.toContain('Globex secret plan');
    expect(titles).not.toContain('Debounce a function');
    const me = (await client.request({ url: '/api/me' })).json();
    expect(me.currentWorkspaceId).toBe(globex);
    expect(me.memberships.map((m: { workspaceName: string }) => m.workspaceName).sort()).toEqual(['Acme', 'Globex']);
    // Another tab's session is not moved.
    expect((await owner.request({ url: '/api/session' })).json().user.workspace.name).toBe('Acme');
  });

  it('refuses a workspace I do not belong to with 404', async () => {
    const member = await t.signIn('member@example.com');
    const response = await member.request({ method: 'PUT', url: '/api/session/workspace', payload: { workspaceId: globex } });
    expect(response.statusCode).toBe(404);
    expect((await member.request({ url: '/api/session' })).json().user.workspace.name).toBe('Acme');
  });
});
