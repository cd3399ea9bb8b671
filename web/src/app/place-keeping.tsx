import { useEffect, useRef } from 'react';
import { Outlet, ScrollRestoration, useLocation } from 'react-router';

/**
 * Keeps people's place across the client-side navigations of the whole app (the root route renders it):
 * a new page starts at its top and Back returns to where the page was scrolled (`ScrollRestoration`, keyed by
 * history entry), and focus moves to the new page's main heading, so a screen reader announces where it is and
 * the next Tab starts from the page, not from wherever the old one left focus (often `<body>`).
 */
export function PlaceKeeping() {
  useMainHeadingFocusOnNavigation();
  return (
    <>
      <ScrollRestoration />
      <Outlet />
    </>
  );
}

function useMainHeadingFocusOnNavigation() {
  const { pathname } = useLocation();
  const shownPathname = useRef<string | null>(null);

  useEffect(() => {
    const previous = shownPathname.current;
    shownPathname.current = pathname;
    // The first page of a visit starts at the document, as any web page does. A change of the query alone (a
    // list's search and filters, typed into a field) is the same page: focus stays in that field.
    if (previous === null || previous === pathname) return;
    return focusMainHeading();
  }, [pathname]);
}

/** Focuses the `<h1>` inside `<main>`, now or as soon as a page that showed a loading state first renders it. */
function focusMainHeading(): (() => void) | undefined {
  if (focusHeading()) return;
  const observer = new MutationObserver(() => {
    if (focusHeading()) observer.disconnect();
  });
  observer.observe(document.body, { childList: true, subtree: true });
  return () => observer.disconnect();
}

function focusHeading(): boolean {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!heading) return false;
  // A page that put focus somewhere of its own on arrival (the sign-in form's email field) keeps it.
  const main = heading.closest('main');
  const active = document.activeElement;
  if (active && active !== main && main?.contains(active)) return true;
  // Headings are not in the tab order; -1 makes this one focusable by script only.
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  // The scroll position is ScrollRestoration's: the top for a new page, where it was for Back.
  heading.focus({ preventScroll: true });
  return true;
}
