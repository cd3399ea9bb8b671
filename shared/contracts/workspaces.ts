import { z } from 'zod';
import { emailFieldSchema, workspaceRoleSchema } from './session.ts';

export const workspaceParamsSchema = z.object({ workspaceId: z.uuid() });
export const memberParamsSchema = z.object({ workspaceId: z.uuid(), userId: z.uuid() });

export const memberSchema = z.object({
  userId: z.uuid(),
  name: z.string(),
  email: z.email(),
  role: workspaceRoleSchema,
  joinedAt: z.iso.datetime(),
});
export type Member = z.infer<typeof memberSchema>;

export const memberListSchema = z.object({ members: z.array(memberSchema) });
export type MemberList = z.infer<typeof memberListSchema>;

export const addMemberBodySchema = z.strictObject({ email: emailFieldSchema, role: workspaceRoleSchema });
export type AddMemberBody = z.infer<typeof addMemberBodySchema>;

export const changeRoleBodySchema = z.strictObject({ role: workspaceRoleSchema });
export type ChangeRoleBody = z.infer<typeof changeRoleBodySchema>;

/** PUT /api/session/workspace: make another of the user's workspaces the current one. */
export const switchWorkspaceBodySchema = z.strictObject({ workspaceId: z.uuid() });
export type SwitchWorkspaceBody = z.infer<typeof switchWorkspaceBodySchema>;
