import { describe, expect, it } from 'vitest';
import type { JobStatus } from '#shared/contracts/jobs.ts';
import { canCancelJob, canRetryJob, describeJobProgress, describeJobStop, isJobFinished } from './job-status.ts';

describe('describeJobProgress', () => {
  it('counts snips once the job knows its total', () => {
    expect(describeJobProgress({ status: 'running', progress: { done: 120, total: 258 } })).toBe('120 of 258 snips');
    expect(describeJobProgress({ status: 'succeeded', progress: { done: 1, total: 1 } })).toBe('1 of 1 snip');
    expect(describeJobProgress({ status: 'succeeded', progress: { done: 0, total: 0 } })).toBe('0 of 0 snips');
  });

  it('says what it is doing while the total is unknown', () => {
    expect(describeJobProgress({ status: 'queued', progress: { done: 0, total: null } })).toBe('Waiting to start…');
    expect(describeJobProgress({ status: 'running', progress: { done: 0, total: null } })).toBe('Counting snips…');
    expect(describeJobProgress({ status: 'cancelled', progress: { done: 0, total: null } })).toBe('No snips exported');
  });
});

describe('what can be done with a job', () => {
  it.each<[JobStatus, { finished: boolean; cancel: boolean; retry: boolean }]>([
    ['queued', { finished: false, cancel: true, retry: false }],
    ['running', { finished: false, cancel: true, retry: false }],
    ['succeeded', { finished: true, cancel: false, retry: false }],
    ['failed', { finished: true, cancel: false, retry: true }],
    ['cancelled', { finished: true, cancel: false, retry: true }],
  ])('%s', (status, expected) => {
    expect({ finished: isJobFinished(status), cancel: canCancelJob(status), retry: canRetryJob(status) }).toEqual(expected);
  });

  it('says why a job stopped: its own error text when it failed', () => {
    expect(describeJobStop({ status: 'failed', error: 'You are no longer a member of the workspace this job ran in.' })).toBe(
      'You are no longer a member of the workspace this job ran in.',
    );
    expect(describeJobStop({ status: 'cancelled', error: null })).toBe('This export was cancelled before it finished.');
    expect(describeJobStop({ status: 'succeeded', error: null })).toBeNull();
  });
});
