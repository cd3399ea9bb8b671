import { describe, expect, it } from 'vitest';
import { hasSnipFilters, sameSnipFilters, snipFiltersFrom, snipSearchParams } from './snip-filters.ts';

const author = '00000000-0000-4000-8000-000000000002';

describe('snip filters in the address', () => {
  it('reads every filter the API takes', () => {
    const params = new URLSearchParams({ q: ' retry  ', language: 'python', tag: 'resilience', visibility: 'public', author });
    expect(snipFiltersFrom(params)).toEqual({ q: 'retry', language: 'python', tag: 'resilience', visibility: 'public', author });
  });

  it('leaves out what the API would refuse instead of failing the page', () => {
    const params = new URLSearchParams({ q: '', language: 'cobol', tag: 'not a tag', visibility: 'secret', author: 'me', other: 'x' });
    expect(snipFiltersFrom(params)).toEqual({});
  });

  it('normalizes a typed tag', () => {
    expect(snipFiltersFrom(new URLSearchParams({ tag: ' #Postgres ' }))).toEqual({ tag: 'postgres' });
  });

  it('writes them back in a fixed order without empty values, so equal filters make equal addresses', () => {
    const params = snipSearchParams({ author, visibility: 'workspace', q: 'deb go', language: undefined, tag: '' });
    expect(params.toString()).toBe(`q=deb+go&visibility=workspace&author=${author}`);
    expect(snipFiltersFrom(params)).toEqual({ q: 'deb go', visibility: 'workspace', author });
    expect(sameSnipFilters({ q: 'x', tag: undefined }, { q: 'x' })).toBe(true);
    expect(hasSnipFilters({ q: '  ' })).toBe(false);
    expect(hasSnipFilters({ language: 'go' })).toBe(true);
  });
});
