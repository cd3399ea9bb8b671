import { describe, expect, it } from 'vitest';
import type { SessionUser, WorkspaceRole } from '#shared/contracts/session.ts';
import { canChangeSnip, canCreateSnips, canRevokeShare, canShareSnip } from './snip-permissions.ts';

const acme = '00000000-0000-4000-8000-00000000ac01';
const globex = '00000000-0000-4000-8000-00000000910b';
const me = '00000000-0000-4000-8000-000000000001';
const someoneElse = '00000000-0000-4000-8000-000000000002';

const userWith = (role: WorkspaceRole): SessionUser => ({
  id: me,
  email: 'me@example.com',
  name: 'Me',
  isPm: false,
  workspace: { id: acme, name: 'Acme', role },
});
const snipBy = (authorId: string, workspaceId = acme) => ({ workspaceId, author: { id: authorId, name: 'Someone' } });

describe('snip permissions (for hiding controls)', () => {
  it('lets everyone but viewers create snips', () => {
    expect(canCreateSnips(userWith('viewer'))).toBe(false);
    expect(['owner', 'admin', 'member'].map((role) => canCreateSnips(userWith(role as WorkspaceRole)))).toEqual([true, true, true]);
    expect(canCreateSnips(null)).toBe(false);
  });

  it('lets members change their own snips only, and owners and admins any in their workspace', () => {
    expect(canChangeSnip(userWith('member'), snipBy(me))).toBe(true);
    expect(canChangeSnip(userWith('member'), snipBy(someoneElse))).toBe(false);
    expect(canChangeSnip(userWith('admin'), snipBy(someoneElse))).toBe(true);
    expect(canChangeSnip(userWith('owner'), snipBy(someoneElse))).toBe(true);
    expect(canChangeSnip(userWith('viewer'), snipBy(me))).toBe(false);
  });

  it("never offers to change another workspace's public snip", () => {
    expect(canChangeSnip(userWith('owner'), snipBy(me, globex))).toBe(false);
  });

  it('lets members and up share what the workspace reads, and a private snip only its author', () => {
    const privateBy = (authorId: string) => ({ ...snipBy(authorId), visibility: 'private' as const });
    const workspaceBy = (authorId: string) => ({ ...snipBy(authorId), visibility: 'workspace' as const });
    expect(canShareSnip(userWith('member'), workspaceBy(someoneElse))).toBe(true);
    expect(canShareSnip(userWith('member'), privateBy(me))).toBe(true);
    expect(canShareSnip(userWith('member'), privateBy(someoneElse))).toBe(false);
    expect(canShareSnip(userWith('owner'), privateBy(someoneElse))).toBe(false);
    expect(canShareSnip(userWith('viewer'), workspaceBy(someoneElse))).toBe(false);
    expect(canShareSnip(userWith('owner'), { ...snipBy(me, globex), visibility: 'public' })).toBe(false);
    expect(canShareSnip(null, workspaceBy(me))).toBe(false);
  });

  it('lets the author take back any share, and anyone else only their own', () => {
    const by = (id: string | null) => ({ sharedBy: id ? { id, name: 'Someone' } : null });
    expect(canRevokeShare(userWith('member'), snipBy(me), by(someoneElse))).toBe(true);
    expect(canRevokeShare(userWith('member'), snipBy(someoneElse), by(me))).toBe(true);
    expect(canRevokeShare(userWith('owner'), snipBy(someoneElse), by(someoneElse))).toBe(false);
    expect(canRevokeShare(userWith('owner'), snipBy(someoneElse), by(null))).toBe(false);
  });
});
