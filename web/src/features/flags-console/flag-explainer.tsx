import { useId, useRef, useState, type FormEvent } from 'react';
import { explainFlagBodySchema, type AdminFlagDetail, type FlagExplanation } from '#shared/contracts/flags.ts';
import { describeError, isApiError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { SelectField, TextField } from '../../ui/form-field.tsx';
import { useExplainFlag } from './explain-flag.ts';
import { describeRule, describeValue, type WorkspaceNamer } from './flag-words.ts';

const reasonLabels: Record<FlagExplanation['reason'], string> = {
  'qa-override': 'QA override',
  kill: 'Kill switch',
  deny: 'Denied',
  override: 'Override',
  rollout: 'Rollout',
  default: 'Default',
};

/** "Why does this user get this value?": a user id (and a workspace, or their current one) → value, reason, rule. */
export function FlagExplainer({ flag, nameWorkspace }: { flag: AdminFlagDetail; nameWorkspace: WorkspaceNamer }) {
  const headingId = useId();
  const explain = useExplainFlag(flag.key);
  const [userId, setUserId] = useState('');
  const [workspaceId, setWorkspaceId] = useState('');
  const [userIdError, setUserIdError] = useState<string | undefined>();
  const userIdRef = useRef<HTMLDivElement>(null);
  const serverUserIdError = isApiError(explain.error) ? explain.error.fieldIssues.find((issue) => issue.path === 'userId')?.message : undefined;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = explainFlagBodySchema.safeParse({ userId: userId.trim(), ...(workspaceId && { workspaceId }) });
    if (!parsed.success) {
      setUserIdError('Enter a user id, like 0b6a2c1e-1111-4a1a-8a1a-000000000001.');
      userIdRef.current?.querySelector('input')?.focus();
      return;
    }
    setUserIdError(undefined);
    explain.mutate(parsed.data);
  }

  return (
    <section className="flag-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Why does this user get this value?</h2>
      <form className="flag-explainer" onSubmit={submit} noValidate aria-labelledby={headingId}>
        <div ref={userIdRef}>
          <TextField
            label="User id"
            value={userId}
            onChange={(event) => setUserId(event.target.value)}
            error={userIdError ?? serverUserIdError}
            autoComplete="off"
            spellCheck={false}
            required
          />
        </div>
        <SelectField
          label="In workspace"
          value={workspaceId}
          onChange={(event) => setWorkspaceId(event.target.value)}
          options={[{ value: '', label: 'The first they joined' }, ...flag.workspaces.map((workspace) => ({ value: workspace.id, label: workspace.name }))]}
        />
        <Button type="submit" pending={explain.isPending} className="flag-explainer__submit">
          Explain
        </Button>
      </form>
      {/* Announced when the answer arrives, without moving focus from the form. */}
      <div aria-live="polite">
        {explain.data && (
          <div className="flag-explanation">
            <p>
              They get <span className="flag-value">{describeValue(explain.data.value)}</span>
              {explain.data.workspaceId && <> in {nameWorkspace(explain.data.workspaceId)}</>}.
            </p>
            <p>
              <strong>{reasonLabels[explain.data.reason]}:</strong> {describeRule(flag.declaration, flag.targeting, explain.data, nameWorkspace)}
            </p>
          </div>
        )}
      </div>
      {explain.error != null && !serverUserIdError && <Banner tone="error">{describeError(explain.error)}</Banner>}
    </section>
  );
}
