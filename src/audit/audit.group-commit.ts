/**
 * Group commit for audit entries appended outside a transaction (audited reads: every record opened, every
 * search). Each such append used to be a statement and a commit of its own: under load that is one round
 * trip and one WAL flush per request, the largest part of an audited read after the read itself.
 *
 * Appends that arrive while an insert is in flight wait for it to finish and then go together in the next
 * multi-row insert. Under light load an append is inserted at once (no timer, no added wait); under heavy
 * load batches grow by themselves to the number of requests that arrived during one insert. Every caller
 * still gets its own seqs, and its promise settles only after the insert holding its entries has committed,
 * so a request is never answered before its entry is durable (the citizen's access log stays exact).
 *
 * A batch that fails is retried entry list by entry list, so one caller's bad entry fails that caller
 * alone and never drops another request's record.
 */

/** Inserts the rows in one statement (autocommit: atomic), returning their seqs in the input's order. */
export type InsertRows<Row> = (rows: readonly Row[]) => Promise<number[]>;

interface Waiting<Row> {
  rows: readonly Row[];
  resolve(seqs: number[]): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** The largest single statement (bind parameters are bounded: see INSERT_CHUNK). */
  maxRows: number;
  /**
   * Inserts in flight at once. With one, an entry arriving just after an insert started waits for that
   * insert and then its own; a second lane halves that wait at the cost of a second pooled connection.
   */
  lanes: number;
}

export class GroupCommit<Row> {
  private waiting: Waiting<Row>[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly insert: InsertRows<Row>,
    private readonly options: GroupCommitOptions,
  ) {}

  append(rows: readonly Row[]): Promise<number[]> {
    if (rows.length === 0) return Promise.resolve([]);
    if (rows.length > this.options.maxRows) return this.insert(rows);
    return new Promise<number[]>((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      this.kick();
    });
  }

  /** Starts an insert of what waits in each free lane. */
  private kick(): void {
    while (this.inFlight.size < this.options.lanes && this.waiting.length > 0) {
      const lane: Promise<void> = this.insertBatch(this.takeBatch()).finally(() => {
        this.inFlight.delete(lane);
        // What arrived during this insert goes next.
        this.kick();
      });
      this.inFlight.add(lane);
    }
  }

  /** Settles once nothing is waiting or being inserted (a graceful stop waits for this). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Never rejects: every caller's promise is settled instead. */
  private async insertBatch(batch: Waiting<Row>[]): Promise<void> {
    try {
      const seqs = await this.insert(batch.flatMap((w) => w.rows));
      let at = 0;
      for (const w of batch) {
        w.resolve(seqs.slice(at, at + w.rows.length));
        at += w.rows.length;
      }
    } catch {
      // Which caller's rows failed is not known: each goes alone, and only the bad ones fail.
      for (const w of batch) {
        try {
          w.resolve(await this.insert(w.rows));
        } catch (error) {
          w.reject(error);
        }
      }
    }
  }

  /** The waiting appends, oldest first, up to maxRows rows in all (at least one append). */
  private takeBatch(): Waiting<Row>[] {
    let rows = 0;
    let n = 0;
    while (n < this.waiting.length) {
      const next = this.waiting[n]?.rows.length ?? 0;
      if (n > 0 && rows + next > this.options.maxRows) break;
      rows += next;
      n++;
    }
    return this.waiting.splice(0, n);
  }
}
