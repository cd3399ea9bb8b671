import { z } from 'zod';

export const workspaceRoles = ['owner', 'admin', 'member', 'viewer'] as const;
export const workspaceRoleSchema = z.enum(workspaceRoles, { error: 'Choose a role from the list.' });
export type WorkspaceRole = z.infer<typeof workspaceRoleSchema>;

export const sessionUserSchema = z.object({
  id: z.uuid(),
  email: z.email(),
  name: z.string(),
  /** Global product-manager role: may use the flags console. */
  isPm: z.boolean(),
  workspace: z.object({
    id: z.uuid(),
    name: z.string(),
    role: workspaceRoleSchema,
  }),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

/** GET /api/session and POST /api/session. `user` is null when signed out. */
export const sessionStateSchema = z.object({
  user: sessionUserSchema.nullable(),
  csrfToken: z.string(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

/** Typed by a person: the messages are the sentences the forms show beside the field. */
export const emailFieldSchema = z
  .email({ error: 'Enter an email address, like name@example.com.' })
  .max(254, 'An email address has at most 254 characters.');

export const signInBodySchema = z.strictObject({
  email: emailFieldSchema,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(1024, 'A password has at most 1,024 characters.'),
});
export type SignInBody = z.infer<typeof signInBodySchema>;

export const membershipSchema = z.object({
  workspaceId: z.uuid(),
  workspaceName: z.string(),
  role: workspaceRoleSchema,
});

/** GET /api/me */
export const profileSchema = z.object({
  id: z.uuid(),
  email: z.email(),
  name: z.string(),
  isPm: z.boolean(),
  currentWorkspaceId: z.uuid(),
  memberships: z.array(membershipSchema),
});
export type Profile = z.infer<typeof profileSchema>;

export const csrfHeader = 'x-csrf-token';

/**
 * Sent by the fetch client with every unsafe request, the same key on each retry of one call. The BFF stores the
 * first response per user and key (creating or changing a snip, sharing it, starting or retrying a job) and
 * replays it, so a retried change lands once.
 */
export const idempotencyHeader = 'idempotency-key';
