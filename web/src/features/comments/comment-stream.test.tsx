import { renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Comment } from '#shared/contracts/comments.ts';
import { startLiveTest, type LiveTest } from '../../app/feature-test-harness.tsx';
import { useSnipViewers } from '../snips/snip-viewers.ts';
import { commentKeys } from './comment-keys.ts';
import { useCommentStream } from './comment-stream.ts';

// What the `snip:<id>` stream does to an open snip's comments and to who is shown viewing it: the comment count
// invalidates the list only when it says something the cache does not show; presence lands in the query cache.

const id = '0b6a2c1e-cccc-4a1a-8a1a-0000000000a1';
const stream = `snip:${id}` as const;
const me = { id: '0b6a2c1e-1111-4a1a-8a1a-000000000001', name: 'Olivia Owner' };
const max = { id: '0b6a2c1e-2222-4a1a-8a1a-000000000002', name: 'Max Member' };
const comment = { id: '0b6a2c1e-eeee-4a1a-8a1a-000000000001', author: max, body: 'Nice', createdAt: new Date().toISOString() } satisfies Comment;
let live: LiveTest;

beforeEach(async () => {
  live = await startLiveTest();
  live.queryClient.setQueryData(commentKeys.list(id), { comments: [comment] });
});

afterEach(() => live.stop());

async function followed<T>(hook: () => T) {
  const rendered = renderHook(hook, { wrapper: live.Providers });
  return { peer: await live.subscribed(stream), rendered };
}

const state = (comments: number, version = 1) => ({ kind: 'snip' as const, version, comments, deleted: false });
const commentsInvalidated = () => live.queryClient.getQueryState(commentKeys.list(id))?.isInvalidated;
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('useCommentStream', () => {
  it('leaves the comments alone while the count is the one on screen (an edit of the snip, our own comment)', async () => {
    const { peer } = await followed(() => useCommentStream(id));
    peer.send({ v: 1, type: 'snapshot', stream, seq: 1, state: state(1) });
    peer.send({ v: 1, type: 'update', stream, seq: 2, state: state(1, 2) });
    await settle();
    expect(commentsInvalidated()).toBe(false);
  });

  it('reads the comments again when the count moves', async () => {
    const { peer } = await followed(() => useCommentStream(id));
    peer.send({ v: 1, type: 'snapshot', stream, seq: 1, state: state(1) });
    peer.send({ v: 1, type: 'update', stream, seq: 2, state: state(2) });
    await vi.waitFor(() => expect(commentsInvalidated()).toBe(true));
  });
});

describe('useSnipViewers', () => {
  it('shows who the latest presence message names, leaving out the person themselves', async () => {
    const { peer, rendered } = await followed(() => useSnipViewers(id, me.id));
    expect(rendered.result.current).toEqual([]);
    peer.send({ v: 1, type: 'presence', stream, viewers: [me, max] });
    await vi.waitFor(() => expect(rendered.result.current).toEqual([max]));
    peer.send({ v: 1, type: 'presence', stream, viewers: [me] });
    await vi.waitFor(() => expect(rendered.result.current).toEqual([]));
  });

  it('forgets the viewers when the snip may no longer be followed', async () => {
    const { peer, rendered } = await followed(() => useSnipViewers(id, me.id));
    peer.send({ v: 1, type: 'presence', stream, viewers: [me, max] });
    await vi.waitFor(() => expect(rendered.result.current).toEqual([max]));
    peer.send({ v: 1, type: 'ended', stream });
    await vi.waitFor(() => expect(rendered.result.current).toEqual([]));
  });
});
