import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import { and, asc, eq, lt } from 'drizzle-orm';
import type { WorkspaceRole } from '#shared/contracts/session.ts';
import { memberships, sessions, users, workspaces } from '../db/schema.ts';
import { AppError } from './errors.ts';

/** Who is making the request: the signed-in user in their current workspace. */
export type Actor = {
  userId: string;
  email: string;
  name: string;
  isPm: boolean;
  workspaceId: string;
  workspaceName: string;
  role: WorkspaceRole;
};

/** Why a request has no actor: it never had a session, or the one it had has ended. */
export type SessionStatus = 'active' | 'none' | 'expired';

declare module 'fastify' {
  interface FastifyInstance {
    sessions: {
      /** Starts a session and sets its cookie; returns the raw cookie value. */
      start(reply: FastifyReply, userId: string, workspaceId: string): Promise<string>;
      end(request: FastifyRequest, reply: FastifyReply): Promise<void>;
      /** Ends this request's session now, as if its time had run out: the next request answers `session_expired`. */
      expire(request: FastifyRequest): Promise<void>;
      /** Makes another workspace current for this session; the caller has checked the membership. */
      switchWorkspace(request: FastifyRequest, workspaceId: string): Promise<void>;
    };
    /** onRequest hook for routes that need a signed-in user: answers 401 before the body is even parsed. */
    requireActor(request: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionStatus: SessionStatus;
  }
}

export const sessionCookie = 'snipdesk_session';
/** The idle clock is written at most this often, so reads do not each cost a write. */
const touchIntervalMs = 60_000;
/** Ended sessions are kept this long, so their cookies still answer `session_expired` rather than `unauthenticated`. */
const expiredRetentionMs = 7 * 24 * 3_600_000;

/** The signed-in actor, or the 401 that explains why there is none. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor) return request.actor;
  if (request.sessionStatus === 'expired') {
    throw new AppError(401, 'session_expired', 'Your session has expired. Sign in again to continue.');
  }
  throw new AppError(401, 'unauthenticated', 'Sign in to continue.');
}

const hashSessionId = (raw: string) => createHash('sha256').update(raw).digest('base64url');

async function sessionPlugin(fastify: FastifyInstance) {
  const { db, clock, config } = fastify;
  await fastify.register(fastifyCookie);

  const cookieOptions = (request: FastifyRequest) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
  });

  fastify.decorateRequest('actor', null);
  fastify.decorateRequest('sessionStatus', 'none');

  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/ws')) return;
    const raw = request.cookies[sessionCookie];
    if (!raw) return;
    const [row] = await db
      .select({
        idHash: sessions.idHash,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        userId: users.id,
        email: users.email,
        name: users.name,
        isPm: users.isPm,
        workspaceId: sessions.workspaceId,
        workspaceName: workspaces.name,
        // Read on every request, so a role change or removal takes effect on the member's next request.
        role: memberships.role,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
      .leftJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.workspaceId, sessions.workspaceId)))
      .where(eq(sessions.idHash, hashSessionId(raw)));
    if (!row) {
      // Unknown to us (pruned, forged, or from another database): forget it.
      reply.clearCookie(sessionCookie, { path: '/' });
      return;
    }
    const now = clock.now();
    const idleDeadline = row.lastSeenAt.getTime() + config.sessionIdleSeconds * 1000;
    if (now >= row.expiresAt || now.getTime() >= idleDeadline) {
      request.sessionStatus = 'expired';
      return;
    }
    // Removed from the current workspace: carry on in another of the user's workspaces, if any is left.
    const { workspaceId, workspaceName, role } = row;
    const workspace = role ? { workspaceId, workspaceName, role } : await firstWorkspaceOf(row.userId);
    if (!workspace) {
      request.sessionStatus = 'expired';
      return;
    }
    const moved = workspace.workspaceId !== row.workspaceId;
    if (moved || now.getTime() - row.lastSeenAt.getTime() >= touchIntervalMs) {
      await db.update(sessions).set({ lastSeenAt: now, workspaceId: workspace.workspaceId }).where(eq(sessions.idHash, row.idHash));
    }
    request.actor = { userId: row.userId, email: row.email, name: row.name, isPm: row.isPm, ...workspace };
    request.sessionStatus = 'active';
  });

  async function firstWorkspaceOf(userId: string) {
    const [workspace] = await db
      .select({ workspaceId: workspaces.id, workspaceName: workspaces.name, role: memberships.role })
      .from(memberships)
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .where(eq(memberships.userId, userId))
      .orderBy(asc(memberships.createdAt))
      .limit(1);
    return workspace;
  }

  fastify.decorate('requireActor', async (request: FastifyRequest) => {
    actorOf(request);
  });

  fastify.decorate('sessions', {
    async start(reply: FastifyReply, userId: string, workspaceId: string) {
      const raw = randomBytes(32).toString('base64url');
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + config.sessionAbsoluteSeconds * 1000);
      await db.insert(sessions).values({ idHash: hashSessionId(raw), userId, workspaceId, lastSeenAt: now, expiresAt, createdAt: now });
      // Housekeeping rides along with sign-ins instead of needing a scheduler.
      await db.delete(sessions).where(lt(sessions.expiresAt, new Date(now.getTime() - expiredRetentionMs)));
      reply.setCookie(sessionCookie, raw, { ...cookieOptions(reply.request), maxAge: config.sessionAbsoluteSeconds });
      return raw;
    },
    async expire(request: FastifyRequest) {
      const raw = request.cookies[sessionCookie];
      if (raw) await db.update(sessions).set({ expiresAt: clock.now() }).where(eq(sessions.idHash, hashSessionId(raw)));
    },
    async switchWorkspace(request: FastifyRequest, workspaceId: string) {
      const raw = request.cookies[sessionCookie];
      if (raw) await db.update(sessions).set({ workspaceId }).where(eq(sessions.idHash, hashSessionId(raw)));
    },
    async end(request: FastifyRequest, reply: FastifyReply) {
      const raw = request.cookies[sessionCookie];
      if (raw) await db.delete(sessions).where(eq(sessions.idHash, hashSessionId(raw)));
      reply.clearCookie(sessionCookie, { path: '/' });
    },
  });
}

export default fp(sessionPlugin, { name: 'session', dependencies: ['config', 'database'] });
