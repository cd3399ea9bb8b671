import type { KeyboardEventHandler, ReactNode } from 'react';
import type { FlagDeclarationView } from '#shared/contracts/flags.ts';
import { SelectField, TextField } from '../../ui/form-field.tsx';
import { describeValue } from './flag-words.ts';

export interface FlagValueFieldProps {
  declaration: FlagDeclarationView;
  label: string;
  /** The control's text (targeting-draft.ts): 'true' / 'false', a variant, digits. */
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  /**
   * What choosing nothing ('') means, when it may be chosen: "Declared default (stacked)" for the targeting's
   * default. The first option of a select; said in the hint of a number field, which is then left empty.
   */
  emptyLabel?: string;
  onKeyDown?: KeyboardEventHandler<HTMLElement>;
}

/**
 * A value of the flag's declared type, and nothing else: on or off for a boolean, a select of the declared variants,
 * a whole number between the declared bounds.
 */
export function FlagValueField({ declaration, label, value, onChange, error, hint, emptyLabel, onKeyDown }: FlagValueFieldProps) {
  if (declaration.type === 'integer') {
    return (
      <TextField
        label={label}
        type="number"
        inputMode="numeric"
        min={declaration.min}
        max={declaration.max}
        step={1}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        error={error}
        hint={hint ?? `${describeValue(declaration.min ?? 0)} to ${describeValue(declaration.max ?? 0)}${emptyLabel ? `; empty: ${emptyLabel}` : ''}.`}
      />
    );
  }
  const options =
    declaration.type === 'boolean'
      ? [
          { value: 'true', label: 'On (true)' },
          { value: 'false', label: 'Off (false)' },
        ]
      : (declaration.variants ?? []).map((variant) => ({ value: variant, label: variant }));
  return (
    <SelectField
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      onKeyDown={onKeyDown}
      error={error}
      hint={hint}
      options={emptyLabel ? [{ value: '', label: emptyLabel }, ...options] : options}
    />
  );
}
