import { z } from 'zod';
import { jobKindSchema, jobStatusSchema } from './jobs.ts';

export const notificationKindSchema = z.enum(['comment', 'snip_shared', 'job_finished']);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

export const notificationSchema = z.object({
  id: z.uuid(),
  kind: notificationKindSchema,
  /** Who did it; null when that account is gone. */
  actorName: z.string().nullable(),
  /** What it is about, while the reader may still see it; null otherwise. */
  snip: z.object({ id: z.uuid(), title: z.string() }).nullable(),
  /** The job it is about (`job_finished`); null otherwise. */
  job: z.object({ id: z.uuid(), kind: jobKindSchema, status: jobStatusSchema }).nullable(),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const notificationListSchema = z.object({ items: z.array(notificationSchema), unread: z.number().int() });
export type NotificationList = z.infer<typeof notificationListSchema>;

export const notificationListQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(30) });
export const notificationParamsSchema = z.object({ id: z.uuid() });
