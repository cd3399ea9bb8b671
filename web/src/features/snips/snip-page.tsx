import { useIsMutating, type QueryClient } from '@tanstack/react-query';
import { Link, useParams, type LoaderFunctionArgs } from 'react-router';
import { describeError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button, ButtonLink } from '../../ui/button.tsx';
import { useSession } from '../auth/get-session.ts';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { CommentsSection } from '../comments/comments-section.tsx';
import { commentListQueryOptions } from '../comments/list-comments.ts';
import { workspaceKeys } from '../workspaces/workspace-keys.ts';
import { CodeBlock } from './code-block.tsx';
import { useDeleteSnip } from './delete-snip.ts';
import { snipQueryOptions, useSnip, useSnipGone } from './get-snip.ts';
import { PublicLink } from './public-link.tsx';
import { snipIdFrom } from './snip-id.ts';
import { SnipMeta, SnipTags } from './snip-meta.tsx';
import { canChangeSnip, canShareSnip } from './snip-permissions.ts';
import { SnipSharePanel } from './snip-share-panel.tsx';
import { useSnipStream } from './snip-stream.ts';
import { SnipViewerList } from './snip-viewer-list.tsx';
import { useSnipViewers } from './snip-viewers.ts';
import './snips.css';

export function snipLoader(queryClient: QueryClient) {
  return async ({ request, params }: LoaderFunctionArgs) => {
    const id = snipIdFrom(params);
    await requireUser(queryClient, request);
    // The comments load beside the snip, not before it: the page shows as soon as the snip is there.
    void queryClient.prefetchQuery(commentListQueryOptions(id));
    await queryClient.ensureQueryData(snipQueryOptions(id));
    return null;
  };
}

export function SnipPage() {
  const id = useParams().id ?? '';
  const snip = useSnip(id);
  const { user } = useSession();
  const deletion = useDeleteSnip(id);
  // Someone else's edit shows up here as it is saved; their delete, as the notice below. Not followed from our own
  // delete on, nor from the moment the session starts moving to another workspace (whose answer to the switch
  // races the stream's `ended`): the page is on its way out, with nothing to read again.
  const switchingWorkspace = useIsMutating({ mutationKey: workspaceKeys.switching() }) > 0;
  const leaving = deletion.isPending || deletion.isSuccess || switchingWorkspace || user?.workspace.id !== snip.workspaceId;
  useSnipStream(leaving ? null : id);
  const viewers = useSnipViewers(id, user?.id);
  const gone = useSnipGone(id);
  const changeable = canChangeSnip(user, snip) && !gone;

  return (
    <article className="page">
      <title>{`${snip.title} · Snipdesk`}</title>
      <p className="breadcrumb">
        <Link to="/snips">← All snips</Link>
      </p>
      <header className="page__header">
        <h1>{snip.title}</h1>
        {changeable && (
          <div className="page__actions">
            <ButtonLink to={`/snips/${snip.id}/edit`}>Edit</ButtonLink>
            {/* Declarative confirm: the click reaches onClick only once the person has confirmed in the modal. */}
            <Button
              variant="danger"
              data-confirm={`“${snip.title}” will be deleted for everyone in ${user?.workspace.name ?? 'this workspace'}. This cannot be undone.`}
              data-confirm-title="Delete this snip?"
              data-confirm-label="Delete snip"
              data-confirm-tone="danger"
              pending={deletion.isPending}
              onClick={() => deletion.mutate()}
            >
              Delete
            </Button>
          </div>
        )}
      </header>
      {gone && (
        <Banner title="This snip was deleted">
          <p>Or it is no longer shared with you. What you see is the last version you loaded.</p>
        </Banner>
      )}
      {!gone && <SnipViewerList viewers={viewers} />}
      {deletion.error && <Banner tone="error">{describeError(deletion.error)}</Banner>}
      <SnipMeta snip={snip} />
      <SnipTags tags={snip.tags} />
      {/* The cached snip is the one the last save returned, so a new or revoked link shows at once. */}
      {!gone && snip.visibility === 'public' && snip.publicSlug && <PublicLink key={snip.publicSlug} slug={snip.publicSlug} />}
      <CodeBlock body={snip.body} language={snip.language} />
      {!gone && user && canShareSnip(user, snip) && <SnipSharePanel key={`sharing-${snip.id}`} snip={snip} user={user} />}
      <CommentsSection key={snip.id} snipId={snip.id} user={user} gone={gone} />
    </article>
  );
}
