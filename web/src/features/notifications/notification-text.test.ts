import { describe, expect, it } from 'vitest';
import type { JobStatus } from '#shared/contracts/jobs.ts';
import type { Notification } from '#shared/contracts/notifications.ts';
import { bellLabel, describeNotification } from './notification-text.ts';

const snip = { id: '0b6a2c1e-cccc-4a1a-8a1a-0000000000a1', title: 'Debounce a function' };
const jobId = '0b6a2c1e-9999-4a1a-8a1a-0000000000b1';
const about = (kind: Notification['kind'], overrides: Partial<Pick<Notification, 'actorName' | 'snip' | 'job'>> = {}) =>
  describeNotification({ kind, actorName: 'Max Member', snip, job: null, ...overrides });
const jobFinished = (status: JobStatus) =>
  describeNotification({ kind: 'job_finished', actorName: null, snip: null, job: { id: jobId, kind: 'export', status } });

describe('describeNotification', () => {
  it.each<[Notification['kind'], string]>([
    ['comment', 'Max Member commented on “Debounce a function”'],
    ['snip_shared', 'Max Member shared “Debounce a function” with you'],
  ])('names the visible snip of a %s and leads to it', (kind, text) => {
    expect(about(kind)).toEqual({ text, to: `/snips/${snip.id}` });
  });

  it.each<[Notification['kind'], string]>([
    ['comment', 'Max Member commented on a snip you can no longer see'],
    ['snip_shared', 'Max Member shared a snip you can no longer see'],
  ])('still reads as a sentence, leading nowhere, when the %s is about a snip out of reach', (kind, text) => {
    expect(about(kind, { snip: null })).toEqual({ text, to: null });
  });

  it('says "Someone" when the account behind it is gone', () => {
    expect(about('comment', { actorName: null }).text).toBe('Someone commented on “Debounce a function”');
  });

  it.each<[JobStatus, string]>([
    ['succeeded', 'Your export is ready'],
    ['failed', 'Your export failed'],
    ['cancelled', 'Your export was cancelled'],
  ])('says how a finished export ended (%s) and leads to its job page, not to a snip', (status, text) => {
    expect(jobFinished(status)).toEqual({ text, to: `/jobs/${jobId}` });
  });

  it('still reads as a sentence, leading nowhere, when a finished job names no job', () => {
    expect(about('job_finished', { actorName: null, snip: null })).toEqual({ text: 'Your background job finished', to: null });
  });
});

describe('bellLabel', () => {
  it('puts the unread count in the name, and leaves it out when there is none (or none known yet)', () => {
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
    expect(bellLabel(0)).toBe('Notifications');
    expect(bellLabel(undefined)).toBe('Notifications');
  });
});
