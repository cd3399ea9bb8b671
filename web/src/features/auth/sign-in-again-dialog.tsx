import { useEffect, useId, useRef, useState, type FormEvent, type SyntheticEvent } from 'react';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { keepTabInside } from '../../ui/dialog-focus.ts';
import { TextField } from '../../ui/form-field.tsx';
import { signInErrorMessage } from './sign-in-errors.ts';
import { useSignInAgain } from './sign-in-again.ts';
import '../../ui/modal.css';
import './sign-in-again-dialog.css';

export interface SignInAgainDialogProps {
  /** The email of the person whose session expired, prefilled; empty when nobody knows. */
  email: string;
  /** Closed without signing in (Cancel, Escape): the page stays as it is, the banner stays up. */
  onDismiss: () => void;
}


/**
 * Signing in again without leaving the page, in a native modal <dialog> (top layer, the page behind inert).
 * It opens when mounted, with focus in the password field (the email is already there); on success the session
 * gate resumes the held requests and whoever mounted this unmounts it. Escape or Cancel dismisses it.
 */
export function SignInAgainDialog({ email: expiredEmail, onDismiss }: SignInAgainDialogProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const descriptionId = `${id}-description`;
  const dialogRef = useRef<HTMLDialogElement>(null);
  const signInAgain = useSignInAgain();
  const [email, setEmail] = useState(expiredEmail);
  const [password, setPassword] = useState('');
  const someoneElse = expiredEmail !== '' && email.trim().toLowerCase() !== expiredEmail.toLowerCase();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (!dialog.open) {
      // Environments without the modal API (some test DOMs) still get an open dialog.
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    // The email is usually prefilled: then the password is the one thing left to type.
    const emailField = dialog.querySelector<HTMLInputElement>('input[name="email"]');
    const passwordField = dialog.querySelector<HTMLInputElement>('input[name="password"]');
    (emailField?.value ? passwordField : emailField)?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    signInAgain.mutate(
      { email: email.trim(), password },
      {
        onError: () => {
          // Straight back to the password, selected, so a typo is one keystroke away from fixed.
          const field = form.querySelector<HTMLInputElement>('input[name="password"]');
          field?.focus();
          field?.select();
        },
      },
    );
  }

  /** The browser's close request (Escape): dismiss through our own path, so the parent unmounts the dialog. */
  function onCancel(event: SyntheticEvent<HTMLDialogElement>) {
    event.preventDefault();
    onDismiss();
  }

  return (
    <dialog
      ref={dialogRef}
      className="modal sign-in-again"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      onCancel={onCancel}
      onKeyDown={keepTabInside}
    >
      <form className="sign-in-again__panel" onSubmit={handleSubmit}>
        <div className="sign-in-again__text">
          <h2 className="sign-in-again__title" id={titleId}>
            Sign in again
          </h2>
          <p className="sign-in-again__description" id={descriptionId}>
            Your session has expired. Sign in to carry on where you left off: this page and anything waiting to be
            saved are kept.
          </p>
        </div>
        {signInAgain.error && <Banner tone="error">{signInErrorMessage(signInAgain.error)}</Banner>}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          hint={someoneElse ? 'Signing in as someone else discards what is waiting here and opens their workspace.' : undefined}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <div className="sign-in-again__actions">
          <Button variant="ghost" onClick={onDismiss}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" pending={signInAgain.isPending}>
            Sign in
          </Button>
        </div>
      </form>
    </dialog>
  );
}
