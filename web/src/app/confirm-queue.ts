import type { ConfirmOptions } from '../ui/confirm-dialog.tsx';

/** One question waiting for (or showing) its answer. */
export interface ConfirmRequest {
  readonly id: number;
  readonly options: ConfirmOptions;
  /** Where focus goes back after the answer; null means "whatever had focus when the dialog opened". */
  readonly trigger: HTMLElement | null;
}

interface PendingRequest extends ConfirmRequest {
  readonly resolve: (confirmed: boolean) => void;
}

export interface ConfirmQueue {
  /** Queues a question; resolves true when confirmed, false otherwise (cancelled, dismissed, abandoned). */
  request(options: ConfirmOptions, trigger?: HTMLElement | null): Promise<boolean>;
  /** The question on screen: the oldest unanswered one, or null. The same object until it is answered. */
  current(): ConfirmRequest | null;
  /** Answers the question on screen; an answer for any other (stale) request is ignored. */
  settle(request: ConfirmRequest, confirmed: boolean): void;
  /** Answers every question false: the provider is going away. */
  cancelAll(): void;
  subscribe(onChange: () => void): () => void;
}

/**
 * The rule: one modal at a time. A question asked while another is on screen waits its turn, first in, first
 * out, and opens once every earlier one has been answered; each promise resolves with its own answer.
 */
export function createConfirmQueue(): ConfirmQueue {
  let waiting: readonly PendingRequest[] = [];
  let nextId = 1;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());

  return {
    request(options, trigger = null) {
      return new Promise<boolean>((resolve) => {
        waiting = [...waiting, { id: nextId++, options, trigger, resolve }];
        changed();
      });
    },
    current: () => waiting[0] ?? null,
    settle(request, confirmed) {
      const head = waiting[0];
      if (!head || head.id !== request.id) return;
      waiting = waiting.slice(1);
      head.resolve(confirmed);
      changed();
    },
    cancelAll() {
      const abandoned = waiting;
      waiting = [];
      abandoned.forEach((request) => request.resolve(false));
      if (abandoned.length > 0) changed();
    },
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
}
