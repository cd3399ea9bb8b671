import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { z } from 'zod';
import type { AdminFlagDetail, FlagDeclarationView } from '#shared/contracts/flags.ts';
import { offValue } from '#shared/flags/declarations.ts';
import { Button } from '../../ui/button.tsx';
import { SelectField, TextField } from '../../ui/form-field.tsx';
import { FlagValueField } from './flag-value-field.tsx';
import { describeValue, type WorkspaceNamer } from './flag-words.ts';
import { declarationFromView, suggestedValue, valueFromText, type RuleUnit, type TargetingDraft } from './targeting-draft.ts';

/** The first problem at a path or under it (`rollout.split` also finds `rollout.split.0.value`). */
export type IssueAt = (path: string) => string | undefined;

interface FieldsProps {
  declaration: FlagDeclarationView;
  draft: TargetingDraft;
  onChange: (draft: TargetingDraft) => void;
  issueAt: IssueAt;
}

/** The rules above any one person or workspace: kill switch, rollout and default. Product managers only. */
export function FlagWideFields({ declaration, draft, onChange, issueAt }: FieldsProps) {
  const id = useId();
  const off = describeValue(offValue(declarationFromView(declaration)));
  const unitWords = declaration.unit === 'user' ? 'people' : 'workspaces';
  return (
    <>
      <fieldset className="flag-fieldset">
        <legend>Kill switch</legend>
        <div className="flag-check">
          <input
            id={`${id}-killed`}
            type="checkbox"
            checked={draft.killed}
            onChange={(event) => onChange({ ...draft, killed: event.target.checked })}
            aria-describedby={`${id}-killed-hint`}
          />
          <label htmlFor={`${id}-killed`}>Switch it off for everyone</label>
        </div>
        <p className="field__hint" id={`${id}-killed-hint`}>
          Above every other rule: everyone gets {off} while it is on.
        </p>
      </fieldset>

      <fieldset className="flag-fieldset">
        <legend>Rollout</legend>
        <div className="flag-fieldset__row">
          <TextField
            label="Percentage"
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step={0.001}
            value={draft.percent}
            onChange={(event) => onChange({ ...draft, percent: event.target.value })}
            error={issueAt('rollout.percent')}
            hint={`0 to 100, up to three decimals, of ${unitWords}. Raising it only adds ${unitWords}: those already in stay in.`}
          />
          {declaration.type === 'variant' ? (
            <SplitWeights draft={draft} onChange={onChange} error={issueAt('rollout.split')} />
          ) : (
            <FlagValueField
              declaration={declaration}
              label="Those in the rollout get"
              value={draft.rolloutValue}
              onChange={(rolloutValue) => onChange({ ...draft, rolloutValue })}
              error={issueAt('rollout.split')}
              emptyLabel={`Not chosen yet (${describeValue(valueFromText(declaration, suggestedValue(declaration)))} once a rollout starts)`}
            />
          )}
        </div>
      </fieldset>

      <fieldset className="flag-fieldset">
        <legend>Default</legend>
        <FlagValueField
          declaration={declaration}
          label="Everyone else gets"
          value={draft.default}
          onChange={(value) => onChange({ ...draft, default: value })}
          error={issueAt('default')}
          emptyLabel={`Declared default (${describeValue(declaration.default)})`}
        />
      </fieldset>
    </>
  );
}

/** A variant flag's rollout: each variant's share, which must add up to 100. */
function SplitWeights({ draft, onChange, error }: Omit<FieldsProps, 'issueAt' | 'declaration'> & { error: string | undefined }) {
  const id = useId();
  const total = draft.weights.reduce((sum, entry) => sum + (Number(entry.weight) || 0), 0);
  const describedBy = [error && `${id}-error`, `${id}-total`].filter(Boolean).join(' ');
  return (
    <fieldset className={error ? 'flag-split field--invalid' : 'flag-split'}>
      <legend className="field__label">Split between the variants (%)</legend>
      <div className="flag-split__weights">
        {draft.weights.map(({ variant, weight }) => (
          <div className="field" key={variant}>
            <label className="field__label" htmlFor={`${id}-${variant}`}>
              {variant}
            </label>
            <input
              id={`${id}-${variant}`}
              className="field__control"
              type="number"
              inputMode="numeric"
              min={0}
              max={100}
              step={1}
              value={weight}
              onChange={(event) =>
                onChange({ ...draft, weights: draft.weights.map((entry) => (entry.variant === variant ? { variant, weight: event.target.value } : entry)) })
              }
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy}
            />
          </div>
        ))}
      </div>
      <p className="field__hint" id={`${id}-total`} aria-live="polite">
        Adds up to {total} % (needs 100 % when the rollout is above 0).
      </p>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

const userIdSchema = z.uuid('Enter a user id, like 0b6a2c1e-1111-4a1a-8a1a-000000000001.');

interface RuleSectionProps extends FieldsProps {
  unit: RuleUnit;
  /** For `workspaces`: the ones the reader may add rules for (an owner: their own). */
  workspaces: AdminFlagDetail['workspaces'];
  nameWorkspace: WorkspaceNamer;
  /** Whether denies are shown and edited here: a product manager's; an owner sets overrides only. */
  withDenies: boolean;
}

/**
 * Overrides and denies for users (added by id) or workspaces (picked from those the reader may target). Enter in
 * an "add" field adds, instead of saving the whole form.
 */
export function RuleSection({ unit, declaration, draft, onChange, issueAt, workspaces, nameWorkspace, withDenies }: RuleSectionProps) {
  const id = useId();
  const sectionRef = useRef<HTMLFieldSetElement>(null);
  const rules = draft[unit];
  const name = (ruleId: string) => (unit === 'users' ? `user ${ruleId}` : nameWorkspace(ruleId));
  const [subject, setSubject] = useState(unit === 'workspaces' ? (workspaces[0]?.id ?? '') : '');
  const [value, setValue] = useState(() => suggestedValue(declaration));
  const [subjectError, setSubjectError] = useState<string | undefined>();
  const subjectLabel = unit === 'users' ? 'User id' : 'Workspace';
  const legend = unit === 'users' ? 'Rules for people' : 'Rules for workspaces';

  const changeRules = (next: TargetingDraft[RuleUnit]) => onChange({ ...draft, [unit]: next });

  const subjectControl = () => sectionRef.current?.querySelector<HTMLElement>('[data-rule-subject]');

  /** The user id typed (checked) or the workspace picked in the add row; undefined when it is not one. */
  function subjectToAdd(): string | undefined {
    if (unit === 'workspaces') return subject || undefined;
    const parsed = userIdSchema.safeParse(subject.trim());
    setSubjectError(parsed.success ? undefined : parsed.error.issues[0]?.message);
    if (!parsed.success) subjectControl()?.focus();
    return parsed.success ? parsed.data : undefined;
  }

  function addOverride() {
    const ruleId = subjectToAdd();
    if (!ruleId) return;
    changeRules({ ...rules, overrides: [...rules.overrides.filter((rule) => rule.id !== ruleId), { id: ruleId, value }] });
    if (unit === 'users') setSubject('');
  }

  function addDeny() {
    const ruleId = subjectToAdd();
    if (!ruleId) return;
    if (!rules.denies.includes(ruleId)) changeRules({ ...rules, denies: [...rules.denies, ruleId] });
    if (unit === 'users') setSubject('');
  }

  /** Removes a rule; its Remove button goes with it, so focus moves to the next one, or to the add row. */
  function remove(kind: 'overrides' | 'denies', ruleId: string) {
    const buttons = [...(sectionRef.current?.querySelectorAll<HTMLElement>('[data-remove]') ?? [])];
    const index = buttons.findIndex((button) => button.dataset.remove === `${kind}:${ruleId}`);
    flushSync(() =>
      changeRules(
        kind === 'overrides'
          ? { ...rules, overrides: rules.overrides.filter((rule) => rule.id !== ruleId) }
          : { ...rules, denies: rules.denies.filter((denied) => denied !== ruleId) },
      ),
    );
    const remaining = [...(sectionRef.current?.querySelectorAll<HTMLElement>('[data-remove]') ?? [])];
    (remaining[index] ?? remaining[index - 1] ?? subjectControl())?.focus();
  }

  const addOnEnter = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    addOverride();
  };

  return (
    <fieldset className="flag-fieldset" ref={sectionRef}>
      <legend>{legend}</legend>
      <h3 className="flag-rules__title" id={`${id}-overrides`}>
        Overrides
      </h3>
      {rules.overrides.length === 0 ? (
        <p className="flag-rules__empty">None.</p>
      ) : (
        <ul className="flag-rules" aria-labelledby={`${id}-overrides`}>
          {rules.overrides.map((rule) => (
            <li key={rule.id} className="flag-rule">
              <FlagValueField
                declaration={declaration}
                label={unit === 'users' ? `Value for user ${rule.id}` : `Value for ${nameWorkspace(rule.id)}`}
                value={rule.value}
                onChange={(next) => changeRules({ ...rules, overrides: rules.overrides.map((other) => (other.id === rule.id ? { ...other, value: next } : other)) })}
                error={issueAt(`${unit}.overrides.${rule.id}`)}
              />
              <Button variant="danger" data-remove={`overrides:${rule.id}`} onClick={() => remove('overrides', rule.id)}>
                Remove<span className="visually-hidden"> the override for {name(rule.id)}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}

      {withDenies && (
        <>
          <h3 className="flag-rules__title" id={`${id}-denies`}>
            Denied
          </h3>
          <p className="field__hint">Denied {unit === 'users' ? 'people' : 'workspaces'} get the off value, whatever the other rules say.</p>
          {rules.denies.length === 0 ? (
            <p className="flag-rules__empty">None.</p>
          ) : (
            <ul className="flag-rules" aria-labelledby={`${id}-denies`}>
              {rules.denies.map((denied, index) => {
                const error = issueAt(`${unit}.denies.${index}`);
                return (
                  <li key={denied} className="flag-rule">
                    <span className="flag-rule__subject">{unit === 'users' ? `User ${denied}` : nameWorkspace(denied)}</span>
                    {error && <span className="field__error">{error}</span>}
                    <Button variant="danger" data-remove={`denies:${denied}`} onClick={() => remove('denies', denied)}>
                      Remove<span className="visually-hidden"> the deny for {name(denied)}</span>
                    </Button>
                  </li>
                );
              })}
            </ul>
          )}
        </>
      )}

      <div className="flag-rules__add" role="group" aria-label={unit === 'users' ? 'Add a rule for a person' : 'Add a rule for a workspace'}>
        {unit === 'users' ? (
          <TextField
            data-rule-subject
            label={subjectLabel}
            value={subject}
            onChange={(event) => setSubject(event.target.value)}
            onKeyDown={addOnEnter}
            error={subjectError}
            autoComplete="off"
            spellCheck={false}
          />
        ) : workspaces.length === 0 ? (
          <p className="flag-rules__empty">There are no workspaces you may add rules for.</p>
        ) : (
          <SelectField
            data-rule-subject
            label={subjectLabel}
            value={subject}
            onChange={(event) => setSubject(event.target.value)}
            options={workspaces.map((workspace) => ({ value: workspace.id, label: workspace.name }))}
          />
        )}
        {(unit === 'users' || workspaces.length > 0) && (
          <>
            <FlagValueField declaration={declaration} label="Value" value={value} onChange={setValue} onKeyDown={addOnEnter} />
            <div className="flag-rules__buttons">
              <Button onClick={addOverride}>Add override</Button>
              {withDenies && <Button onClick={addDeny}>Add deny</Button>}
            </div>
          </>
        )}
      </div>
    </fieldset>
  );
}
