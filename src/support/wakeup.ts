/**
 * Lets a background loop sleep until either a timeout passes or someone has
 * new work for it. A wake() while the loop is busy is remembered, so work
 * that arrives mid-round is never slept through.
 */
export class Wakeup {
  private pending = false;
  private release: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  wake(): void {
    if (this.release) this.finish();
    else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.release = resolve;
      this.timer = setTimeout(() => this.finish(), Math.max(0, ms));
    });
  }

  private finish(): void {
    clearTimeout(this.timer);
    const release = this.release;
    this.release = undefined;
    this.timer = undefined;
    release?.();
  }
}
