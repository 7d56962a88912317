/**
 * Writes COPY text (PostgreSQL text format: tab between fields, newline after a row, `\N` for null)
 * field by field into a byte buffer and hands it out as strings of up to 64 KB.
 *
 * Why not template strings: each line built with `${...}` is a rope of a dozen small strings that has to
 * be flattened before it can be written, and with millions of lines the allocations kept the garbage
 * collector busier than the generator itself. Here nothing is allocated per field. Chunks stay at 64 KB
 * because larger strings go to V8's large-object space, which was about 100 times slower to fill here.
 *
 * Values are written as given: callers pass only text without tabs, newlines or backslashes (our own
 * lists are checked once; see `copyEscape` for anything else). Non-ASCII text is encoded as UTF-8.
 */
export const COPY_NULL = '\\N';

const SIZE = 64 * 1024;
/** Longest row the generator writes, with room to spare (names are capped at 100 characters). */
const MAX_ROW = 4096;

export class CopyWriter {
  private buffer = Buffer.allocUnsafe(SIZE);
  private position = 0;
  private utf8 = false;
  private parts: string[] = [];

  /** Starts a row (makes room for it). */
  row(): this {
    if (this.position + MAX_ROW > SIZE) this.seal();
    return this;
  }

  /** A text field followed by a tab. */
  text(value: string): this {
    this.put(value);
    this.buffer[this.position++] = 9;
    return this;
  }

  /** A non-negative integer field followed by a tab. */
  int(value: number): this {
    this.putInt(value);
    this.buffer[this.position++] = 9;
    return this;
  }

  /** The last field of a row (text). */
  end(value: string): void {
    this.put(value);
    this.buffer[this.position++] = 10;
  }

  /** Text without a separator (to build one field from parts). */
  raw(value: string): this {
    this.put(value);
    return this;
  }

  /** A non-negative integer without a separator. */
  digits(value: number): this {
    this.putInt(value);
    return this;
  }

  /** A field separator (after `raw`/`digits` parts). */
  tab(): this {
    this.buffer[this.position++] = 9;
    return this;
  }

  /** An integer left-padded with zeros to `width` digits, without a separator. */
  padded(value: number, width: number): this {
    const digits = String(value);
    for (let i = digits.length; i < width; i++) this.buffer[this.position++] = 48;
    this.put(digits);
    return this;
  }

  /** The finished text so far, in chunks; the writer starts over. */
  take(): string[] {
    this.seal();
    const parts = this.parts;
    this.parts = [];
    return parts;
  }

  private put(value: string): void {
    const buffer = this.buffer;
    let p = this.position;
    const n = value.length;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 127) {
        this.position = p + buffer.write(value.slice(i), p, 'utf8');
        this.utf8 = true;
        return;
      }
      buffer[p++] = c;
    }
    this.position = p;
  }

  private putInt(value: number): void {
    if (value < 10) {
      this.buffer[this.position++] = 48 + value;
      return;
    }
    this.put(String(value));
  }

  private seal(): void {
    if (this.position === 0) return;
    this.parts.push(this.buffer.toString(this.utf8 ? 'utf8' : 'latin1', 0, this.position));
    this.position = 0;
    this.utf8 = false;
  }
}
