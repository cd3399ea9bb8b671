import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { fieldIssuesSchema, type FieldIssue } from '#shared/contracts/errors.ts';
import { updateFlagBodySchema, type AdminFlagDetail } from '#shared/contracts/flags.ts';
import type { FlagTargeting } from '#shared/flags/targeting.ts';
import { describeError, isApiError } from '../../api/api-error.ts';
import { useConfirm } from '../../app/confirm-provider.tsx';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/form-field.tsx';
import { refreshFlag } from './flag-console-keys.ts';
import { adminFlagQueryOptions } from './get-flag.ts';
import { useFlagImpact } from './get-flag-impact.ts';
import { describeBlastRadius, describeChanges, type WorkspaceNamer } from './flag-words.ts';
import { draftFromTargeting, reapplyEdits, sameDraft, targetingFromDraft, type TargetingDraft } from './targeting-draft.ts';
import { FlagWideFields, RuleSection, type IssueAt } from './targeting-fields.tsx';
import { useUpdateFlag } from './update-flag.ts';

/** Where a saved change of someone else's left this form: what it started from, what was sent, and theirs. */
interface Conflict {
  base: FlagTargeting;
  mine: FlagTargeting;
  theirs: AdminFlagDetail;
}

/** The paths of the fields this form shows; an issue anywhere else is listed above the form. */
const fieldPaths = ['killed', 'default', 'rollout', 'users', 'workspaces', 'reason'];

/**
 * The fields a refused save names: a body the API could not read (400 invalid_request, `targeting.rollout.percent`)
 * or rules that do not fit the type (400 invalid_targeting, `rollout.percent`), as paths inside the targeting.
 */
function refusedFields(error: unknown): FieldIssue[] {
  if (!isApiError(error)) return [];
  const parsed = fieldIssuesSchema.safeParse(error.details);
  const issues = error.code === 'invalid_targeting' && parsed.success ? parsed.data.issues : error.fieldIssues;
  return issues.map((issue) => ({ ...issue, path: issue.path.replace(/^targeting\./, '') }));
}

/**
 * Changes a flag's targeting within its declared type. Saving asks for a reason, then for a confirmation that
 * states the blast radius (POST /impact), then saves at the version the form was filled from: someone else's save
 * in between is a 409, and the form keeps the person's edits, loads the other version and offers to re-apply them.
 * A workspace owner edits only their workspaces' overrides.
 */
export function FlagEditForm({ flag, nameWorkspace }: { flag: AdminFlagDetail; nameWorkspace: WorkspaceNamer }) {
  const { key, declaration } = flag;
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const impact = useFlagImpact(key);
  const update = useUpdateFlag(key);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // The version (and targeting) the form was filled from: a save is checked against it, never against whatever a
  // background refetch brought in meanwhile, so a concurrent change surfaces as a 409 instead of being overwritten.
  const [base, setBase] = useState({ version: flag.version, targeting: flag.targeting });
  const [draft, setDraft] = useState(() => draftFromTargeting(declaration, flag.targeting));
  const [reason, setReason] = useState('');
  const [localIssues, setLocalIssues] = useState<FieldIssue[]>([]);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const pmView = flag.editable === 'all';

  const dirty = !sameDraft(draft, draftFromTargeting(declaration, base.targeting));
  // Nothing edited here and the flag moved on (a ramp step, someone else's save): the form shows the latest.
  if (!dirty && !conflict && flag.version !== base.version) {
    setBase({ version: flag.version, targeting: flag.targeting });
    setDraft(draftFromTargeting(declaration, flag.targeting));
  }

  const serverIssues = refusedFields(update.error);
  const issues = localIssues.length > 0 ? localIssues : serverIssues;
  const issueAt: IssueAt = (path) => issues.find((issue) => issue.path === path || issue.path.startsWith(`${path}.`))?.message;
  const otherIssues = issues.filter((issue) => !fieldPaths.some((path) => issue.path === path || issue.path.startsWith(`${path}.`)));
  const requestError = impact.error ?? (update.error && !isApiError(update.error, 'flag_changed') && serverIssues.length === 0 ? update.error : null);

  function edit(next: TargetingDraft) {
    setDraft(next);
    setNotice(null);
  }

  /** Starts the form over from `fresh`, with `next` as what it holds (their targeting, or mine on top of it). */
  function restart(fresh: AdminFlagDetail, next: FlagTargeting, message: string) {
    setBase({ version: fresh.version, targeting: fresh.targeting });
    setDraft(draftFromTargeting(declaration, next));
    setConflict(null);
    setLocalIssues([]);
    update.reset();
    setNotice(message);
  }

  /** Resolves a conflict one way or the other. Its buttons go with it: focus goes to the form's heading, then the notice. */
  function resolveConflict(resolved: Conflict, next: FlagTargeting, message: string) {
    restart(resolved.theirs, next, message);
    headingRef.current?.focus();
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = targetingFromDraft(declaration, draft);
    const reasonCheck = updateFlagBodySchema.shape.reason.safeParse(reason);
    const found: FieldIssue[] = [...result.issues];
    if (!reasonCheck.success) found.push({ path: 'reason', message: reasonCheck.error.issues[0]?.message ?? 'Say why, in a few words.' });
    if (!dirty) found.push({ path: 'form', message: 'Nothing has changed yet: change a rule first.' });
    update.reset();
    impact.reset();
    if (found.length > 0 || !result.targeting || !reasonCheck.success) {
      flushSync(() => setLocalIssues(found));
      // Straight to the first field to fix, or to the list of problems above the form.
      (formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? headingRef.current)?.focus();
      return;
    }
    setLocalIssues([]);
    setNotice(null);
    // An owner's form changes only their workspaces' overrides: everything else, denies too, goes back as it was shown.
    const targeting = pmView
      ? result.targeting
      : { ...base.targeting, workspaces: { ...base.targeting.workspaces, overrides: result.targeting.workspaces.overrides } };
    const why = reasonCheck.data;
    let blastRadius: string;
    try {
      blastRadius = describeBlastRadius(await impact.mutateAsync(targeting));
    } catch {
      return;
    }
    const confirmed = await confirm({
      title: `Save the change to ${key}?`,
      body: (
        <>
          <p>{blastRadius}</p>
          <p>Your reason: “{why}”</p>
        </>
      ),
      confirmLabel: 'Save change',
      tone: targeting.killed && !base.targeting.killed ? 'danger' : 'default',
    });
    if (!confirmed) return;
    update.mutate(
      { version: base.version, reason: why, targeting },
      {
        onSuccess: () => {
          const saved = queryClient.getQueryData(adminFlagQueryOptions(key).queryKey);
          if (saved) restart(saved, saved.targeting, 'Saved. It applies to new requests at once, and to open tabs as the flag propagates.');
          setReason('');
        },
        onError: async (error) => {
          if (!isApiError(error, 'flag_changed')) return;
          // Their version, and their entry in the audit log: what to compare the edits with.
          await refreshFlag(queryClient, key);
          const theirs = queryClient.getQueryData(adminFlagQueryOptions(key).queryKey);
          if (theirs) setConflict({ base: base.targeting, mine: targeting, theirs });
          headingRef.current?.focus();
        },
      },
    );
  }

  return (
    <section className="flag-section" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        Change who gets what
      </h2>
      {!pmView && (
        <Banner title="You can change only your workspaces’ rules">
          <p>As a workspace owner you may add, change or remove overrides for the workspaces you own. The kill switch, the rollout, the default, denies and the rules for people are for product managers.</p>
        </Banner>
      )}
      {notice && <Banner tone="success">{notice}</Banner>}
      {conflict && (
        <Banner
          tone="error"
          title="Someone else changed this flag since you opened it"
          actions={
            <>
              <Button
                variant="primary"
                onClick={() =>
                  resolveConflict(
                    conflict,
                    reapplyEdits(conflict.base, conflict.mine, conflict.theirs.targeting),
                    'Your edits are back, on top of the latest version: review them and save again.',
                  )
                }
              >
                Re-apply my edits
              </Button>
              <Button onClick={() => resolveConflict(conflict, conflict.theirs.targeting, 'Your edits were dropped: the form shows the latest version.')}>
                Discard my edits
              </Button>
            </>
          }
        >
          <p>Nothing was saved, and your edits are still in the form. The latest version is loaded; since you opened the flag it changed:</p>
          <ul>
            {describeChanges(declaration, conflict.base, conflict.theirs.targeting, nameWorkspace).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </Banner>
      )}
      {issues.length > 0 && (
        <Banner tone="error" title="Please fix the highlighted fields.">
          {otherIssues.length > 0 && (
            <ul>
              {otherIssues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>{issue.message}</li>
              ))}
            </ul>
          )}
        </Banner>
      )}
      {requestError != null && (
        // A refusal says which rule refused it ("only the workspaces you own"): more useful than a generic line.
        <Banner tone="error">{isApiError(requestError, 'forbidden') ? requestError.message : describeError(requestError)}</Banner>
      )}

      <form ref={formRef} className="flag-form" onSubmit={(event) => void save(event)} noValidate aria-labelledby={headingId}>
        {pmView && <FlagWideFields declaration={declaration} draft={draft} onChange={edit} issueAt={issueAt} />}
        {pmView && (
          <RuleSection unit="users" declaration={declaration} draft={draft} onChange={edit} issueAt={issueAt} workspaces={flag.workspaces} nameWorkspace={nameWorkspace} withDenies />
        )}
        <RuleSection
          unit="workspaces"
          declaration={declaration}
          draft={draft}
          onChange={edit}
          issueAt={issueAt}
          workspaces={flag.workspaces}
          nameWorkspace={nameWorkspace}
          withDenies={pmView}
        />
        <div className="flag-form__save">
          <TextField
            label="Reason for this change"
            name="reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            error={issueAt('reason')}
            hint="Required. Shown in the audit log beside your name."
            maxLength={500}
            required
            autoComplete="off"
          />
          <Button type="submit" variant="primary" pending={impact.isPending || update.isPending}>
            Save change…
          </Button>
        </div>
      </form>
    </section>
  );
}
