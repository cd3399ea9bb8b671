import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { demoPassword } from '../../db/seed.ts';
import { memberships, users, workspaces } from '../../db/schema.ts';
import { hashPassword } from '../auth/password.ts';

/**
 * Controls for end-to-end tests, registered only when NODE_ENV=test (see app.ts), so that a browser test can
 * end a session mid-flow without waiting half an hour, or make a person of its own whom a flag can target without
 * touching what parallel tests see. In any other mode these routes do not exist.
 */
const testControlRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.post(
    '/test-only/session/expire',
    { onRequest: fastify.requireActor, schema: { hide: true, response: { 204: z.null() } } },
    async (request, reply) => {
      await fastify.sessions.expire(request);
      return reply.code(204).send(null);
    },
  );

  /** A new account (password: the demo password) owning a new workspace of its own; no session needed. */
  fastify.post(
    '/test-only/users',
    {
      schema: {
        hide: true,
        body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
        response: { 201: z.object({ id: z.uuid(), email: z.email(), name: z.string(), workspaceId: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const { name } = request.body;
      const email = `e2e-${randomUUID()}@example.com`;
      const passwordHash = await hashPassword(demoPassword);
      const created = await fastify.db.transaction(async (tx) => {
        const [user] = await tx.insert(users).values({ email, name, passwordHash }).returning({ id: users.id });
        const [workspace] = await tx.insert(workspaces).values({ name: `${name}’s workspace` }).returning({ id: workspaces.id });
        await tx.insert(memberships).values({ userId: user!.id, workspaceId: workspace!.id, role: 'owner' });
        return { id: user!.id, workspaceId: workspace!.id };
      });
      return reply.code(201).send({ ...created, email, name });
    },
  );
};

export default testControlRoutes;
