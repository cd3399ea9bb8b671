import { useState, type ReactNode } from 'react';
import { Button } from './button.tsx';

export interface ConfirmButtonProps {
  /** The first button, e.g. "Delete". */
  children: ReactNode;
  /** The second button, which does it, e.g. "Really delete?". */
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
}

/**
 * A destructive action in two steps: the first click only reveals the confirming button (and a way back).
 * Stands in for the promise-based confirm modal that the client shell will bring; never `window.confirm`.
 */
export function ConfirmButton({ children, confirmLabel, onConfirm, pending = false }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button variant="danger" onClick={() => setAsking(true)}>
        {children}
      </Button>
    );
  }
  return (
    <span className="confirm-button" role="group" aria-label="Confirm">
      {/* Focus moves to the choice the person just asked for, so the keyboard lands on it. */}
      <Button autoFocus variant="danger" pending={pending} onClick={onConfirm}>
        {confirmLabel}
      </Button>
      <Button variant="ghost" disabled={pending} onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </span>
  );
}
