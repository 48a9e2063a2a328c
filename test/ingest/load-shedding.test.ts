import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoadShedder } from '../../src/ingest/load-shedding.js';

/** Keeps the event loop busy, as a flood of synchronous work would. */
function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Lets the loop run once more (the delay monitor's own timer fires and records the delay). */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

let shedder: LoadShedder | undefined;

afterEach(() => {
  shedder?.close();
  shedder = undefined;
  vi.useRealTimers();
});

describe('LoadShedder', () => {
  it.each([
    [0, 100, false],
    [99, 100, false],
    [100, 100, true],
    [250, 100, true],
  ])('when %i webhooks wait to be stored with a limit of %i then a new one is refused: %s', (queued, limit, refused) => {
    shedder = new LoadShedder({ maxQueuedWebhooks: limit, maxEventLoopDelayMs: 10_000, queueDepth: () => queued });
    const check = () => shedder?.check();
    if (refused) {
      expect(check).toThrow(
        expect.objectContaining({
          code: 'OVERLOADED',
          statusCode: 503,
          headers: { 'retry-after': '1' },
          message: `${queued} webhooks are waiting to be stored; retry later`,
        }),
      );
    } else {
      expect(check).not.toThrow();
    }
  });

  it('when the event loop was held up longer than allowed in the last second then webhooks are refused, and accepted again after a calm second', async () => {
    // Only the once-a-second sampling is faked: the delay itself is measured for real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    shedder = new LoadShedder({ maxQueuedWebhooks: 1000, maxEventLoopDelayMs: 100, queueDepth: () => 0 });
    await turn(); // the monitor starts timing on the loop's next turn
    blockLoop(400);
    await turn();
    expect(() => shedder?.check()).not.toThrow(); // not sampled yet
    vi.advanceTimersByTime(1000);
    expect(() => shedder?.check()).toThrow(expect.objectContaining({ code: 'OVERLOADED', message: 'The relay is saturated; retry later' }));

    await turn();
    vi.advanceTimersByTime(1000);
    expect(() => shedder?.check()).not.toThrow();
  });
});
