import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { getSessionGate, subscribeToSessionGate } from '../api/session-gate.ts';
import { cachedSessionUser } from '../features/auth/get-session.ts';
import { SignInAgainDialog } from '../features/auth/sign-in-again-dialog.tsx';
import { Banner } from '../ui/banner.tsx';
import { Button } from '../ui/button.tsx';
import { isFocusLost } from '../ui/focus-lost.ts';
import './session-expiry.css';

/**
 * The session-expired banner and its sign-in dialog, above whatever page is on screen. It sits outside the
 * router and over the page (fixed, not in the flow), so nothing underneath moves, remounts or loses its input
 * or scroll position while the session is away. Gone as soon as the session gate is active again.
 */
export function SessionExpiry() {
  const gate = useSyncExternalStore(subscribeToSessionGate, getSessionGate, getSessionGate);
  const expired = gate.status === 'expired';
  /** Where the person was when the session ended (typing, say): focus goes back there once it is restored. */
  const focusBeforeRef = useRef<Element | null>(null);

  useEffect(() => {
    if (expired) {
      focusBeforeRef.current = document.activeElement;
      return;
    }
    const before = focusBeforeRef.current;
    focusBeforeRef.current = null;
    // Only if focus was left nowhere (the banner and the dialog that held it are gone).
    if (isFocusLost() && before instanceof HTMLElement && before.isConnected) before.focus();
  }, [expired]);

  // A new expiry (after a sign-in in between) starts over with the dialog closed.
  return expired ? <SessionExpiredBanner key={gate.epoch} /> : null;
}

function SessionExpiredBanner() {
  const queryClient = useQueryClient();
  const [email] = useState(() => cachedSessionUser(queryClient)?.email ?? '');
  const [signingIn, setSigningIn] = useState(false);
  const bannerRef = useRef<HTMLDivElement>(null);

  function dismiss() {
    setSigningIn(false);
    // Back to the button that opened the dialog, once the dialog has closed.
    requestAnimationFrame(() => bannerRef.current?.querySelector<HTMLButtonElement>('.banner__actions button')?.focus());
  }

  return (
    <>
      <div className="session-expiry" ref={bannerRef}>
        <Banner
          tone="error"
          title="Your session has expired — sign in again to continue"
          actions={
            <Button variant="primary" onClick={() => setSigningIn(true)}>
              Sign in
            </Button>
          }
        >
          <p className="session-expiry__detail">Everything on this page is kept, and changes waiting to be saved are sent once you are back.</p>
        </Banner>
      </div>
      {signingIn && <SignInAgainDialog email={email} onDismiss={dismiss} />}
    </>
  );
}
