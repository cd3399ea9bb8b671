import { and, asc, eq, sql } from 'drizzle-orm';
import type { WorkspaceRole } from '#shared/contracts/session.ts';
import type { Member } from '#shared/contracts/workspaces.ts';
import type { Database } from '../../db/client.ts';
import { memberships, users, workspaces } from '../../db/schema.ts';
import { AppError } from '../../plugins/errors.ts';
import type { Actor } from '../../plugins/session.ts';
import { membershipsVisibleTo, workspacesVisibleTo } from './policy.ts';

const roleRank = sql`array_position(array['owner', 'admin', 'member', 'viewer'], ${memberships.role})`;

/** One of the actor's workspaces, with the actor's role in it. */
export async function findWorkspace(db: Database, actor: Actor, workspaceId: string) {
  const [workspace] = await db
    .select({ workspaceId: workspaces.id, workspaceName: workspaces.name, role: memberships.role })
    .from(workspaces)
    .innerJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, actor.userId)))
    .where(and(workspacesVisibleTo(db, actor), eq(workspaces.id, workspaceId)));
  return workspace;
}

export async function listMembers(db: Database, actor: Actor, userId?: string): Promise<Member[]> {
  const rows = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(membershipsVisibleTo(actor), userId === undefined ? undefined : eq(memberships.userId, userId)))
    .orderBy(roleRank, asc(users.name));
  return rows.map((row) => ({ ...row, joinedAt: row.joinedAt.toISOString() }));
}

export async function findUserIdByEmail(db: Database, email: string) {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.toLowerCase()));
  return user?.id;
}

/** Returns false when the user is a member already. */
export async function insertMembership(db: Database, actor: Actor, userId: string, role: WorkspaceRole, now: Date) {
  const inserted = await db
    .insert(memberships)
    .values({ workspaceId: actor.workspaceId, userId, role, createdAt: now })
    .onConflictDoNothing()
    .returning({ userId: memberships.userId });
  return inserted.length === 1;
}

/**
 * Changes or ends a membership, refusing to leave the workspace without an owner. The owners' rows are locked
 * first, so two owners demoting each other at the same moment cannot both succeed.
 */
export async function changeMembership(db: Database, actor: Actor, userId: string, role: WorkspaceRole | null) {
  await db.transaction(async (tx) => {
    const owners = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(membershipsVisibleTo(actor), eq(memberships.role, 'owner')))
      .for('update');
    const isOwner = owners.some((owner) => owner.userId === userId);
    if (isOwner && role !== 'owner' && owners.length === 1) {
      throw new AppError(409, 'last_owner', 'A workspace needs at least one owner: make someone else an owner first.');
    }
    const target = and(membershipsVisibleTo(actor), eq(memberships.userId, userId));
    if (role === null) await tx.delete(memberships).where(target);
    else await tx.update(memberships).set({ role }).where(target);
  });
}

// Lists are per reader (private snips), so the workspace stream says only "changed": each reader refetches.
const workspaceStreamState = { kind: 'workspace' as const };

/**
 * Bumps the current workspace's stream sequence inside a change's transaction; returns the stream's new state, to
 * publish once the transaction has committed.
 */
export async function bumpWorkspaceActivity(db: Database, actor: Actor) {
  const [row] = await db
    .update(workspaces)
    .set({ activitySeq: sql`${workspaces.activitySeq} + 1` })
    .where(and(workspacesVisibleTo(db, actor), eq(workspaces.id, actor.workspaceId)))
    .returning({ seq: workspaces.activitySeq });
  return row && { seq: row.seq, state: workspaceStreamState };
}

/** The `workspace:<id>` stream: only the actor's current workspace, where all their snip pages are. */
export async function workspaceStreamSnapshot(db: Database, actor: Actor, workspaceId: string) {
  if (workspaceId !== actor.workspaceId) return undefined;
  const [row] = await db
    .select({ seq: workspaces.activitySeq })
    .from(workspaces)
    .where(and(workspacesVisibleTo(db, actor), eq(workspaces.id, workspaceId)));
  return row && { seq: row.seq, state: workspaceStreamState };
}
