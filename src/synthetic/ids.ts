import type { Random } from '../shared/random.ts';

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX1 = '0123456789abcdef';

/**
 * The same id `random.uuid()` returns (same draws, same text), built from lookup tables: the seed run
 * makes millions of ids and the general version's string slicing dominated generation time.
 */
export function nextUuid(random: Random): string {
  const a = (random.next() * 4294967296) >>> 0;
  const b = (random.next() * 4294967296) >>> 0;
  const c = (random.next() * 4294967296) >>> 0;
  const d = (random.next() * 4294967296) >>> 0;
  return `${HEX2[a >>> 24]}${HEX2[(a >>> 16) & 255]}${HEX2[(a >>> 8) & 255]}${HEX2[a & 255]}-${HEX2[b >>> 24]}${HEX2[(b >>> 16) & 255]}-4${HEX1[(b >>> 8) & 15]}${HEX2[b & 255]}-${HEX1[((c >>> 28) & 3) | 8]}${HEX1[(c >>> 24) & 15]}${HEX2[(c >>> 16) & 255]}-${HEX2[(c >>> 8) & 255]}${HEX2[c & 255]}${HEX2[d >>> 24]}${HEX2[(d >>> 16) & 255]}${HEX2[(d >>> 8) & 255]}${HEX2[d & 255]}`;
}
