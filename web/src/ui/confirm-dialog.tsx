import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type SyntheticEvent } from 'react';
import { Button } from './button.tsx';
import { keepTabInside } from './dialog-focus.ts';
import './modal.css';
import './confirm-dialog.css';

export interface ConfirmOptions {
  title: string;
  body?: ReactNode;
  /** Defaults to "Confirm". Name the action: "Delete snip". */
  confirmLabel?: string;
  /** Defaults to "Cancel". */
  cancelLabel?: string;
  /** "danger" paints the confirming button red: for what cannot be undone. */
  tone?: 'danger' | 'default';
}

export interface ConfirmDialogProps extends ConfirmOptions {
  /** Called once with the answer; the dialog has already closed and handed focus back by then. */
  onDecide: (confirmed: boolean) => void;
  /** Where focus returns afterwards; defaults to the element that had focus when the dialog opened. */
  returnFocusTo?: HTMLElement | null;
}

/**
 * A yes/no question in a native modal <dialog> (top layer, inert page behind, Escape as a close request).
 * It opens when mounted: focus starts on the safe choice (Cancel), Tab cycles inside it, Escape or a click
 * on the backdrop cancels, Enter activates whichever button has focus. Mount one per question (use a key).
 */
export function ConfirmDialog({
  title,
  body,
  confirmLabel = 'Confirm',
  cancelLabel = 'Cancel',
  tone = 'default',
  onDecide,
  returnFocusTo,
}: ConfirmDialogProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const bodyId = `${id}-body`;
  const dialogRef = useRef<HTMLDialogElement>(null);
  const decidedRef = useRef(false);
  /** True from the moment we close the dialog ourselves, so our own `close` event is not read as an answer. */
  const closingRef = useRef(false);
  const pressedOnBackdropRef = useRef(false);
  const closeRef = useRef<() => void>(() => {});

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const trigger = returnFocusTo ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);
    closingRef.current = false;
    if (!dialog.open) {
      // Environments without the modal API (old browsers, some test DOMs) still get an open dialog.
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    dialog.querySelector<HTMLElement>('[data-choice="cancel"]')?.focus();

    /** Closes the dialog and hands focus back to the trigger; runs once per opening. */
    const close = () => {
      if (closingRef.current) return;
      closingRef.current = true;
      if (dialog.open) dialog.close();
      if (trigger?.isConnected) trigger.focus();
    };
    closeRef.current = close;
    // Also when unmounted without an answer (the provider went away).
    return close;
  }, [returnFocusTo]);

  function decide(confirmed: boolean) {
    if (decidedRef.current) return;
    decidedRef.current = true;
    // Close and restore focus before anyone hears the answer, so what runs next acts on the page, not the dialog.
    closeRef.current();
    onDecide(confirmed);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key === 'Escape') {
      // Browsers turn Escape into a `cancel` event; handling the key keeps one behaviour everywhere.
      event.preventDefault();
      decide(false);
    } else {
      keepTabInside(event);
    }
  }

  /** A close request from the browser (Escape, Android back): answer no, and let our own close run. */
  function onCancel(event: SyntheticEvent<HTMLDialogElement>) {
    event.preventDefault();
    decide(false);
  }

  return (
    <dialog
      ref={dialogRef}
      className={`modal confirm-dialog confirm-dialog--${tone}`}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={body ? bodyId : undefined}
      onKeyDown={onKeyDown}
      onCancel={onCancel}
      onClose={(event) => {
        // Closed by someone else (e.g. the browser forcing a close request through): that is a "no".
        if (!closingRef.current && !event.currentTarget.open) decide(false);
      }}
      // The panel fills the dialog's box, so a click whose target is the dialog itself landed on the backdrop.
      // Both press and release must be there: a text selection dragged out of the panel is not a dismissal.
      onPointerDown={(event) => {
        pressedOnBackdropRef.current = event.target === event.currentTarget;
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget && pressedOnBackdropRef.current) decide(false);
      }}
    >
      <div className="confirm-dialog__panel">
        <div className="confirm-dialog__header">
          {tone === 'danger' && (
            <span className="confirm-dialog__icon" aria-hidden="true">
              <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
                <path d="M12 9v4M12 17h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" />
              </svg>
            </span>
          )}
          <div className="confirm-dialog__text">
            <h2 className="confirm-dialog__title" id={titleId}>
              {title}
            </h2>
            {body && (
              <div className="confirm-dialog__body" id={bodyId}>
                {typeof body === 'string' ? <p>{body}</p> : body}
              </div>
            )}
          </div>
        </div>
        <div className="confirm-dialog__actions">
          <Button variant="secondary" data-choice="cancel" onClick={() => decide(false)}>
            {cancelLabel}
          </Button>
          <Button variant={tone === 'danger' ? 'danger' : 'primary'} data-choice="confirm" onClick={() => decide(true)}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
