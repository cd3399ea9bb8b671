import { describe, expect, it } from 'vitest';
import { formatTags, parseTags } from './snip-tags.ts';

describe('snip tags', () => {
  it('splits on commas, trims, lowercases, drops empties and duplicates', () => {
    expect(parseTags(' SQL, postgres,, sql ,  ')).toEqual(['sql', 'postgres']);
  });

  it('reads each tag by the rule of a tag typed in the filter bar', () => {
    expect(parseTags('#SQL, ##Ops ')).toEqual(['sql', 'ops']);
  });

  it('round-trips through the text field', () => {
    expect(parseTags(formatTags(['a', 'b-2']))).toEqual(['a', 'b-2']);
  });
});
