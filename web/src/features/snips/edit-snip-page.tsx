import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams, type LoaderFunctionArgs } from 'react-router';
import { isApiError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { NotAllowedState } from '../../ui/not-allowed-state.tsx';
import { useSession } from '../auth/get-session.ts';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { snipQueryOptions, useSnip, useSnipGone } from './get-snip.ts';
import { SnipEditor } from './snip-editor.tsx';
import { snipIdFrom } from './snip-id.ts';
import { canChangeSnip } from './snip-permissions.ts';
import { useSnipStream } from './snip-stream.ts';
import { useUpdateSnip } from './update-snip.ts';

export function editSnipLoader(queryClient: QueryClient) {
  return async ({ request, params }: LoaderFunctionArgs) => {
    const id = snipIdFrom(params);
    await requireUser(queryClient, request);
    // Edit what is current now, not what some list or page cached a while ago.
    await queryClient.fetchQuery({ ...snipQueryOptions(id), staleTime: 0 });
    return null;
  };
}

export function EditSnipPage() {
  const id = useParams().id ?? '';
  const snip = useSnip(id);
  const { user } = useSession();
  // Null for a moment while signing out: the page is on its way out.
  if (!user) return null;
  if (!canChangeSnip(user, snip)) {
    return (
      <NotAllowedState title="You can’t edit this snip" backTo={`/snips/${id}`} backLabel="Back to the snip">
        Viewers read snips; members change their own; owners and admins change any snip of their workspace.
      </NotAllowedState>
    );
  }
  return <SnipEditPage id={id} />;
}

function SnipEditPage({ id }: { id: string }) {
  const snip = useSnip(id);
  const update = useUpdateSnip(id);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  // The version the form was filled from. A background refetch may bring a newer snip; the form must keep
  // saving against the version the person actually saw, so that a concurrent save surfaces as a 409.
  const [baseVersion, setBaseVersion] = useState(snip.version);
  const [reloading, setReloading] = useState(false);
  // A save by someone else refreshes the cached snip (never the form: it was filled once, from `baseVersion`).
  useSnipStream(id);
  const gone = useSnipGone(id);

  async function loadLatest() {
    setReloading(true);
    try {
      const latest = await queryClient.fetchQuery({ ...snipQueryOptions(id), staleTime: 0 });
      update.reset();
      setBaseVersion(latest.version);
    } finally {
      setReloading(false);
    }
  }

  const conflict = isApiError(update.error, 'version_conflict');
  // Derived, not stored: the cache holds a newer version than the form was filled from. Not while our own save is
  // on its way (its answer is that newer version), and not once the save has met the conflict (it says so itself).
  const newerSaved = snip.version > baseVersion && !update.isPending && !update.isSuccess && !conflict && !gone;

  return (
    <section className="page page--narrow">
      <title>{`Edit ${snip.title} · Snipdesk`}</title>
      <header className="page__header">
        <h1>Edit snip</h1>
      </header>
      {newerSaved && (
        <Banner title="Someone saved a newer version">
          <p>Your edits are kept. Saving will ask you to reload their version first, so copy anything you want to keep.</p>
        </Banner>
      )}
      {gone && (
        <Banner title="This snip was deleted">
          <p>Or it is no longer shared with you, so your edits cannot be saved. They stay here until you leave: copy what you want to keep.</p>
        </Banner>
      )}
      <SnipEditor
        // A new base version starts the form over from the latest saved snip.
        key={baseVersion}
        initial={snip}
        submitLabel="Save changes"
        pending={update.isPending}
        error={update.error}
        errorActions={
          conflict && (
            <Button onClick={() => void loadLatest()} pending={reloading}>
              Discard my changes and load the latest
            </Button>
          )
        }
        cancelTo={`/snips/${id}`}
        onSubmit={(draft) =>
          update.mutate({ ...draft, version: baseVersion }, { onSuccess: (saved) => void navigate(`/snips/${saved.id}`) })
        }
      />
    </section>
  );
}
