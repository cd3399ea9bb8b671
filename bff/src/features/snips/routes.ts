import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createSnipBodySchema, snipIdParamsSchema, snipListQuerySchema, snipPageSchema, snipSchema, updateSnipBodySchema,
} from '#shared/contracts/snips.ts';
import { AppError, notFound } from '../../plugins/errors.ts';
import { actorOf, type Actor } from '../../plugins/session.ts';
import { streamName } from '#shared/realtime/messages.ts';
import type { Database } from '../../db/client.ts';
import type { StreamSnapshot } from '../../plugins/realtime.ts';
import { bumpWorkspaceActivity } from '../workspaces/queries.ts';
import { canCreateSnip, canDeleteSnip, canEditSnip, snipFacts } from './policy.ts';
import { deleteSnip, findSnip, insertSnip, listSnips, snipStreamSnapshot, updateSnip } from './queries.ts';
import { dropSharesByOthers } from './share-queries.ts';
import shareRoutes from './share-routes.ts';

const snipRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { db, clock } = fastify;
  fastify.addHook('onRequest', fastify.requireActor);

  /** After the commit: the workspace's stream moved (`bumpWorkspaceActivity`) in the change's transaction. */
  const announceWorkspaceChange = async (actor: Actor, live: StreamSnapshot | undefined) => {
    if (live) await fastify.realtime.publish(streamName('workspace', actor.workspaceId), live);
  };

  fastify.realtime.defineStream('snip', (actor, id) => snipStreamSnapshot(db, actor, id), { presence: true });
  await fastify.register(shareRoutes);

  const findVisibleSnip = async (actor: Actor, id: string, database: Database = db) => {
    const snip = await findSnip(database, actor, id);
    // Not visible and not existing look the same from outside: 404 either way.
    if (!snip) throw notFound('The snip');
    return snip;
  };

  fastify.get('/snips', { schema: { querystring: snipListQuerySchema, response: { 200: snipPageSchema } } }, async (request) => {
    const { limit, cursor: after, ...filters } = request.query;
    return listSnips(db, actorOf(request), { limit, after, filters });
  });

  fastify.post('/snips', { schema: { body: createSnipBodySchema, response: { 201: snipSchema } } }, async (request, reply) => {
    const actor = actorOf(request);
    if (!canCreateSnip(actor)) throw new AppError(403, 'forbidden', 'Viewers cannot create snips.');
    // A create retried after signing in again (same Idempotency-Key) lands once.
    let workspaceChange: StreamSnapshot | undefined;
    const snip = await fastify.idempotently(request, reply, async (tx) => {
      const id = await insertSnip(tx, actor, request.body, clock.now());
      workspaceChange = await bumpWorkspaceActivity(tx, actor);
      return { statusCode: 201, body: await findVisibleSnip(actor, id, tx) };
    });
    await announceWorkspaceChange(actor, workspaceChange);
    return snip;
  });

  fastify.get('/snips/:id', { schema: { params: snipIdParamsSchema, response: { 200: snipSchema } } }, async (request) =>
    findVisibleSnip(actorOf(request), request.params.id),
  );

  fastify.patch(
    '/snips/:id',
    { schema: { params: snipIdParamsSchema, body: updateSnipBodySchema, response: { 200: snipSchema } } },
    async (request, reply) => {
      const actor = actorOf(request);
      let workspaceChange: StreamSnapshot | undefined;
      // One transaction (idempotently's), so a 409 also undoes the shares dropped on the way to private.
      const snip = await fastify.idempotently(request, reply, async (tx) => {
        const snip = await findVisibleSnip(actor, request.params.id, tx);
        if (!canEditSnip(actor, snipFacts(snip))) {
          throw new AppError(403, 'forbidden', 'You cannot edit this snip.');
        }
        // Before the change: once private, the snip (and so its shares) may be out of the editor's sight.
        if (request.body.visibility === 'private') await dropSharesByOthers(tx, actor, snip.id, snip.author.id);
        if (!(await updateSnip(tx, actor, snip.id, request.body, clock.now()))) {
          throw new AppError(409, 'version_conflict', 'Someone saved this snip after you opened it. Reload to see their changes.', {
            details: { currentVersion: snip.version },
          });
        }
        workspaceChange = await bumpWorkspaceActivity(tx, actor);
        return { statusCode: 200, body: await findVisibleSnip(actor, snip.id, tx) };
      });
      await announceWorkspaceChange(actor, workspaceChange);
      const live = await snipStreamSnapshot(db, actor, snip.id);
      // A visibility change may change who may watch: then every subscriber is authorized again.
      if (live) await fastify.realtime.publish(streamName('snip', snip.id), request.body.visibility === undefined ? live : { seq: live.seq });
      return snip;
    },
  );

  fastify.delete('/snips/:id', { schema: { params: snipIdParamsSchema, response: { 204: z.null() } } }, async (request, reply) => {
    const actor = actorOf(request);
    const snip = await findVisibleSnip(actor, request.params.id);
    if (!canDeleteSnip(actor, snipFacts(snip))) {
      throw new AppError(403, 'forbidden', 'You cannot delete this snip.');
    }
    const live = await snipStreamSnapshot(db, actor, snip.id);
    const workspaceChange = await db.transaction(async (tx) => {
      await deleteSnip(tx, actor, snip.id);
      return bumpWorkspaceActivity(tx, actor);
    });
    await announceWorkspaceChange(actor, workspaceChange);
    if (live) {
      await fastify.realtime.publish(streamName('snip', snip.id), { seq: live.seq + 1, state: { ...live.state, deleted: true } });
    }
    return reply.code(204).send(null);
  });
};

export default snipRoutes;
