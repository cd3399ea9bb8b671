import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { memberships, users, workspaces } from '../../db/schema.ts';

export async function findUserByEmail(db: Database, email: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return user;
}

/** The user's workspaces, oldest membership first: the first one is where a fresh session starts. */
export function listMemberships(db: Database, userId: string) {
  return db
    .select({ workspaceId: workspaces.id, workspaceName: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(workspaces.name));
}
