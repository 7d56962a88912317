/**
 * A progress bar on stderr: redrawn in place on a terminal, or a plain line every 10% when stderr is a
 * file or a pipe (CI logs stay readable).
 */
export class Progress {
  private readonly started = performance.now();
  private readonly tty: boolean;
  private lastDraw = 0;
  private lastStep = -1;
  private done = false;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
  }

  update(current: number): void {
    if (this.done || this.total <= 0) return;
    const share = Math.min(1, current / this.total);
    const seconds = (performance.now() - this.started) / 1000;
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < 100 && share < 1) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(share * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      this.stream.write(
        `\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${current.toLocaleString('en')}/${this.total.toLocaleString('en')} ${this.label} ${seconds.toFixed(1)} s`,
      );
    } else {
      const step = Math.floor(share * 10);
      if (step <= this.lastStep) return;
      this.lastStep = step;
      this.stream.write(
        `${(step * 10).toString().padStart(3)}% ${current.toLocaleString('en')}/${this.total.toLocaleString('en')} ${this.label} ${seconds.toFixed(1)} s\n`,
      );
    }
  }

  /** Ends the bar's line; `note` is printed after it (e.g. the next phase). */
  finish(note?: string): void {
    if (this.done) return;
    this.done = true;
    if (this.tty) this.stream.write('\n');
    if (note) this.stream.write(`${note}\n`);
  }

  note(text: string): void {
    this.stream.write(`${text}\n`);
  }
}
