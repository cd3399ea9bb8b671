import { describe, expect, it } from 'vitest';
import { assignableRoles, canManageMember, canManageMembers, roleInSentence } from './workspace-roles.ts';

describe('workspace roles (for hiding controls)', () => {
  it('lets owners and admins manage members, and nobody else', () => {
    expect(canManageMembers('owner')).toBe(true);
    expect(canManageMembers('admin')).toBe(true);
    expect(canManageMembers('member')).toBe(false);
    expect(canManageMembers('viewer')).toBe(false);
  });

  it('keeps owners in the hands of owners', () => {
    expect(assignableRoles('owner')).toEqual(['owner', 'admin', 'member', 'viewer']);
    expect(assignableRoles('admin')).toEqual(['admin', 'member', 'viewer']);
    expect(assignableRoles('member')).toEqual([]);
    expect(canManageMember('admin', 'owner')).toBe(false);
    expect(canManageMember('admin', 'member')).toBe(true);
    expect(canManageMember('owner', 'owner')).toBe(true);
    expect(canManageMember('viewer', 'viewer')).toBe(false);
  });

  it('puts a role in a sentence', () => {
    expect(roleInSentence('owner')).toBe('an owner');
    expect(roleInSentence('viewer')).toBe('a viewer');
  });
});
