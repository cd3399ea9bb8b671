import { useId, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { createRampBodySchema, rampActionBodySchema, type AdminFlagDetail, type FlagAuditEntry, type FlagRamp } from '#shared/contracts/flags.ts';
import { flagTargetingSchema, type FlagTargeting } from '#shared/flags/targeting.ts';
import { describeError, isApiError } from '../../api/api-error.ts';
import { useConfirm } from '../../app/confirm-provider.tsx';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/form-field.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { useCancelRamp } from './cancel-ramp.ts';
import { useCreateRamp } from './create-ramp.ts';
import { describeBlastRadius, formatPercent } from './flag-words.ts';
import { useFlagImpact } from './get-flag-impact.ts';
import { useFlagAudit } from './list-flag-audit.ts';
import { useRevertRamp } from './revert-ramp.ts';

const rampStatusLabels: Record<FlagRamp['status'], string> = {
  scheduled: 'Scheduled',
  completed: 'Completed',
  cancelled: 'Cancelled',
  reverted: 'Reverted',
};

const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = 24 * 60 * 60 * 1000;
const maxSteps = 10;

/** A step as its fields hold it: a percentage typed, a `datetime-local` value (the reader's own time zone). */
interface StepDraft {
  percent: string;
  at: string;
}

/** A moment as a `datetime-local` field shows it: the reader's local time, to the minute. */
function localDateTimeText(date: Date): string {
  const pad = (part: number) => String(part).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The usual ramp: 5 % now, 25 % in a day, 100 % in three days. */
export function usualRamp(now: Date): StepDraft[] {
  return [
    { percent: '5', at: localDateTimeText(now) },
    { percent: '25', at: localDateTimeText(new Date(now.getTime() + day)) },
    { percent: '100', at: localDateTimeText(new Date(now.getTime() + 3 * day)) },
  ];
}

const percentSchema = flagTargetingSchema.shape.rollout.shape.percent;

/** Each step's problems, by field, or the steps ready to send. */
function checkSteps(steps: StepDraft[]): { errors: Record<string, string>; ready: { percent: number; at: string }[] } {
  const errors: Record<string, string> = {};
  const ready: { percent: number; at: string }[] = [];
  let previous = -Infinity;
  steps.forEach((step, index) => {
    const typed = step.percent.trim() === '' ? Number.NaN : Number(step.percent);
    const percent = percentSchema.safeParse(typed);
    // The schema's own words ("at most three decimals"), except for nothing typed, which it would call NaN.
    if (!percent.success) errors[`${index}.percent`] = (!Number.isNaN(typed) && percent.error.issues[0]?.message) || 'A percentage is between 0 and 100.';
    const at = new Date(step.at);
    if (step.at === '' || Number.isNaN(at.getTime())) errors[`${index}.at`] = 'Pick a date and a time.';
    else if (at.getTime() <= previous) errors[`${index}.at`] = 'Each step comes after the one before it.';
    else previous = at.getTime();
    if (percent.success && !errors[`${index}.at`]) ready.push({ percent: percent.data, at: at.toISOString() });
  });
  return { errors, ready };
}

/**
 * The targeting a ramp started from: the `before` of its 'ramp-scheduled' entry in the audit log. The BFF writes the
 * ramp and that entry in one transaction with one clock reading, so the entry's `at` is the ramp's `createdAt`.
 * Undefined only while the audit log on screen is older than the ramps (the next refresh brings it).
 */
function targetingBeforeRamp(audit: FlagAuditEntry[], ramp: FlagRamp): FlagTargeting | undefined {
  const createdAt = Date.parse(ramp.createdAt);
  return audit.find((entry) => entry.kind === 'ramp-scheduled' && Date.parse(entry.at) === createdAt)?.before;
}

/** Scheduled ramps of the rollout percentage: the list, with cancel and revert, and a form for a new one. PMs only. */
export function FlagRamps({ flag }: { flag: AdminFlagDetail }) {
  const headingId = useId();
  const audit = useFlagAudit(flag.key);
  return (
    <section className="flag-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Ramps</h2>
      <p className="page__lead">
        A ramp raises the rollout step by step, each step at its time, each written to the audit log. The rest of the targeting stays as it is.
      </p>
      {flag.ramps.length === 0 ? (
        <p className="flag-rules__empty">No ramps yet.</p>
      ) : (
        <ul className="flag-ramps" aria-labelledby={headingId}>
          {flag.ramps.map((ramp, index) => (
            <RampItem key={ramp.id} flag={flag} ramp={ramp} number={flag.ramps.length - index} before={targetingBeforeRamp(audit, ramp)} />
          ))}
        </ul>
      )}
      <RampForm flag={flag} />
    </section>
  );
}

interface RampItemProps {
  flag: AdminFlagDetail;
  ramp: FlagRamp;
  number: number;
  /** The targeting before the ramp began, what a revert restores (see `targetingBeforeRamp`). */
  before: FlagTargeting | undefined;
}

function RampItem({ flag, ramp, number, before }: RampItemProps) {
  const confirm = useConfirm();
  const cancel = useCancelRamp(flag.key);
  const revert = useRevertRamp(flag.key);
  const impact = useFlagImpact(flag.key);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const statusRef = useRef<HTMLParagraphElement>(null);
  const reasonRef = useRef<HTMLDivElement>(null);
  const error = impact.error ?? cancel.error ?? revert.error;
  const pendingSteps = ramp.steps.filter((step) => step.appliedAt === null);

  async function act(action: 'cancel' | 'revert') {
    const check = rampActionBodySchema.shape.reason.safeParse(reason);
    if (!check.success) {
      flushSync(() => setReasonError(check.error.issues[0]?.message));
      reasonRef.current?.querySelector('input')?.focus();
      return;
    }
    setReasonError(undefined);
    cancel.reset();
    revert.reset();
    impact.reset();
    // The version on the page when asked: a change since then is a 409, never reverted over unseen.
    const { version } = flag;
    let blastRadius: string | undefined;
    if (action === 'revert' && before) {
      try {
        blastRadius = describeBlastRadius(await impact.mutateAsync(before));
      } catch {
        return;
      }
    }
    const confirmed = await confirm(
      action === 'cancel'
        ? {
            title: `Cancel ramp ${number}?`,
            body: `The steps not yet applied (${pendingSteps.map((step) => formatPercent(step.percent)).join(', ') || 'none'}) are dropped; the rollout stays where it is now.`,
            confirmLabel: 'Cancel ramp',
            cancelLabel: 'Keep the ramp',
            tone: 'danger',
          }
        : {
            title: `Revert to before ramp ${number}?`,
            body: (
              <>
                <p>Restores the targeting of {moment.format(new Date(ramp.createdAt))}, just before this ramp began, and drops any ramp steps not yet applied.</p>
                {blastRadius && <p>{blastRadius}</p>}
              </>
            ),
            confirmLabel: 'Revert',
            cancelLabel: 'Keep it as it is',
            tone: 'danger',
          },
    );
    if (!confirmed) return;
    // The buttons may go with the ramp's new status: focus goes to the status instead of to nowhere.
    const settle = { onSuccess: () => setReason(''), onSettled: () => statusRef.current?.focus() };
    if (action === 'cancel') cancel.mutate({ rampId: ramp.id, reason: check.data }, settle);
    else revert.mutate({ rampId: ramp.id, reason: check.data, version }, settle);
  }

  return (
    <li className="flag-ramp">
      <p className="flag-ramp__head" ref={statusRef} tabIndex={-1}>
        <strong>Ramp {number}</strong>
        <span className={`badge flag-ramp__status flag-ramp__status--${ramp.status}`}>{rampStatusLabels[ramp.status]}</span>
        <span className="flag-ramp__by">
          by {ramp.createdBy?.name ?? 'someone no longer here'}, <RelativeTime iso={ramp.createdAt} />
        </span>
      </p>
      <ol className="flag-ramp__steps">
        {ramp.steps.map((step) => (
          <li key={step.at}>
            <strong>{formatPercent(step.percent)}</strong>{' '}
            {step.appliedAt ? (
              <>
                applied <RelativeTime iso={step.appliedAt} />
              </>
            ) : ramp.status === 'scheduled' ? (
              <>
                due <RelativeTime iso={step.at} />
              </>
            ) : (
              'dropped'
            )}
          </li>
        ))}
      </ol>
      {ramp.status !== 'reverted' && (
        <div className="flag-ramp__actions">
          <div ref={reasonRef}>
            <TextField label={`Reason to cancel or revert ramp ${number}`} value={reason} onChange={(event) => setReason(event.target.value)} error={reasonError} maxLength={500} autoComplete="off" />
          </div>
          <div className="flag-rules__buttons">
            {ramp.status === 'scheduled' && (
              <Button variant="danger" onClick={() => void act('cancel')} pending={cancel.isPending}>
                Cancel<span className="visually-hidden"> ramp {number}</span>
              </Button>
            )}
            <Button variant="danger" onClick={() => void act('revert')} pending={impact.isPending || revert.isPending}>
              Revert to before the ramp<span className="visually-hidden"> {number}</span>
            </Button>
          </div>
        </div>
      )}
      {error != null && (
        <Banner tone="error">
          {isApiError(error, 'flag_changed')
            ? 'Someone else changed this flag since you opened it. The latest version is loaded: check it and revert again.'
            : describeError(error)}
        </Banner>
      )}
    </li>
  );
}

function RampForm({ flag }: { flag: AdminFlagDetail }) {
  const headingId = useId();
  const confirm = useConfirm();
  const create = useCreateRamp(flag.key);
  const impact = useFlagImpact(flag.key);
  const formRef = useRef<HTMLFormElement>(null);
  const needsSplitRef = useRef<HTMLDivElement>(null);
  const [steps, setSteps] = useState<StepDraft[]>([{ percent: '', at: '' }]);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [scheduled, setScheduled] = useState(false);
  // The API's refusals by field (`steps.1.at`, `reason`), named as this form names its fields (`1.at`, `reason`).
  const refusedFields: Record<string, string> = Object.fromEntries(
    (isApiError(create.error) ? create.error.fieldIssues : []).map((issue) => [issue.path.replace(/^steps\./, ''), issue.message]),
  );
  const fieldErrors = Object.keys(errors).length > 0 ? errors : refusedFields;
  const needsSplit = flag.targeting.rollout.split.length === 0;

  const changeStep = (index: number, change: Partial<StepDraft>) => {
    setSteps(steps.map((step, at) => (at === index ? { ...step, ...change } : step)));
    setScheduled(false);
  };

  /** The step's Remove button goes with it: focus goes to the percentage of the step now in its place. */
  function removeStep(index: number) {
    flushSync(() => setSteps(steps.filter((_, at) => at !== index)));
    const percentages = formRef.current?.querySelectorAll<HTMLInputElement>('.flag-ramp-form__step input[type="number"]');
    percentages?.[Math.min(index, percentages.length - 1)]?.focus();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const { errors: found, ready } = checkSteps(steps);
    const reasonCheck = createRampBodySchema.shape.reason.safeParse(reason);
    if (!reasonCheck.success) found.reason = reasonCheck.error.issues[0]?.message ?? 'Say why, in a few words.';
    create.reset();
    impact.reset();
    if (Object.keys(found).length > 0 || !reasonCheck.success) {
      flushSync(() => setErrors(found));
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setErrors({});
    // Nothing a ramp could roll out: the note above says what to do first.
    if (needsSplit) {
      needsSplitRef.current?.focus();
      return;
    }
    // Its blast radius is its last step's: the targeting as it is, at that percentage.
    const last = ready.at(-1)!.percent;
    const { version, targeting } = flag;
    let blastRadius: string;
    try {
      blastRadius = describeBlastRadius(await impact.mutateAsync({ ...targeting, rollout: { ...targeting.rollout, percent: last } }), last);
    } catch {
      return;
    }
    const soon = Date.now() + 60_000;
    const confirmed = await confirm({
      title: `Schedule this ramp of ${flag.key}?`,
      body: (
        <>
          <ul>
            {ready.map((step) => (
              <li key={step.at}>
                {formatPercent(step.percent)} {Date.parse(step.at) <= soon ? 'now' : `on ${moment.format(new Date(step.at))}`}
              </li>
            ))}
          </ul>
          <p>{blastRadius}</p>
          <p>Each step is applied at its time by a background job and written to the audit log. Your reason: “{reasonCheck.data}”</p>
        </>
      ),
      confirmLabel: 'Schedule ramp',
    });
    if (!confirmed) return;
    create.mutate(
      { version, reason: reasonCheck.data, steps: ready },
      {
        onSuccess: () => {
          setSteps([{ percent: '', at: '' }]);
          setReason('');
          setScheduled(true);
        },
      },
    );
  }

  return (
    <form ref={formRef} className="flag-ramp-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={headingId}>
      <h3 id={headingId}>Schedule a ramp</h3>
      {needsSplit && (
        <div ref={needsSplitRef} tabIndex={-1}>
          <Banner>Choose what those in the rollout get (above) and save it first: a ramp only moves the percentage.</Banner>
        </div>
      )}
      {scheduled && <Banner tone="success">Ramp scheduled. Its first step due now is applied within a few seconds.</Banner>}
      {impact.error != null && <Banner tone="error">{describeError(impact.error)}</Banner>}
      {create.error != null && Object.keys(refusedFields).length === 0 && (
        <Banner tone="error">
          {isApiError(create.error, 'flag_changed')
            ? 'Someone else changed this flag since you opened it. The latest version is loaded: check the rollout and schedule again.'
            : describeError(create.error)}
        </Banner>
      )}
      <Button onClick={() => setSteps(usualRamp(new Date()))}>Fill in 5 % now, 25 % in a day, 100 % in three days</Button>
      <ol className="flag-ramp-form__steps">
        {steps.map((step, index) => (
          <li key={index} className="flag-ramp-form__step">
            <TextField
              label={`Step ${index + 1}: percentage`}
              type="number"
              inputMode="decimal"
              min={0}
              max={100}
              step={0.001}
              value={step.percent}
              onChange={(event) => changeStep(index, { percent: event.target.value })}
              error={fieldErrors[`${index}.percent`]}
            />
            <TextField
              label={`Step ${index + 1}: when`}
              type="datetime-local"
              value={step.at}
              onChange={(event) => changeStep(index, { at: event.target.value })}
              error={fieldErrors[`${index}.at`]}
            />
            {steps.length > 1 && (
              <Button variant="ghost" onClick={() => removeStep(index)}>
                Remove<span className="visually-hidden"> step {index + 1}</span>
              </Button>
            )}
          </li>
        ))}
      </ol>
      {steps.length < maxSteps && (
        <Button variant="ghost" onClick={() => setSteps([...steps, { percent: '', at: '' }])}>
          Add a step
        </Button>
      )}
      <div className="flag-form__save">
        <TextField
          label="Reason for this ramp"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          error={fieldErrors.reason}
          hint="Required. Shown in the audit log with every step."
          maxLength={500}
          autoComplete="off"
        />
        <Button type="submit" variant="primary" pending={impact.isPending || create.isPending}>
          Schedule ramp…
        </Button>
      </div>
    </form>
  );
}
