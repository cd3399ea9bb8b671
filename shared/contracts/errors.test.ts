import { describe, expect, it } from 'vitest';
import { describeWait } from './errors.ts';

describe('describeWait', () => {
  it('says seconds under a minute', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(45)).toBe('45 seconds');
    expect(describeWait(58.2)).toBe('59 seconds');
    expect(describeWait(59.2)).toBe('1 minute');
  });

  it('rounds up to minutes under an hour', () => {
    expect(describeWait(60)).toBe('1 minute');
    expect(describeWait(61)).toBe('2 minutes');
    expect(describeWait(896)).toBe('15 minutes');
    expect(describeWait(900)).toBe('15 minutes');
    expect(describeWait(3540)).toBe('59 minutes');
    expect(describeWait(3599)).toBe('1 hour');
  });

  it('rounds up to hours from an hour on', () => {
    expect(describeWait(3600)).toBe('1 hour');
    expect(describeWait(3601)).toBe('2 hours');
    expect(describeWait(5 * 3600)).toBe('5 hours');
  });

  it('never says less than a second', () => {
    expect(describeWait(0)).toBe('1 second');
  });
});
