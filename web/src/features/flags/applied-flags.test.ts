import { describe, expect, it } from 'vitest';
import type { ClientFlag, FlagSnapshot } from '#shared/contracts/flags.ts';
import { flagRegistry } from '#shared/flags/registry.ts';
import { applyFlags, flagValue } from './applied-flags.ts';

// What the pages see: `live` flags as the BFF has them now, `next-navigation` flags as they were at the last route
// change, with the newer evaluation waiting beside them.

const live = (value: ClientFlag['value'], reason: ClientFlag['reason'] = 'default'): ClientFlag => ({
  value,
  reason,
  rule: reason === 'default' ? 'declared-default' : 'kill-switch',
  propagation: 'live',
});
const nextNavigation = (value: ClientFlag['value'], reason: ClientFlag['reason'] = 'default'): ClientFlag => ({
  value,
  reason,
  rule: reason === 'default' ? 'declared-default' : 'rollout',
  propagation: 'next-navigation',
});

const atNavigation: FlagSnapshot = {
  revision: 4,
  flags: { 'export-button': live(true), 'snip-editor-layout': nextNavigation('stacked'), 'snips-page-size': nextNavigation(20) },
};

describe('applyFlags', () => {
  it('applies the latest snapshot as it is when nothing changed since the last route change', () => {
    expect(applyFlags(atNavigation, atNavigation)).toEqual({ revision: 4, flags: atNavigation.flags, waiting: {} });
  });

  it('applies a live flag at once and holds a next-navigation flag back, saying what waits', () => {
    const latest: FlagSnapshot = {
      revision: 6,
      flags: {
        'export-button': live(false, 'kill'),
        'snip-editor-layout': nextNavigation('side-by-side', 'rollout'),
        'snips-page-size': nextNavigation(20),
      },
    };
    expect(applyFlags(latest, atNavigation)).toEqual({
      revision: 6,
      flags: {
        'export-button': live(false, 'kill'),
        'snip-editor-layout': nextNavigation('stacked'),
        'snips-page-size': nextNavigation(20),
      },
      waiting: { 'snip-editor-layout': nextNavigation('side-by-side', 'rollout') },
    });
  });

  it('counts a new reason for the same value as waiting too (the dev panel shows why)', () => {
    const latest: FlagSnapshot = { ...atNavigation, revision: 5, flags: { ...atNavigation.flags, 'snips-page-size': nextNavigation(20, 'override') } };
    const applied = applyFlags(latest, atNavigation);
    expect(applied.flags['snips-page-size']).toEqual(nextNavigation(20));
    expect(applied.waiting).toEqual({ 'snips-page-size': nextNavigation(20, 'override') });
  });

  it('applies a flag at once that the last route change did not know, and forgets one the BFF no longer sends', () => {
    const latest: FlagSnapshot = { revision: 7, flags: { 'export-button': live(true), 'live-presence': nextNavigation(true) } };
    expect(applyFlags(latest, atNavigation)).toEqual({
      revision: 7,
      flags: { 'export-button': live(true), 'live-presence': nextNavigation(true) },
      waiting: {},
    });
  });
});

describe('flagValue', () => {
  it('reads a value, and falls back to the declared default for a flag a BFF of another release does not send', () => {
    expect(flagValue({ 'snips-page-size': { value: 50, reason: 'override', rule: 'user-override', propagation: 'next-navigation' } }, 'snips-page-size')).toBe(50);
    expect(flagValue({}, 'snips-page-size')).toBe(flagRegistry['snips-page-size'].default);
    expect(flagValue({}, 'snip-editor-layout')).toBe('stacked');
  });

  it('has the defaults of client flags only in the bundle', () => {
    expect(Object.keys(__CLIENT_FLAG_DEFAULTS__).sort()).toEqual(
      Object.entries(flagRegistry).filter(([, declaration]) => declaration.client).map(([key]) => key).sort(),
    );
  });
});
