import { useEffect, useSyncExternalStore } from 'react';
import { useLocation } from 'react-router';
import { Banner } from '../../ui/banner.tsx';

/**
 * "Snip deleted.", on the list a delete lands on, until the person's next action there.
 *
 * The navigation away from the deleted snip carries which deletion it was (location state), so the notice belongs
 * to the one history entry it landed on. Whether it still has something to say is kept here, per tab like the
 * fetch client: the first click or keystroke in a field settles it, so neither Back nor a reload says it again.
 */
interface SnipDeletedState {
  snipDeleted: number;
}

let deletions = 0;
let unsettled: number | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function settle(): void {
  unsettled = null;
  for (const listener of [...listeners]) listener();
}

/** The location state to leave a snip's page with once it is deleted. */
export function snipDeletedState(): SnipDeletedState {
  deletions += 1;
  unsettled = deletions;
  return { snipDeleted: deletions };
}

const deletionIn = (state: unknown): number | null =>
  typeof state === 'object' && state !== null && 'snipDeleted' in state && typeof state.snipDeleted === 'number' ? state.snipDeleted : null;

export function SnipDeletedNotice() {
  const { state } = useLocation();
  const pending = useSyncExternalStore(subscribe, () => unsettled);
  const shown = pending !== null && deletionIn(state) === pending;

  useEffect(() => {
    if (!shown) return;
    // Capturing, so it is settled before whatever the action does (a navigation, a new search).
    document.addEventListener('click', settle, { capture: true });
    document.addEventListener('input', settle, { capture: true });
    return () => {
      document.removeEventListener('click', settle, { capture: true });
      document.removeEventListener('input', settle, { capture: true });
    };
  }, [shown]);

  // A status (role="status"), announced politely: it confirms, it does not interrupt.
  return shown ? <Banner tone="success">Snip deleted.</Banner> : null;
}
