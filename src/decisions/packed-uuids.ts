import type { IdList } from '../rules/population.ts';

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** The text form of the 16 bytes of a uuid at `offset`. */
export function uuidAt(bytes: Uint8Array, offset: number): string {
  let text = '';
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) text += '-';
    text += HEX[bytes[offset + k] ?? 0];
  }
  return text;
}

/**
 * Uuids kept as 16 bytes each. A national load has 47 million person ids; as strings they would take
 * gigabytes and seconds to make, while the decisions pipeline reads only those of the households it explains.
 */
export class PackedUuids implements IdList {
  readonly length: number;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    if (bytes.length % 16 !== 0) throw new RangeError('Packed uuids take 16 bytes each');
    this.#bytes = bytes;
    this.length = bytes.length / 16;
  }

  at(index: number): string | undefined {
    const i = index < 0 ? this.length + index : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    return uuidAt(this.#bytes, i * 16);
  }

  indexOf(id: string): number {
    const hex = id.replaceAll('-', '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(hex)) return -1;
    const wanted = new Uint8Array(16);
    for (let k = 0; k < 16; k++) wanted[k] = Number.parseInt(hex.slice(2 * k, 2 * k + 2), 16);
    const bytes = this.#bytes;
    outer: for (let i = 0; i < this.length; i++) {
      const at = i * 16;
      for (let k = 0; k < 16; k++) if (bytes[at + k] !== wanted[k]) continue outer;
      return i;
    }
    return -1;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.length; i++) yield uuidAt(this.#bytes, i * 16);
  }
}
