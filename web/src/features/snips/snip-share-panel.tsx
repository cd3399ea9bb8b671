import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { SessionUser } from '#shared/contracts/session.ts';
import type { SnipShare } from '#shared/contracts/snip-shares.ts';
import type { Snip } from '#shared/contracts/snips.ts';
import { describeError, isApiError } from '../../api/api-error.ts';
import { useConfirm } from '../../app/confirm-provider.tsx';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { SelectField } from '../../ui/form-field.tsx';
import { LoadingState } from '../../ui/loading-state.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { memberListQueryOptions } from '../workspaces/list-members.ts';
import { useSnipShares } from './list-snip-shares.ts';
import { useRevokeSnipShare } from './revoke-snip-share.ts';
import { useShareSnip } from './share-snip.ts';
import { canRevokeShare } from './snip-permissions.ts';

export interface SnipSharePanelProps {
  snip: Pick<Snip, 'id' | 'title' | 'visibility' | 'author'>;
  user: SessionUser;
}

/** Who a snip is shared with, and a way to share it with another member: for those who may share it. */
export function SnipSharePanel({ snip, user }: SnipSharePanelProps) {
  const headingId = useId();
  const shares = useSnipShares(snip.id);
  const list = shares.data?.shares;

  return (
    <section className="snip-shares" aria-labelledby={headingId}>
      <h2 id={headingId} className="snip-shares__heading">
        Sharing
      </h2>
      <p className="snip-shares__hint">
        {snip.visibility === 'private'
          ? 'Private: only you and the people you share it with can read it.'
          : `Everyone in ${user.workspace.name} can read it already; sharing it tells someone to have a look.`}
      </p>
      {shares.isPending && <LoadingState label="Loading who it is shared with…" />}
      {shares.error && !list && (
        <Banner tone="error" title="Could not load who it is shared with." actions={<Button onClick={() => void shares.refetch()}>Try again</Button>}>
          {describeError(shares.error)}
        </Banner>
      )}
      {list && <ShareForm snip={snip} user={user} shares={list} />}
      {list && <ShareList snip={snip} user={user} shares={list} />}
    </section>
  );
}

function ShareForm({ snip, user, shares }: { snip: SnipSharePanelProps['snip']; user: SessionUser; shares: SnipShare[] }) {
  const members = useQuery(memberListQueryOptions(user.workspace.id));
  const sharing = useShareSnip(snip.id);
  const [chosen, setChosen] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  // Oneself, and those it is shared with already, are not offered: sharing again would tell them nothing new.
  const candidates = (members.data?.members ?? []).filter((member) => member.userId !== user.id && !shares.some((share) => share.userId === member.userId));
  // The server names the field when the person cannot be shared with (oneself, no longer a member); the rest goes above.
  const serverIssue = isApiError(sharing.error, 'invalid_request') ? sharing.error.fieldIssues.find((issue) => issue.path === 'userId')?.message : undefined;
  const otherError = sharing.error && !serverIssue ? sharing.error : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!chosen) return setInvalid('Choose someone to share it with.');
    setInvalid(undefined);
    sharing.mutate({ userId: chosen }, { onSuccess: () => setChosen('') });
  };

  if (members.error) {
    return (
      <Banner tone="error" title="Could not load the members." actions={<Button onClick={() => void members.refetch()}>Try again</Button>}>
        {describeError(members.error)}
      </Banner>
    );
  }
  return (
    <form className="snip-shares__form" onSubmit={submit} noValidate>
      {otherError && (
        <Banner tone="error" title="It was not shared.">
          {describeError(otherError)}
        </Banner>
      )}
      {sharing.isSuccess && <Banner tone="success">Shared with {sharing.data.name}. They have been told.</Banner>}
      <div className="snip-shares__row">
        <SelectField
          label="Share with"
          name="userId"
          value={chosen}
          disabled={members.isPending}
          error={invalid ?? serverIssue}
          options={[
            { value: '', label: members.isPending ? 'Loading members…' : candidates.length === 0 ? 'Nobody else to share with' : 'Choose a member…' },
            ...candidates.map((member) => ({ value: member.userId, label: member.name })),
          ]}
          onChange={(event) => {
            setChosen(event.target.value);
            setInvalid(undefined);
            sharing.reset();
          }}
        />
        <Button type="submit" variant="primary" pending={sharing.isPending} className="snip-shares__submit">
          Share
        </Button>
      </div>
    </form>
  );
}

function ShareList({ snip, user, shares }: { snip: SnipSharePanelProps['snip']; user: SessionUser; shares: SnipShare[] }) {
  const listId = useId();
  const revoking = useRevokeSnipShare(snip.id);
  const confirm = useConfirm();

  async function remove(share: SnipShare) {
    revoking.reset();
    const confirmed = await confirm({
      title: `Stop sharing with ${share.name}?`,
      body:
        snip.visibility === 'private'
          ? `${share.name} will no longer be able to read “${snip.title}”.`
          : `${share.name} can still read “${snip.title}”, like everyone in ${user.workspace.name}; it only leaves this list.`,
      confirmLabel: 'Stop sharing',
      tone: 'danger',
    });
    if (confirmed) revoking.mutate(share.userId);
  }

  return (
    <div className="snip-shares__current">
      <h3 id={listId} className="snip-shares__subheading">
        Shared with
      </h3>
      {revoking.error && (
        <Banner tone="error" title="It is still shared.">
          {describeError(revoking.error)}
        </Banner>
      )}
      {shares.length === 0 ? (
        <p className="snip-shares__empty">Nobody yet.</p>
      ) : (
        <ul className="snip-shares__list" aria-labelledby={listId}>
          {shares.map((share) => (
            <li key={share.userId} className="snip-shares__item">
              <span className="snip-shares__who">
                <span className="snip-shares__name">{share.name}</span>
                <span className="snip-shares__meta">
                  {share.sharedBy ? ` · by ${share.sharedBy.id === user.id ? 'you' : share.sharedBy.name}` : ''} · <RelativeTime iso={share.sharedAt} />
                </span>
              </span>
              {canRevokeShare(user, snip, share) && (
                <Button
                  variant="ghost"
                  aria-label={`Remove ${share.name}`}
                  pending={revoking.isPending && revoking.variables === share.userId}
                  onClick={() => void remove(share)}
                >
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
