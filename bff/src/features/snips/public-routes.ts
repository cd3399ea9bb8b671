import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { publicSnipParamsSchema, publicSnipSchema } from '#shared/contracts/snips.ts';
import { notFound } from '../../plugins/errors.ts';
import { findPublicSnip } from './queries.ts';

/** The public link: readable signed out, and by signed-in people of any workspace. */
const publicSnipRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/public/snips/:slug',
    { schema: { params: publicSnipParamsSchema, response: { 200: publicSnipSchema } } },
    async (request, reply) => {
      const snip = await findPublicSnip(fastify.db, request.actor, request.params.slug);
      if (!snip) throw notFound('The snip');
      // Revocable at any moment (made private), so shared caches must not keep it.
      reply.header('cache-control', 'no-store');
      return snip;
    },
  );
};

export default publicSnipRoutes;
