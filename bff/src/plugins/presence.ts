import { randomUUID } from 'node:crypto';
import type { ChannelLayer } from './channels.ts';

export type Viewer = { id: string; name: string };

/** What one instance says about one stream: who is watching it through that instance. */
type PresenceReport = { instance: string; viewers: Viewer[]; ask?: boolean; at: number };

const presenceStream = (stream: string) => `control:presence:${stream}`;

/**
 * Who is viewing each stream, across every instance. Each instance knows its own sockets, tells the others
 * whenever its part changes and on every heartbeat, and forgets an instance that has gone quiet for longer than
 * `staleAfterMs` (crashed without saying goodbye). A newcomer asks, and everyone answers at once.
 */
export function createPresence(options: {
  channels: ChannelLayer;
  staleAfterMs: number;
  /** Called with the merged viewers of a stream whenever they change. */
  onChange: (stream: string, viewers: Viewer[]) => void;
}) {
  const { channels, staleAfterMs, onChange } = options;
  const instance = randomUUID();
  /** Per stream: local viewers, with how many of their sockets watch it. */
  const local = new Map<string, Map<string, { name: string; sockets: number }>>();
  /** Per stream: the other instances' reports. */
  const remote = new Map<string, Map<string, PresenceReport>>();
  const listening = new Map<string, Promise<() => Promise<void>>>();
  const lastSent = new Map<string, string>();

  const localViewers = (stream: string): Viewer[] => [...(local.get(stream) ?? new Map())].map(([id, { name }]) => ({ id, name }));

  function merged(stream: string): Viewer[] {
    const byId = new Map(localViewers(stream).map((viewer) => [viewer.id, viewer]));
    const now = Date.now();
    for (const report of remote.get(stream)?.values() ?? []) {
      if (now - report.at > staleAfterMs) continue;
      for (const viewer of report.viewers) byId.set(viewer.id, viewer);
    }
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  function changed(stream: string) {
    const viewers = merged(stream);
    const key = JSON.stringify(viewers);
    if (lastSent.get(stream) === key) return;
    lastSent.set(stream, key);
    onChange(stream, viewers);
  }

  // A report that cannot go out (Redis down, which the channel layer logs) is repeated by the next heartbeat: it
  // must not fail the subscribe, leave or sweep that made it.
  const report = (stream: string, ask = false) =>
    channels
      .publish(presenceStream(stream), { instance, viewers: localViewers(stream), ask, at: Date.now() } satisfies PresenceReport)
      .catch(() => {});

  function listen(stream: string) {
    if (listening.has(stream)) return listening.get(stream)!;
    const stop = channels.subscribe(presenceStream(stream), (message) => {
      const heard = message as PresenceReport;
      if (heard.instance === instance) return;
      const reports = remote.get(stream) ?? new Map<string, PresenceReport>();
      remote.set(stream, reports);
      // Our clock, not theirs, dates a report: instances' clocks need not agree.
      reports.set(heard.instance, { ...heard, at: Date.now() });
      if (heard.ask && local.has(stream)) void report(stream);
      changed(stream);
    });
    listening.set(stream, stop);
    return stop;
  }

  return {
    viewers: merged,
    async join(stream: string, viewer: Viewer) {
      const viewers = local.get(stream) ?? new Map();
      const first = !local.has(stream);
      local.set(stream, viewers);
      const entry = viewers.get(viewer.id) ?? { name: viewer.name, sockets: 0 };
      entry.sockets += 1;
      viewers.set(viewer.id, entry);
      await listen(stream);
      await report(stream, first);
      changed(stream);
    },
    async leave(stream: string, viewerId: string) {
      const viewers = local.get(stream);
      const entry = viewers?.get(viewerId);
      if (!viewers || !entry) return;
      if (--entry.sockets === 0) viewers.delete(viewerId);
      if (viewers.size === 0) local.delete(stream);
      await report(stream);
      if (!local.has(stream)) {
        // Nobody here watches it any more: stop listening and forget what others said.
        const stop = listening.get(stream);
        listening.delete(stream);
        remote.delete(stream);
        lastSent.delete(stream);
        if (stop) await (await stop)();
        return;
      }
      changed(stream);
    },
    /** Tells the others we are still here, and drops the instances that stopped saying so. */
    async heartbeat() {
      await Promise.all([...local.keys()].map((stream) => report(stream)));
      for (const stream of local.keys()) changed(stream);
    },
    async close() {
      // A clean shutdown says goodbye, so the others need not wait for the report to go stale.
      await Promise.allSettled([...local.keys()].map((stream) => channels.publish(presenceStream(stream), { instance, viewers: [], at: Date.now() })));
      await Promise.allSettled([...listening.values()].map(async (stop) => (await stop)()));
    },
  };
}
