import { z } from 'zod';

/**
 * A snip shared with one member of its workspace. For a private snip the share is what lets that member read it;
 * for any other it only points them at it (they could read it already).
 */
export const snipShareSchema = z.object({
  userId: z.uuid(),
  name: z.string(),
  /** Who shared it; null once that account is gone. */
  sharedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  sharedAt: z.iso.datetime(),
});
export type SnipShare = z.infer<typeof snipShareSchema>;

/** Oldest share first. Only for those who may share the snip. */
export const snipShareListSchema = z.object({ shares: z.array(snipShareSchema) });
export type SnipShareList = z.infer<typeof snipShareListSchema>;

/**
 * POST /api/snips/:id/shares: a member of the snip's workspace, by user id. 201 and a notification when it is new;
 * 200 with the share as it was, and no second notification, when the snip was shared with them already.
 */
export const shareSnipBodySchema = z.strictObject({ userId: z.uuid() });
export type ShareSnipBody = z.infer<typeof shareSnipBodySchema>;

export const snipShareParamsSchema = z.object({ id: z.uuid(), userId: z.uuid() });
