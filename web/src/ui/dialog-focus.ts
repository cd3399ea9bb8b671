import type { KeyboardEvent } from 'react';

const focusable = 'a[href], button, input, select, textarea, [tabindex]';

function tabbableIn(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(focusable)].filter(
    (element) => element.tabIndex >= 0 && !element.hasAttribute('disabled') && !element.closest('[hidden], [inert]'),
  );
}

/**
 * Keeps Tab cycling among a modal dialog's own controls (the native modal already keeps focus out of the page):
 * from the last to the first and back, and into the dialog when focus somehow sits outside it.
 */
export function keepTabInside(event: KeyboardEvent<HTMLElement>): void {
  if (event.key !== 'Tab') return;
  const tabbable = tabbableIn(event.currentTarget);
  const first = tabbable[0];
  const last = tabbable.at(-1);
  const active = document.activeElement;
  const inside = active instanceof Node && event.currentTarget.contains(active);
  if (!first || !last) {
    event.preventDefault();
  } else if (event.shiftKey && (active === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}
