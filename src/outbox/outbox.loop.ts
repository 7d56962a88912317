import type { Logger } from '../platform/logger.ts';

/**
 * The in-process half of the outbox's "leave as soon as queued": runs a delivery pass at once when kicked (an SMS queued by a request goes out within milliseconds), one
 * pass at a time (kicks during a pass coalesce into one more pass), and wakes itself when the next retry
 * falls due. Nothing here must survive a restart: the outbox rows are the state, and the job's sweep picks up
 * whatever a stopped process left behind.
 */
export class DeliveryLoop {
  private running = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly deferred = new Set<NodeJS.Timeout>();

  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<{ full: boolean }>,
    private readonly nextDueAt: () => Promise<Date | undefined>,
    private readonly logger: Logger,
    /** The longest the loop sleeps before looking again (the job's sweep covers other processes). */
    private readonly maxSleepMs = 60_000,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run();
  }

  /**
   * Kicks a few times over the next half second: for rows written in a transaction that has not committed
   * yet, which a pass cannot see until it does.
   */
  kickSoon(delays: readonly number[] = [5, 50, 500]): void {
    if (this.stopped) return;
    for (const delay of delays) {
      const timer = setTimeout(() => {
        this.deferred.delete(timer);
        this.kick();
      }, delay);
      timer.unref();
      this.deferred.add(timer);
    }
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        const { full } = await this.pass();
        if (full) this.again = true;
      } while (this.again && !this.stopped);
      if (!this.stopped) await this.arm();
    } catch (error) {
      this.again = false;
      if (!this.stopped) this.logger.error({ err: error, loop: this.name }, 'delivery pass failed');
    } finally {
      this.running = false;
      if (this.again) this.kick();
    }
  }

  private async arm(): Promise<void> {
    const due = await this.nextDueAt();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!due || this.stopped) return;
    const delay = Math.min(Math.max(due.getTime() - Date.now(), 0), this.maxSleepMs);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const timer of this.deferred) clearTimeout(timer);
    this.deferred.clear();
  }
}
