import type { Log } from './log.js';
import { Wakeup } from './wakeup.js';

/**
 * A background worker that runs rounds until stopped: after each round it sleeps for what the
 * round asked (cut short by `wake()`), and after a failed round it logs and tries again in 1 s.
 */
export abstract class BackgroundLoop {
  protected readonly wakeup = new Wakeup();
  protected running = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly loopLog: Log,
    private readonly what: string,
  ) {}

  start(): void {
    this.running = true;
    this.done = this.loop();
  }

  wake(): void {
    this.wakeup.wake();
  }

  /** Ends the loop after its current round. */
  protected async stopLoop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    await this.done;
  }

  /** One round. Returns how long to sleep (ms, woken early by wake()), or undefined to go on at once. */
  protected abstract round(): Promise<number | undefined>;

  private async loop(): Promise<void> {
    while (this.running) {
      let sleepMs: number | undefined;
      try {
        sleepMs = await this.round();
      } catch (error) {
        this.loopLog.error({ err: error }, `${this.what} failed; retrying in 1 s`);
        sleepMs = 1000;
      }
      if (sleepMs !== undefined && this.running) await this.wakeup.wait(sleepMs);
    }
  }
}
