import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createInProcessChannels, createRedisChannels, type ChannelLayer } from './channels.ts';

// With REDIS_URL the two layers stand for two BFF instances talking through Redis; without it, one process.
const redisUrl = process.env.REDIS_URL;
const prefix = `snipdesk_test_${randomBytes(4).toString('hex')}:`;
const log = { warn: () => {} };
const first: ChannelLayer = redisUrl ? createRedisChannels(redisUrl, prefix, log) : createInProcessChannels();
const second: ChannelLayer = redisUrl ? createRedisChannels(redisUrl, prefix, log) : first;
afterAll(async () => {
  await first.close();
  if (second !== first) await second.close();
});

/** Subscribes and collects; `received` fills as messages arrive. */
async function collect(layer: ChannelLayer, stream: string) {
  const received: unknown[] = [];
  const stop = await layer.subscribe(stream, (message) => received.push(message));
  return { received, stop };
}

describe(`channel layer (${redisUrl ? 'Redis' : 'in-process'})`, () => {
  it('delivers a publish to every subscriber of the stream, on every instance', async () => {
    const onFirst = await collect(first, 'snip:a');
    const onSecond = await collect(second, 'snip:a');
    await first.publish('snip:a', { seq: 1, version: 2 });
    await expect.poll(() => onSecond.received).toEqual([{ seq: 1, version: 2 }]);
    await expect.poll(() => onFirst.received).toEqual([{ seq: 1, version: 2 }]);
    await Promise.all([onFirst.stop(), onSecond.stop()]);
  });

  it('keeps streams apart and stops delivering after unsubscribe', async () => {
    const stream = await collect(second, 'snip:b');
    await first.publish('snip:other', { seq: 1 });
    await first.publish('snip:b', { seq: 1 });
    await expect.poll(() => stream.received).toEqual([{ seq: 1 }]);
    await stream.stop();
    await first.publish('snip:b', { seq: 2 });
    // Messages on one connection arrive in order: once the control message is in, seq 2 would have been too.
    const control = await collect(second, 'snip:control');
    await first.publish('snip:control', 'after');
    await expect.poll(() => control.received).toEqual(['after']);
    await control.stop();
    expect(stream.received).toEqual([{ seq: 1 }]);
  });

  it('hands each subscriber its own copy', async () => {
    const a = await collect(second, 'snip:c');
    const b = await collect(second, 'snip:c');
    await first.publish('snip:c', { n: 1 });
    await expect.poll(() => a.received.length + b.received.length).toBe(2);
    (a.received[0] as { n: number }).n = 99;
    expect(b.received[0]).toEqual({ n: 1 });
    await Promise.all([a.stop(), b.stop()]);
  });
});
