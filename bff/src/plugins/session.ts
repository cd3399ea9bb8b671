import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import { and, asc, eq, lt } from 'drizzle-orm';
import type { WorkspaceRole } from '#shared/contracts/session.ts';
import { sessionEndReasons, type SessionEndReason } from '#shared/realtime/messages.ts';
import type { Database } from '../db/client.ts';
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

export type ResolvedSession = { status: 'active'; actor: Actor } | { status: 'expired' } | { status: 'unknown' };

/** Channel-layer stream on which a session's end is announced, so every instance can close its sockets at once. */
export const sessionEndedStream = (idHash: string) => `control:session-ended:${idHash}`;

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
      /** The session behind a cookie hash as it stands now, without counting this as activity. */
      resolve(idHash: string): Promise<ResolvedSession>;
      /**
       * The actor a background job acts as: its owner in the workspace it was started in, with their role as it is
       * now; undefined once they are no longer a member there.
       */
      actorIn(userId: string, workspaceId: string): Promise<Actor | undefined>;
    };
    /** onRequest hook for routes that need a signed-in user: answers 401 before the body is even parsed. */
    requireActor(request: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionStatus: SessionStatus;
    /** SHA-256 of the session cookie, when the request carried one. */
    sessionIdHash: string | null;
  }
}

/** The session cookie's name over plain http (local development, e2e); see `cookieNameFor` for https. */
export const sessionCookie = 'snipdesk_session';
/**
 * Over https cookies carry the `__Host-` prefix: a browser accepts such a cookie only Secure, with Path=/ and no
 * Domain, so neither a sibling subdomain nor a plain-http page on the same host can plant or overwrite it.
 */
export const cookieNameFor = (request: FastifyRequest, name: string) => (request.protocol === 'https' ? `__Host-${name}` : name);
/**
 * SameSite=Lax, not Strict: a link to a snip in an email or chat is a top-level navigation from another site, and it
 * must open signed in. Unsafe requests are guarded by the CSRF token and the Origin check instead.
 */
export const cookieOptionsFor = (request: FastifyRequest) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: request.protocol === 'https',
});
/**
 * The idle clock is written at most this often, so reads do not each cost a write; a session may end up to this much
 * before its idle time, so it is 10 % of that time, and never more than a minute.
 */
const touchIntervalMsFor = (idleSeconds: number) => Math.min(60_000, idleSeconds * 100);
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

/** Who the actor is, whichever way the workspace part is found. */
const actorUserColumns = { userId: users.id, email: users.email, name: users.name, isPm: users.isPm };

/**
 * The user's workspaces, oldest membership first: the first is where a fresh session starts, and where a session
 * carries on when its member is removed from the current one.
 */
export function membershipsOf(db: Database, userId: string) {
  return db
    .select({ workspaceId: workspaces.id, workspaceName: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(workspaces.name));
}

const hashSessionId = (raw: string) => createHash('sha256').update(raw).digest('base64url');

async function sessionPlugin(fastify: FastifyInstance) {
  const { db, clock, config } = fastify;
  await fastify.register(fastifyCookie);

  const touchIntervalMs = touchIntervalMsFor(config.sessionIdleSeconds);

  fastify.decorateRequest('actor', null);
  fastify.decorateRequest('sessionStatus', 'none');
  fastify.decorateRequest('sessionIdHash', null);

  /**
   * What a session id hash stands for now. `touch` records activity for the idle timeout (HTTP requests do;
   * the WebSocket gateway's periodic checks do not, so an open tab alone does not keep a session alive).
   */
  async function resolveSession(idHash: string, { touch }: { touch: boolean }): Promise<ResolvedSession> {
    const [row] = await db
      .select({
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        ...actorUserColumns,
        workspaceId: sessions.workspaceId,
        workspaceName: workspaces.name,
        // Read every time, so a role change or removal takes effect on the member's next request.
        role: memberships.role,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
      .leftJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.workspaceId, sessions.workspaceId)))
      .where(eq(sessions.idHash, idHash));
    if (!row) return { status: 'unknown' };
    const now = clock.now();
    const idleDeadline = row.lastSeenAt.getTime() + config.sessionIdleSeconds * 1000;
    if (now >= row.expiresAt || now.getTime() >= idleDeadline) return { status: 'expired' };
    // Removed from the current workspace: carry on in another of the user's workspaces, if any is left.
    const { workspaceId, workspaceName, role } = row;
    const workspace = role ? { workspaceId, workspaceName, role } : (await membershipsOf(db, row.userId).limit(1))[0];
    if (!workspace) return { status: 'expired' };
    const moved = workspace.workspaceId !== row.workspaceId;
    if (moved || (touch && now.getTime() - row.lastSeenAt.getTime() >= touchIntervalMs)) {
      await db
        .update(sessions)
        .set({ workspaceId: workspace.workspaceId, ...(touch ? { lastSeenAt: now } : {}) })
        .where(eq(sessions.idHash, idHash));
    }
    const { userId, email, name, isPm } = row;
    return { status: 'active', actor: { userId, email, name, isPm, ...workspace } };
  }

  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/ws')) return;
    const raw = request.cookies[cookieNameFor(request, sessionCookie)];
    if (!raw) return;
    request.sessionIdHash = hashSessionId(raw);
    const session = await resolveSession(request.sessionIdHash, { touch: true });
    if (session.status === 'unknown') {
      // Unknown to us (pruned, forged, or from another database): forget it.
      reply.clearCookie(cookieNameFor(request, sessionCookie), cookieOptionsFor(request));
      return;
    }
    request.sessionStatus = session.status;
    if (session.status === 'active') request.actor = session.actor;
  });

  // Published after the change is stored; a lost announcement is caught by the gateway's periodic check.
  const announceEnd = (idHash: string, reason: SessionEndReason) =>
    fastify.channels.publish(sessionEndedStream(idHash), { reason }).catch((error) => fastify.log.warn({ err: error }, 'announcing a session end'));

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
      reply.setCookie(cookieNameFor(reply.request, sessionCookie), raw, { ...cookieOptionsFor(reply.request), maxAge: config.sessionAbsoluteSeconds });
      return raw;
    },
    async expire(request: FastifyRequest) {
      if (!request.sessionIdHash) return;
      await db.update(sessions).set({ expiresAt: clock.now() }).where(eq(sessions.idHash, request.sessionIdHash));
      await announceEnd(request.sessionIdHash, sessionEndReasons.expired);
    },
    async switchWorkspace(request: FastifyRequest, workspaceId: string) {
      if (request.sessionIdHash) await db.update(sessions).set({ workspaceId }).where(eq(sessions.idHash, request.sessionIdHash));
    },
    async end(request: FastifyRequest, reply: FastifyReply) {
      const raw = request.cookies[cookieNameFor(request, sessionCookie)];
      if (!raw) return;
      reply.clearCookie(cookieNameFor(request, sessionCookie), cookieOptionsFor(request));
      await db.delete(sessions).where(eq(sessions.idHash, hashSessionId(raw)));
      await announceEnd(hashSessionId(raw), sessionEndReasons.signedOut);
    },
    resolve: (idHash: string) => resolveSession(idHash, { touch: false }),
    async actorIn(userId: string, workspaceId: string) {
      const [row] = await db
        .select({ ...actorUserColumns, workspaceId: workspaces.id, workspaceName: workspaces.name, role: memberships.role })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)));
      return row satisfies Actor | undefined;
    },
  });
}

export default fp(sessionPlugin, { name: 'session', dependencies: ['config', 'database', 'channels'] });
