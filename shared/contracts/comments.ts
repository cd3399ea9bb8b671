import { z } from 'zod';
import { hasVisibleCharacter, storableText } from './text.ts';

export const commentLimits = { bodyMax: 5_000, pageMax: 200 } as const;

export const commentSchema = z.object({
  id: z.uuid(),
  author: z.object({ id: z.uuid(), name: z.string() }),
  body: z.string(),
  createdAt: z.iso.datetime(),
});
export type Comment = z.infer<typeof commentSchema>;

/** Oldest first: a conversation reads top to bottom. The newest `pageMax` are kept when there are more. */
export const commentListSchema = z.object({ comments: z.array(commentSchema) });
export type CommentList = z.infer<typeof commentListSchema>;

export const createCommentBodySchema = z.strictObject({
  body: storableText({ error: 'Write something first.' })
    .trim()
    .refine(hasVisibleCharacter, 'Write something first.')
    .max(commentLimits.bodyMax, `A comment has at most ${commentLimits.bodyMax.toLocaleString('en')} characters.`),
});
export type CreateCommentBody = z.infer<typeof createCommentBodySchema>;
