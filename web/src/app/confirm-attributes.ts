import type { ConfirmOptions } from '../ui/confirm-dialog.tsx';

/** `trigger` is where focus returns afterwards; null means whatever has focus when the dialog opens. */
export type AskToConfirm = (options: ConfirmOptions, trigger: HTMLElement | null) => Promise<boolean>;

/** What can carry `data-confirm` for a click. Forms are asked on submit instead (see below). */
const clickable = [
  'a[data-confirm]',
  'button[data-confirm]',
  '[role="button"][data-confirm]',
  ...['submit', 'button', 'image', 'reset'].map((type) => `input[type="${type}"][data-confirm]`),
].join(', ');

/** `data-confirm` is the body, `data-confirm-title` (default "Are you sure?"), `-label` and `-tone` the rest. */
function confirmOptionsOf(element: HTMLElement): ConfirmOptions {
  const { confirm, confirmTitle, confirmLabel, confirmTone } = element.dataset;
  return {
    title: confirmTitle || 'Are you sure?',
    body: confirm || undefined,
    confirmLabel: confirmLabel || undefined,
    tone: confirmTone === 'danger' ? 'danger' : 'default',
  };
}

/**
 * Makes `data-confirm` work on plain markup, like `data-turbo-confirm`: a click on a button or link, or a
 * form submission (the attribute on the form or on its submitter), is stopped before anything else hears it
 * (one capture listener on the document runs before React's listeners on the root container), the person is
 * asked, and only a yes replays the same action once (`click()`, or `requestSubmit(submitter)`) with the
 * interception stepped aside. Returns the function that removes the listeners.
 */
export function interceptConfirmAttributes(doc: Document, ask: AskToConfirm): () => void {
  /** Elements whose replay is running right now; the replay is synchronous, so this covers exactly it. */
  const approved = new WeakSet<Element>();
  /** Elements with a question on screen or queued: a double click asks once. */
  const asking = new WeakSet<Element>();

  function block(event: Event) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  /** Asks with `element`'s attributes; on yes, replays with `replayOn` marked approved for the duration. */
  function askThenReplay(element: HTMLElement, trigger: HTMLElement | null, replayOn: HTMLElement, replay: () => void) {
    asking.add(element);
    void ask(confirmOptionsOf(element), trigger).then((confirmed) => {
      asking.delete(element);
      if (!confirmed || !replayOn.isConnected) return;
      approved.add(replayOn);
      try {
        replay();
      } finally {
        approved.delete(replayOn);
      }
    });
  }

  function onClick(event: MouseEvent) {
    if (!(event.target instanceof Element)) return;
    const element = event.target.closest<HTMLElement>(clickable);
    if (!element || approved.has(element)) return;
    block(event);
    if (asking.has(element)) return;
    askThenReplay(element, element, element, () => element.click());
  }

  function onSubmit(event: SubmitEvent) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    // Some DOMs report the form itself when there is no submitter.
    const submitter = event.submitter && event.submitter !== form ? event.submitter : null;
    // A submit button's confirmed click replays into this submit: it has been asked already.
    if (approved.has(form) || (submitter && approved.has(submitter))) return;
    const element = submitter?.hasAttribute('data-confirm') ? submitter : form.hasAttribute('data-confirm') ? form : null;
    if (!element) return;
    block(event);
    if (asking.has(element)) return;
    askThenReplay(element, submitter, form, () => form.requestSubmit(submitter));
  }

  doc.addEventListener('click', onClick, true);
  doc.addEventListener('submit', onSubmit, true);
  return () => {
    doc.removeEventListener('click', onClick, true);
    doc.removeEventListener('submit', onSubmit, true);
  };
}
