import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { Banner } from '../../ui/banner.tsx';

/** The location state a snip's page leaves with once the snip is deleted. */
export const snipDeletedState = { snipDeleted: true } as const;

const isSnipDeletedState = (state: unknown) => typeof state === 'object' && state !== null && 'snipDeleted' in state;

/**
 * "Snip deleted.", on the list a delete lands on, until the person's next action there.
 *
 * The mark the delete left in the history entry is taken out of it at once (the entry is replaced), so Back,
 * Forward and a reload never say it again; the notice stays with the entry it was replaced by until the first click
 * or keystroke in a field, or until the list moves to another entry (a search, say).
 */
export function SnipDeletedNotice() {
  const location = useLocation();
  const navigate = useNavigate();
  const arrived = isSnipDeletedState(location.state);
  const replacing = useRef(false);
  const [shownAt, setShownAt] = useState<string | null>(null);

  useEffect(() => {
    if (arrived) {
      replacing.current = true;
      void navigate({ pathname: location.pathname, search: location.search }, { replace: true, state: null, preventScrollReset: true });
    } else if (replacing.current) {
      replacing.current = false;
      setShownAt(location.key);
    } else {
      setShownAt(null);
    }
  }, [arrived, location.key, location.pathname, location.search, navigate]);

  const shown = arrived || shownAt === location.key;

  useEffect(() => {
    if (!shown) return;
    const settle = () => setShownAt(null);
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
