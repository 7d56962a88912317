/**
 * A queue of text chunks between one producer (the generator) and one consumer (a COPY stream), with
 * back-pressure: `push` returns a promise to wait on while more than `highWater` characters are queued.
 * Until the consumer has started (its COPY may be waiting for a pooled connection that another stream
 * holds) the queue grows without making the producer wait, which would otherwise deadlock.
 */
export class ChunkQueue implements AsyncIterable<string> {
  private items: string[] = [];
  private head = 0;
  private size = 0;
  private closed = false;
  private failure: Error | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;
  private drained: Promise<void> | undefined;
  private consuming = false;

  constructor(private readonly highWater: number) {}

  /** Queued characters. */
  get length(): number {
    return this.size;
  }

  /** Adds a chunk; the returned promise (if any) resolves once the queue is below its high-water mark. */
  push(chunk: string): Promise<void> | undefined {
    if (this.closed) throw new Error('push after close');
    if (chunk.length === 0) return undefined;
    this.items.push(chunk);
    this.size += chunk.length;
    this.wake();
    if (this.size <= this.highWater || !this.consuming) return undefined;
    this.drained ??= new Promise<void>((resolve) => {
      this.wakeProducer = resolve;
    });
    return this.drained;
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Ends the consumer with an error (the producer failed). */
  fail(error: Error): void {
    this.failure = error;
    this.close();
    this.release();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    this.consuming = true;
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.head < this.items.length) {
        const chunk = this.items[this.head] ?? '';
        this.items[this.head] = '';
        this.head++;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        this.size -= chunk.length;
        if (this.size <= this.highWater) this.release();
        yield chunk;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
    }
  }

  private release(): void {
    const resolve = this.wakeProducer;
    this.wakeProducer = undefined;
    this.drained = undefined;
    resolve?.();
  }

  private wake(): void {
    const resolve = this.wakeConsumer;
    this.wakeConsumer = undefined;
    resolve?.();
  }
}
