import { useMutation, useQueryClient } from '@tanstack/react-query';
import { commentSchema, type Comment, type CreateCommentBody } from '#shared/contracts/comments.ts';
import { apiRequest } from '../../api/api-client.ts';
import { commentListQueryOptions, commentsPath } from './list-comments.ts';

/** POST /api/snips/:id/comments: 201 with the stored comment; 403 forbidden for viewers, 404 if the snip is gone. */
export function postComment(snipId: string, body: CreateCommentBody): Promise<Comment> {
  return apiRequest(commentsPath(snipId), { method: 'POST', body, schema: commentSchema });
}

export function useAddComment(snipId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCommentBody) => postComment(snipId, body),
    onSuccess: (comment) => {
      // Shown at once from the 201. The cached count then matches the stream's, so the live update this comment
      // causes refetches nothing; if others commented meanwhile, the counts differ and the list is read again.
      queryClient.setQueryData(commentListQueryOptions(snipId).queryKey, (list) =>
        list && !list.comments.some((known) => known.id === comment.id) ? { comments: [...list.comments, comment] } : list,
      );
    },
  });
}
