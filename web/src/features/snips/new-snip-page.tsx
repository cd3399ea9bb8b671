import type { QueryClient } from '@tanstack/react-query';
import { useNavigate, type LoaderFunctionArgs } from 'react-router';
import { NotAllowedState } from '../../ui/not-allowed-state.tsx';
import { useSession } from '../auth/get-session.ts';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { useCreateSnip } from './create-snip.ts';
import { emptyDraft, SnipEditor } from './snip-editor.tsx';
import { canCreateSnips } from './snip-permissions.ts';

export function newSnipLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    await requireUser(queryClient, request);
    return null;
  };
}

export function NewSnipPage() {
  const { user } = useSession();
  const creation = useCreateSnip();
  const navigate = useNavigate();

  if (!user) return null;
  if (!canCreateSnips(user)) {
    return (
      <NotAllowedState title="You can’t write snips here" backTo="/snips" backLabel="Back to snips">
        Viewers read the workspace&rsquo;s snips. Ask an owner or admin if you need to write them.
      </NotAllowedState>
    );
  }

  return (
    <section className="page page--narrow">
      <title>New snip · Snipdesk</title>
      <header className="page__header">
        <h1>New snip</h1>
      </header>
      <SnipEditor
        initial={emptyDraft}
        submitLabel="Create snip"
        pending={creation.isPending}
        error={creation.error}
        cancelTo="/snips"
        onSubmit={(draft) => creation.mutate(draft, { onSuccess: (snip) => void navigate(`/snips/${snip.id}`) })}
      />
    </section>
  );
}
