import { crc32 } from 'node:zlib';

/**
 * Is a file what its type says, all the way through? A first-bytes check lets through a PNG signature
 * followed by an HTML page (a polyglot a browser or a careless viewer may render as a page). So a PNG
 * must be a sound chunk sequence from IHDR to IEND and end there, a JPEG must run from SOI to EOI, a PDF
 * must start with its header and end with its end-of-file marker, and images must carry no HTML or
 * script markers anywhere (in a text chunk, in a comment, after the end).
 *
 * Returns what is wrong, or undefined when the file passes.
 */
export type CheckedType = 'application/pdf' | 'image/jpeg' | 'image/png';

export function contentProblem(type: CheckedType, data: Uint8Array): string | undefined {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  switch (type) {
    case 'image/png':
      return pngProblem(bytes) ?? markupProblem(bytes);
    case 'image/jpeg':
      return jpegProblem(bytes) ?? markupProblem(bytes);
    case 'application/pdf':
      return pdfProblem(bytes);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHUNK_TYPE = /^[A-Za-z]{4}$/;

function pngProblem(bytes: Buffer): string | undefined {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'not a PNG signature';
  let offset = 8;
  let seenData = false;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) return 'truncated PNG chunk';
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (!CHUNK_TYPE.test(type)) return 'malformed PNG chunk type';
    if (length > 0x7fffffff || offset + 12 + length > bytes.length) return 'truncated PNG chunk';
    const stored = bytes.readUInt32BE(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== stored)
      return `bad CRC in PNG chunk ${type}`;
    if (offset === 8 && (type !== 'IHDR' || length !== 13)) return 'PNG does not start with IHDR';
    if (type === 'IDAT') seenData = true;
    offset += 12 + length;
    if (type === 'IEND') {
      if (length !== 0) return 'malformed PNG IEND';
      if (offset !== bytes.length) return 'data after the PNG IEND chunk';
      return seenData ? undefined : 'PNG without image data';
    }
  }
  return 'PNG without IEND';
}

function jpegProblem(bytes: Buffer): string | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
    return 'not a JPEG start of image';
  }
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9)
    return 'JPEG does not end with EOI';
  return undefined;
}

/** Where a PDF reader looks for the end-of-file marker: the last 1024 bytes. */
const PDF_TAIL = 1024;

function pdfProblem(bytes: Buffer): string | undefined {
  if (bytes.toString('latin1', 0, 5) !== '%PDF-') return 'not a PDF header';
  const tail = bytes.toString('latin1', Math.max(5, bytes.length - PDF_TAIL));
  if (!tail.includes('%%EOF')) return 'PDF without %%EOF at its end';
  return undefined;
}

/**
 * What makes a browser treat bytes as a page or run them as script. Image metadata (XMP) is XML but uses
 * none of these; compressed image data meets a six-letter sequence like these by chance about never.
 */
const MARKUP = [
  '<script',
  '<html',
  '<body',
  '<head',
  '<iframe',
  '<svg',
  '<!doctype',
  '<object',
  '<embed',
  '<meta',
  '<link',
  '<form',
  'javascript:',
];

function markupProblem(bytes: Buffer): string | undefined {
  const text = bytes.toString('latin1').toLowerCase();
  const found = MARKUP.find((marker) => text.includes(marker));
  return found ? `HTML or script marker '${found}' in an image` : undefined;
}
