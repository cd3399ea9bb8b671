import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WorkspaceRole } from '#shared/contracts/session.ts';
import {
  addMemberBodySchema, changeRoleBodySchema, memberListSchema, memberParamsSchema, memberSchema, workspaceParamsSchema,
} from '#shared/contracts/workspaces.ts';
import { AppError, notFound } from '../../plugins/errors.ts';
import { actorOf, type Actor } from '../../plugins/session.ts';
import { canChangeMembership } from './policy.ts';
import { changeMembership, findUserIdByEmail, insertMembership, listMembers, workspaceStreamSnapshot } from './queries.ts';

const workspaceRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { db, clock } = fastify;
  fastify.addHook('onRequest', fastify.requireActor);

  fastify.realtime.defineStream('workspace', (actor, id) => workspaceStreamSnapshot(db, actor, id));

  /**
   * Members are managed in the current workspace only. The id in the path guards a tab that still shows another
   * workspace: its request answers 404 rather than acting on the wrong one.
   */
  const actorIn = (request: Parameters<typeof actorOf>[0], workspaceId: string): Actor => {
    const actor = actorOf(request);
    if (actor.workspaceId !== workspaceId) throw notFound('The workspace');
    return actor;
  };

  const findMember = async (actor: Actor, userId: string) => {
    const [member] = await listMembers(db, actor, userId);
    if (!member) throw notFound('The member');
    return member;
  };

  const assertAllowed = (actor: Actor, target: { userId: string; from: WorkspaceRole | null; to: WorkspaceRole | null }) => {
    if (!canChangeMembership(actor, target)) {
      throw new AppError(403, 'forbidden', target.from === 'owner' || target.to === 'owner'
        ? 'Only an owner can make or unmake owners.'
        : 'Only owners and admins can manage members.');
    }
  };

  fastify.get('/workspaces/:workspaceId/members', { schema: { params: workspaceParamsSchema, response: { 200: memberListSchema } } }, async (request) => ({
    members: await listMembers(db, actorIn(request, request.params.workspaceId)),
  }));

  fastify.post(
    '/workspaces/:workspaceId/members',
    { schema: { params: workspaceParamsSchema, body: addMemberBodySchema, response: { 201: memberSchema } } },
    async (request, reply) => {
      const actor = actorIn(request, request.params.workspaceId);
      const userId = await findUserIdByEmail(db, request.body.email);
      assertAllowed(actor, { userId: userId ?? '', from: null, to: request.body.role });
      if (!userId) throw new AppError(404, 'not_found', 'No Snipdesk account has that email address.');
      if (!(await insertMembership(db, actor, userId, request.body.role, clock.now()))) {
        throw new AppError(409, 'already_member', 'That person is a member already.');
      }
      return reply.code(201).send(await findMember(actor, userId));
    },
  );

  fastify.patch(
    '/workspaces/:workspaceId/members/:userId',
    { schema: { params: memberParamsSchema, body: changeRoleBodySchema, response: { 200: memberSchema } } },
    async (request) => {
      const actor = actorIn(request, request.params.workspaceId);
      const member = await findMember(actor, request.params.userId);
      assertAllowed(actor, { userId: member.userId, from: member.role, to: request.body.role });
      await changeMembership(db, actor, member.userId, request.body.role);
      await fastify.realtime.accessChanged(member.userId);
      return findMember(actor, member.userId);
    },
  );

  fastify.delete(
    '/workspaces/:workspaceId/members/:userId',
    { schema: { params: memberParamsSchema, response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = actorIn(request, request.params.workspaceId);
      const member = await findMember(actor, request.params.userId);
      assertAllowed(actor, { userId: member.userId, from: member.role, to: null });
      await changeMembership(db, actor, member.userId, null);
      await fastify.realtime.accessChanged(member.userId);
      return reply.code(204).send(null);
    },
  );
};

export default workspaceRoutes;
