import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { shareSnipBodySchema, snipShareListSchema, snipShareParamsSchema, snipShareSchema } from '#shared/contracts/snip-shares.ts';
import { snipIdParamsSchema } from '#shared/contracts/snips.ts';
import { streamName } from '#shared/realtime/messages.ts';
import type { Database } from '../../db/client.ts';
import { AppError, notFound } from '../../plugins/errors.ts';
import { actorOf, type Actor } from '../../plugins/session.ts';
import { notify } from '../notifications/queries.ts';
import { listMembers } from '../workspaces/queries.ts';
import { canRevokeShare, canShareSnip, snipFacts } from './policy.ts';
import { findSnip } from './queries.ts';
import { deleteShare, findShare, insertShare, listShares } from './share-queries.ts';

const recipientIssue = (status: 400 | 422, message: string) =>
  new AppError(status, 'invalid_request', `The snip cannot be shared with that person. ${message}`, {
    details: { issues: [{ location: 'body', path: 'userId', message }] },
  });

/** Sharing a snip with members of its workspace: registered inside the snips plugin, under its hooks. */
const shareRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { db, clock } = fastify;

  /** The snip, if the actor may see it (404 otherwise, as for any read) and may share it (403 otherwise). */
  const findShareableSnip = async (actor: Actor, id: string, database: Database = db) => {
    const snip = await findSnip(database, actor, id);
    if (!snip) throw notFound('The snip');
    if (!canShareSnip(actor, snipFacts(snip))) {
      throw new AppError(403, 'forbidden', actor.role === 'viewer' ? 'Viewers cannot share snips.' : 'Only its author can share a private snip.');
    }
    return snip;
  };

  fastify.get('/snips/:id/shares', { schema: { params: snipIdParamsSchema, response: { 200: snipShareListSchema } } }, async (request) => {
    const actor = actorOf(request);
    const snip = await findShareableSnip(actor, request.params.id);
    return { shares: await listShares(db, actor, snip.id) };
  });

  fastify.post(
    '/snips/:id/shares',
    { schema: { params: snipIdParamsSchema, body: shareSnipBodySchema, response: { 200: snipShareSchema, 201: snipShareSchema } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const { userId } = request.body;
      let notified: { userId: string; seq: number }[] = [];
      // A retry with the same Idempotency-Key replays the first answer; sharing again without one answers 200.
      const share = await fastify.idempotently(request, reply, async (tx) => {
        const snip = await findShareableSnip(actor, request.params.id, tx);
        if (userId === actor.userId) throw recipientIssue(400, 'You cannot share a snip with yourself.');
        // The snip is in the actor's current workspace (the scope says so), so its members are the actor's.
        if ((await listMembers(tx, actor, userId)).length === 0) throw recipientIssue(422, 'They are not a member of this workspace.');
        const now = clock.now();
        const created = await insertShare(tx, actor, snip.id, userId, now);
        if (created) {
          notified = await notify(tx, [userId], { kind: 'snip_shared', workspaceId: snip.workspaceId, actorId: actor.userId, snipId: snip.id, createdAt: now });
        }
        return { statusCode: created ? 201 : 200, body: (await findShare(tx, actor, snip.id, userId))! };
      });
      // After the commit: the recipient's bell counts it at once.
      for (const recipient of notified) await fastify.realtime.publish(streamName('user', recipient.userId), { seq: recipient.seq });
      return share;
    },
  );

  fastify.delete(
    '/snips/:id/shares/:userId',
    { schema: { params: snipShareParamsSchema, response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const snip = await findSnip(db, actor, request.params.id);
      if (!snip) throw notFound('The snip');
      const share = await findShare(db, actor, snip.id, request.params.userId);
      if (!share) throw notFound('The share');
      if (!canRevokeShare(actor, snipFacts(snip), { sharedBy: share.sharedBy?.id ?? null })) {
        throw new AppError(403, 'forbidden', 'Only the snip’s author or the person who shared it can stop sharing it.');
      }
      await deleteShare(db, actor, snip.id, share.userId);
      // Without the share a private snip is out of the recipient's sight: their open stream of it ends now.
      if (snip.visibility === 'private') await fastify.realtime.accessChanged(share.userId);
      return reply.code(204).send(null);
    },
  );
};

export default shareRoutes;
