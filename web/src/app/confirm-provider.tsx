import { createContext, use, useCallback, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { ConfirmDialog, type ConfirmOptions } from '../ui/confirm-dialog.tsx';
import { interceptConfirmAttributes } from './confirm-attributes.ts';
import { createConfirmQueue } from './confirm-queue.ts';

/** Asks a yes/no question in the confirm modal; resolves true only when the person confirms. */
export type Confirm = (options: ConfirmOptions) => Promise<boolean>;

const ConfirmContext = createContext<Confirm | null>(null);

/**
 * Owns the confirm modal: `useConfirm()` below it, and `data-confirm` attributes anywhere in the document.
 * One modal at a time: a question asked while another is open waits (first in, first out) and opens once the
 * earlier ones are answered. Unmounting answers every pending question false.
 */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [queue] = useState(createConfirmQueue);
  const current = useSyncExternalStore(queue.subscribe, queue.current, queue.current);
  const confirm = useCallback<Confirm>((options) => queue.request(options), [queue]);

  useEffect(() => interceptConfirmAttributes(document, queue.request), [queue]);
  useEffect(() => () => queue.cancelAll(), [queue]);

  return (
    <ConfirmContext value={confirm}>
      {children}
      {current && (
        <ConfirmDialog
          key={current.id}
          {...current.options}
          returnFocusTo={current.trigger}
          onDecide={(confirmed) => queue.settle(current, confirmed)}
        />
      )}
    </ConfirmContext>
  );
}

/**
 * `const confirm = useConfirm(); if (await confirm({ title: 'Delete snip?', tone: 'danger' })) ...`
 * Never `window.confirm`.
 */
export function useConfirm(): Confirm {
  const confirm = use(ConfirmContext);
  if (!confirm) throw new Error('useConfirm() needs a <ConfirmProvider> above it (see app/providers.tsx)');
  return confirm;
}
