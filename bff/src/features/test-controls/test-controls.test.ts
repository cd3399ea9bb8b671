import { describe, expect, it } from 'vitest';
import { startTestApp } from '../../test-app.ts';

describe('test-only session expiry', () => {
  it('ends the caller’s session in test mode, so the next request says session_expired', async () => {
    const t = await startTestApp();
    try {
      const client = await t.signIn('member@example.com');
      expect((await client.request({ method: 'POST', url: '/api/test-only/session/expire' })).statusCode).toBe(204);
      expect((await client.request({ url: '/api/me' })).json().error.code).toBe('session_expired');
    } finally {
      await t.close();
    }
  });

  it('makes a new person owning a workspace of their own, who can sign in with the demo password', async () => {
    const t = await startTestApp();
    try {
      const response = await t.client().request({ method: 'POST', url: '/api/test-only/users', payload: { name: 'Flag Target' } });
      expect(response.statusCode).toBe(201);
      const made = response.json();
      const client = await t.signIn(made.email);
      const me = (await client.request({ url: '/api/me' })).json();
      expect(me).toMatchObject({ id: made.id, name: 'Flag Target', currentWorkspaceId: made.workspaceId });
      expect(me.memberships).toEqual([{ workspaceId: made.workspaceId, workspaceName: 'Flag Target’s workspace', role: 'owner' }]);
    } finally {
      await t.close();
    }
  });

  it.each(['development', 'production'])('does not exist when NODE_ENV=%s', async (mode) => {
    const t = await startTestApp({ environment: { NODE_ENV: mode, SESSION_SECRET: 'a-production-grade-secret-of-32-characters' } });
    try {
      const client = await t.signIn('member@example.com');
      const response = await client.request({ method: 'POST', url: '/api/test-only/session/expire' });
      expect(response.statusCode).toBe(404);
      expect((await client.request({ method: 'POST', url: '/api/test-only/users', payload: { name: 'Nobody' } })).statusCode).toBe(404);
      expect((await client.request({ url: '/api/me' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
