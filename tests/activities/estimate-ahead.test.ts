/**
 * The estimate stage's queue of computes (activities/estimate-ahead.ts): at most `depth` handed to the
 * pool at a time, the next one as each ends, a step asked for handed over at once, each taken once.
 */
import { describe, expect, it } from 'vitest';
import { AheadQueue } from '../../activities/estimate-ahead';

/** Computes that end when the test says: `started` in the order they were handed to the "pool". */
function computes() {
  const started: string[] = [];
  const finish = new Map<string, (v: string) => void>();
  const start = (key: string) => () => {
    started.push(key);
    return new Promise<string>((resolve) => finish.set(key, resolve));
  };
  const end = async (key: string) => {
    finish.get(key)!(`result of ${key}`);
    await new Promise((r) => setImmediate(r)); // the queue's completion handler runs
  };
  return { started, start, end };
}

describe('the computes queued ahead of the batches', () => {
  it('hands `depth` to the pool at a time, in order, the next as one ends', async () => {
    const c = computes();
    const q = new AheadQueue<string>(2);
    for (const k of ['a', 'b', 'c', 'd']) q.add(k, c.start(k));
    expect(c.started).toEqual(['a', 'b']);
    expect(q.waitingCount).toBe(2);
    await c.end('a');
    expect(c.started).toEqual(['a', 'b', 'c']);
    await c.end('b');
    await c.end('c');
    expect(c.started).toEqual(['a', 'b', 'c', 'd']);
    expect(q.waitingCount).toBe(0);
  });

  it('starts a step a batch asks for at once, ahead of the others still waiting', async () => {
    const c = computes();
    const q = new AheadQueue<string>(1);
    for (const k of ['a', 'b', 'c', 'd']) q.add(k, c.start(k));
    const d = q.take('d');
    expect(c.started).toEqual(['a', 'd']);
    await c.end('d');
    await expect(d).resolves.toBe('result of d');
    // A step asked for counts in the pool while it computes: only when 'a' ends too is the pool below
    // its depth again, and the next waiting one goes to it, in the stage's order.
    expect(c.started).toEqual(['a', 'd']);
    await c.end('a');
    expect(c.started).toEqual(['a', 'd', 'b']);
  });

  it('gives each compute once; a step never queued, or taken before, is the caller to compute', async () => {
    const c = computes();
    const q = new AheadQueue<string>(4);
    q.add('a', c.start('a'));
    q.add('a', c.start('a')); // queued once
    const a = q.take('a');
    expect(a).toBeDefined();
    expect(q.take('a')).toBeUndefined();
    expect(q.take('never queued')).toBeUndefined();
    await c.end('a');
    await expect(a).resolves.toBe('result of a');
    expect(c.started).toEqual(['a']);
  });

  it('keeps going after a compute fails, and the failure reaches the one who takes it', async () => {
    const q = new AheadQueue<string>(1);
    const started: string[] = [];
    q.add('bad', () => (started.push('bad'), Promise.reject(new Error('thread died'))));
    q.add('next', () => (started.push('next'), Promise.resolve('ok')));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['bad', 'next']);
    await expect(q.take('bad')).rejects.toThrow('thread died');
    await expect(q.take('next')).resolves.toBe('ok');
  });
});
