import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Controls for end-to-end tests, registered only when NODE_ENV=test (see app.ts), so that a browser test can
 * end a session mid-flow without waiting half an hour. In any other mode these routes do not exist.
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
};

export default testControlRoutes;
