import type { QueryClient } from '@tanstack/react-query';
import { useNavigate, type LoaderFunctionArgs } from 'react-router';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { useCreateSnip } from './create-snip.ts';
import { emptyDraft, SnipEditor } from './snip-editor.tsx';

export function newSnipLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    await requireUser(queryClient, request);
    return null;
  };
}

export function NewSnipPage() {
  const creation = useCreateSnip();
  const navigate = useNavigate();

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
