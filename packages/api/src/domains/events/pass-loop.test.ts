import { afterEach, describe, expect, it, vi } from 'vitest';
import { PassLoop } from './pass-loop';

/** A loop whose passes wait until the test lets each one finish (or fail). */
function heldLoop() {
  const finishers: { finish(): void; fail(error: Error): void }[] = [];
  const errors: unknown[] = [];
  const loop = new PassLoop({
    pass: () => new Promise<void>((resolve, reject) => finishers.push({ finish: resolve, fail: reject })),
    onError: (error) => errors.push(error),
    retryDelayMs: { initial: 1_000, max: 4_000 },
  });
  /** Lets the latest pass end and waits for what follows from it. */
  const end = async (outcome?: Error) => {
    const pass = finishers.at(-1);
    if (outcome) pass?.fail(outcome);
    else pass?.finish();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { loop, finishers, errors, end };
}

describe('PassLoop: passes one at a time, none lost, none doubled', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs nothing before start, then one pass, and exactly one more for any wake-ups during it', async () => {
    const { loop, finishers, end } = heldLoop();
    loop.request();
    expect(finishers).toHaveLength(0);
    loop.start();
    expect(finishers).toHaveLength(1);
    loop.request();
    loop.request();
    loop.request();
    await end();
    expect(finishers).toHaveLength(2);
    await end();
    await loop.idle();
    expect(finishers).toHaveLength(2);
  });

  it('retries a failed pass after the retry delay, doubling while passes fail, and not sooner on a wake-up during it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { loop, finishers, errors, end } = heldLoop();
    loop.start();
    loop.request();
    await end(new Error('database away'));
    expect(errors).toHaveLength(1);
    expect(finishers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(finishers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(finishers).toHaveLength(2);

    await end(new Error('still away'));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(finishers).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(finishers).toHaveLength(3);
    await end();
    await loop.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops after the running pass, runs no other, and leaves no retry waiting', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { loop, finishers, end } = heldLoop();
    loop.start();
    loop.retrySoon();
    expect(vi.getTimerCount()).toBe(1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    loop.request();
    expect(loop.stopped).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await Promise.resolve();
    expect(stopped).toBe(false);
    await end();
    await stopping;
    expect(finishers).toHaveLength(1);
  });
});
