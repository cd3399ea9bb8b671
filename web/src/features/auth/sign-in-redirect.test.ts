import { describe, expect, it } from 'vitest';
import { safeReturnTo, signInHref } from './sign-in-redirect.ts';

describe('sign-in redirects', () => {
  it('remembers where the visitor was going', () => {
    expect(signInHref('/snips/new?x=1')).toBe('/sign-in?returnTo=%2Fsnips%2Fnew%3Fx%3D1');
    expect(safeReturnTo('/snips/new?x=1')).toBe('/snips/new?x=1');
  });

  it('never returns to another origin', () => {
    for (const hostile of ['https://evil.example', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      expect(safeReturnTo(hostile)).toBe('/snips');
    }
    expect(safeReturnTo(null)).toBe('/snips');
  });
});
