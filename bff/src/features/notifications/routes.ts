import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notificationListQuerySchema, notificationListSchema, notificationParamsSchema } from '#shared/contracts/notifications.ts';
import { streamName } from '#shared/realtime/messages.ts';
import { notFound } from '../../plugins/errors.ts';
import { actorOf } from '../../plugins/session.ts';
import { listNotifications, markRead, notificationExists, userStreamSnapshot } from './queries.ts';

const notificationRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { db, clock } = fastify;
  fastify.addHook('onRequest', fastify.requireActor);

  // `user:<id>` is the user's own stream, and nobody else's.
  fastify.realtime.defineStream('user', async (actor, id) => (id === actor.userId ? userStreamSnapshot(db, actor) : undefined));

  const announce = async (userId: string, seq: number | undefined) => {
    if (seq !== undefined) await fastify.realtime.publish(streamName('user', userId), { seq });
  };

  fastify.get('/notifications', { schema: { querystring: notificationListQuerySchema, response: { 200: notificationListSchema } } }, async (request) =>
    listNotifications(db, actorOf(request), request.query.limit),
  );

  fastify.post('/notifications/:id/read', { schema: { params: notificationParamsSchema, response: { 204: z.null() } } }, async (request, reply) => {
    const actor = actorOf(request);
    const seq = await markRead(db, actor, clock.now(), request.params.id);
    // Nothing changed: read already, or not the actor's (only then is it worth asking which).
    if (seq === undefined && !(await notificationExists(db, actor, request.params.id))) throw notFound('The notification');
    await announce(actor.userId, seq);
    return reply.code(204).send(null);
  });

  fastify.post('/notifications/read-all', { schema: { response: { 204: z.null() } } }, async (request, reply) => {
    const actor = actorOf(request);
    await announce(actor.userId, await markRead(db, actor, clock.now()));
    return reply.code(204).send(null);
  });
};

export default notificationRoutes;
