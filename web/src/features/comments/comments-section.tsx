import { useId, useState, type FormEvent } from 'react';
import type { Comment } from '#shared/contracts/comments.ts';
import { commentLimits, createCommentBodySchema } from '#shared/contracts/comments.ts';
import type { SessionUser } from '#shared/contracts/session.ts';
import { describeError, isApiError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { TextAreaField } from '../../ui/form-field.tsx';
import { LoadingState } from '../../ui/loading-state.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { useAddComment } from './add-comment.ts';
import { canComment } from './comment-permissions.ts';
import { useCommentStream } from './comment-stream.ts';
import { useComments } from './list-comments.ts';
import './comments.css';

export interface CommentsSectionProps {
  snipId: string;
  user: SessionUser | null;
  /** The snip answered 404 since it was loaded: keep what was read, take nothing new. */
  gone: boolean;
}

/** The conversation under a snip: oldest first, live while the page is open. */
export function CommentsSection({ snipId, user, gone }: CommentsSectionProps) {
  const headingId = useId();
  const comments = useComments(snipId);
  useCommentStream(snipId);
  const list = comments.data?.comments;

  return (
    <section className="comments" aria-labelledby={headingId}>
      <h2 id={headingId} className="comments__heading">
        Comments{list && list.length > 0 ? ` (${list.length})` : ''}
      </h2>
      {comments.isPending && <LoadingState label="Loading comments…" />}
      {/* A failed refetch keeps the comments already read; the snip page says it when the snip is gone. */}
      {comments.error && !list && !gone && (
        <Banner tone="error" title="Could not load the comments." actions={<Button onClick={() => void comments.refetch()}>Try again</Button>}>
          {describeError(comments.error)}
        </Banner>
      )}
      {list && (list.length === 0 ? <p className="comments__empty">No comments yet.</p> : <CommentList comments={list} />)}
      {canComment(user) && !gone && <CommentForm snipId={snipId} />}
    </section>
  );
}

function CommentList({ comments }: { comments: Comment[] }) {
  return (
    <ol className="comment-list">
      {comments.map((comment) => (
        <li key={comment.id} className="comment">
          <p className="comment__meta">
            <span className="comment__author">{comment.author.name}</span> · <RelativeTime iso={comment.createdAt} />
          </p>
          {/* Plain text: React escapes it, and CSS keeps the writer's line breaks. */}
          <p className="comment__body">{comment.body}</p>
        </li>
      ))}
    </ol>
  );
}

function CommentForm({ snipId }: { snipId: string }) {
  const [body, setBody] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  const addComment = useAddComment(snipId);
  // A 400 names the field; anything else (403 after a role change, 404, the network) is said above the form.
  const fieldError = invalid ?? (isApiError(addComment.error, 'invalid_request') ? addComment.error.fieldIssues.find((issue) => issue.path === 'body')?.message : undefined);
  const otherError = addComment.error && !isApiError(addComment.error, 'invalid_request') ? addComment.error : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The contract's own rules (trimmed, 1 to 5000 characters), checked before anything is sent.
    const parsed = createCommentBodySchema.safeParse({ body });
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? 'This comment cannot be posted.');
      return;
    }
    setInvalid(undefined);
    addComment.mutate(parsed.data, { onSuccess: () => setBody('') });
  };

  return (
    <form className="comment-form" onSubmit={submit} noValidate>
      {otherError && <Banner tone="error" title="Your comment was not posted.">{describeError(otherError)}</Banner>}
      <TextAreaField
        label="Add a comment"
        name="body"
        rows={3}
        value={body}
        maxLength={commentLimits.bodyMax}
        error={fieldError}
        onChange={(event) => {
          setBody(event.target.value);
          if (invalid) setInvalid(undefined);
        }}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" pending={addComment.isPending}>
          Comment
        </Button>
      </div>
    </form>
  );
}
