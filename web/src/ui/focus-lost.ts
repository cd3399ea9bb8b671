/**
 * Whether focus has fallen back to the document: the element that held it went away or was disabled. Code that
 * moves focus after something finished (a page loaded, a row removed) does so only then, never away from a person
 * who has moved on meanwhile (typing in a field, say).
 */
export function isFocusLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}
