import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commentListSchema, commentSchema, createCommentBodySchema } from '#shared/contracts/comments.ts';
import { snipIdParamsSchema } from '#shared/contracts/snips.ts';
import { streamName } from '#shared/realtime/messages.ts';
import { AppError, notFound } from '../../plugins/errors.ts';
import { actorOf } from '../../plugins/session.ts';
import { notify } from '../notifications/queries.ts';
import { listMembers } from '../workspaces/queries.ts';
import { bumpSnipActivity, findSnip, snipStreamSnapshot } from '../snips/queries.ts';
import { snipFacts } from '../snips/policy.ts';
import { shareRecipients } from '../snips/share-queries.ts';
import { canComment, readersAmong } from './policy.ts';
import { insertComment, listComments, otherCommenters } from './queries.ts';

const commentRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { db, clock } = fastify;
  fastify.addHook('onRequest', fastify.requireActor);

  fastify.get('/snips/:id/comments', { schema: { params: snipIdParamsSchema, response: { 200: commentListSchema } } }, async (request) => {
    const actor = actorOf(request);
    if (!(await findSnip(db, actor, request.params.id))) throw notFound('The snip');
    return { comments: await listComments(db, actor, request.params.id) };
  });

  fastify.post(
    '/snips/:id/comments',
    { schema: { params: snipIdParamsSchema, body: createCommentBodySchema, response: { 201: commentSchema } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const snip = await findSnip(db, actor, request.params.id);
      if (!snip) throw notFound('The snip');
      if (!canComment(actor)) throw new AppError(403, 'forbidden', 'Viewers cannot comment.');
      const now = clock.now();
      const { comment, notified } = await db.transaction(async (tx) => {
        const comment = await insertComment(tx, actor, snip.id, request.body.body, now);
        await bumpSnipActivity(tx, actor, snip.id);
        // The author and earlier commenters, but only those who may still read the snip, and never the commenter.
        const candidates = new Set([...(await otherCommenters(tx, actor, snip.id)), snip.author.id]);
        candidates.delete(actor.userId);
        const members = new Set((await listMembers(tx, actor)).map((member) => member.userId));
        const sharedWith = new Set(await shareRecipients(tx, actor, snip.id));
        const recipients = readersAmong(candidates, snipFacts(snip), members, sharedWith);
        const notified = await notify(tx, recipients, { kind: 'comment', workspaceId: snip.workspaceId, actorId: actor.userId, snipId: snip.id, createdAt: now });
        return { comment, notified };
      });
      // After the commit: everyone watching the snip sees the comment count move; recipients' bells update.
      const live = await snipStreamSnapshot(db, actor, snip.id);
      if (live) await fastify.realtime.publish(streamName('snip', snip.id), live);
      for (const { userId, seq } of notified) await fastify.realtime.publish(streamName('user', userId), { seq });
      return reply.code(201).send(comment);
    },
  );
};

export default commentRoutes;
