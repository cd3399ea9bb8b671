import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { profileSchema, sessionStateSchema, signInBodySchema, type SessionUser } from '#shared/contracts/session.ts';
import { switchWorkspaceBodySchema } from '#shared/contracts/workspaces.ts';
import { actorOf, membershipsOf, type Actor } from '../../plugins/session.ts';
import { AppError, notFound } from '../../plugins/errors.ts';
import { findWorkspace } from '../workspaces/queries.ts';
import { verifyPassword } from './password.ts';
import { findUserByEmail } from './queries.ts';
import { createSignInLimiter } from './sign-in-limiter.ts';

const toSessionUser = (actor: Actor): SessionUser => ({
  id: actor.userId,
  email: actor.email,
  name: actor.name,
  isPm: actor.isPm,
  workspace: { id: actor.workspaceId, name: actor.workspaceName, role: actor.role },
});

const authRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const limiter = createSignInLimiter();

  fastify.get('/session', { schema: { response: { 200: sessionStateSchema } } }, async (request, reply) => ({
    user: request.actor ? toSessionUser(request.actor) : null,
    csrfToken: fastify.csrf.tokenFor(request, reply),
  }));

  fastify.post(
    '/session',
    { schema: { body: signInBodySchema, response: { 200: sessionStateSchema } } },
    async (request, reply) => {
      const email = request.body.email.toLowerCase();
      await limiter.admit(email, request.ip);
      const user = await findUserByEmail(fastify.db, email);
      if (!(await verifyPassword(user?.passwordHash, request.body.password)) || !user) {
        await limiter.recordFailure(email, request.ip);
        throw new AppError(401, 'invalid_credentials', 'The email or password is not right.');
      }
      const [home] = await membershipsOf(fastify.db, user.id);
      if (!home) throw new AppError(403, 'forbidden', 'This account does not belong to any workspace yet.');
      await limiter.recordSuccess(email, request.ip);
      // A new id at every sign-in: a session id planted before sign-in is worthless after it.
      await fastify.sessions.end(request, reply);
      const rawSessionId = await fastify.sessions.start(reply, user.id, home.workspaceId);
      return {
        user: toSessionUser({ userId: user.id, email: user.email, name: user.name, isPm: user.isPm, ...home }),
        csrfToken: fastify.csrf.tokenForSession(rawSessionId),
      };
    },
  );

  fastify.delete('/session', { schema: { response: { 204: z.null() } } }, async (request, reply) => {
    await fastify.sessions.end(request, reply);
    return reply.code(204).send(null);
  });

  fastify.put(
    '/session/workspace',
    { onRequest: fastify.requireActor, schema: { body: switchWorkspaceBodySchema, response: { 200: sessionStateSchema } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const workspace = await findWorkspace(fastify.db, actor, request.body.workspaceId);
      if (!workspace) throw notFound('The workspace');
      await fastify.sessions.switchWorkspace(request, workspace.workspaceId);
      // The session's other tabs now see another workspace: their subscriptions are re-checked.
      await fastify.realtime.accessChanged(actor.userId);
      return { user: toSessionUser({ ...actor, ...workspace }), csrfToken: fastify.csrf.tokenFor(request, reply) };
    },
  );

  fastify.get(
    '/me',
    { onRequest: fastify.requireActor, schema: { response: { 200: profileSchema } } },
    async (request) => {
      const actor = actorOf(request);
      return {
        id: actor.userId,
        email: actor.email,
        name: actor.name,
        isPm: actor.isPm,
        currentWorkspaceId: actor.workspaceId,
        memberships: await membershipsOf(fastify.db, actor.userId),
      };
    },
  );
};

export default authRoutes;
