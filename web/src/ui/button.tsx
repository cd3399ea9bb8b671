import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Link, type LinkProps } from 'react-router';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

function buttonClass(variant: ButtonVariant, className?: string): string {
  return ['button', `button--${variant}`, className].filter(Boolean).join(' ');
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  /** Disables the button and says why with a busy state, keeping its accessible name. */
  pending?: boolean;
  children: ReactNode;
}

export function Button({ variant = 'secondary', pending = false, className, disabled, type = 'button', ...rest }: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={buttonClass(variant, className)}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
    />
  );
}

/** A router link that looks like a button: navigation stays a link for assistive technology. */
export function ButtonLink({ variant = 'secondary', className, ...rest }: LinkProps & { variant?: ButtonVariant }) {
  return <Link {...rest} className={buttonClass(variant, className)} />;
}
