/**
 * Reads the frame of a bank's result file (encoding, header, records, trailer) into values, refusing
 * as malformed anything that does not have the expected shape. Consistency checks across records (batch,
 * checksum, totals, duplicates) belong to result-file.ts.
 */
import { CONTROL_CHARACTER, isUtcTimestamp, LONE_SURROGATE, parseAmount, parseCount } from './fields.ts';
import { MAX_LINE_LENGTH, MAX_RECORDS, parseCsvRecord, sha256Hex } from './frame.ts';
import {
  REJECTION_REASONS,
  RESULT_FILE_KIND,
  RESULT_FILE_VERSION,
  type RejectionReason,
  type ResultFileHeader,
  type ResultFileProblem,
  type ResultLine,
} from './result-types.ts';

export interface ResultFrame {
  header: ResultFileHeader;
  /** The R records as read (line end removed), for the checksum. */
  records: string[];
  lines: ResultLine[];
  /** Physical line number of each entry of `lines`. */
  lineNumbers: number[];
  count: number;
  total: number;
  sha256: string;
  fileSha256: string;
}

export type ReadFrame = { ok: true; frame: ResultFrame } | { ok: false; problem: ResultFileProblem };

const OUTCOMES = { PAID: 'paid', REJECTED: 'rejected' } as const;
const REASONS: ReadonlySet<string> = new Set(REJECTION_REASONS);
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Largest text worth reading: every line at the limit, plus its CRLF, plus a BOM. */
const MAX_FILE_LENGTH = (MAX_RECORDS + 2) * (MAX_LINE_LENGTH + 2) + 1;

function malformed(line: number, detail: string): ReadFrame {
  return { ok: false, problem: { code: 'BANK_FILE_MALFORMED', line, detail } };
}

export function readResultFrame(input: Uint8Array | string): ReadFrame {
  const decoded = decode(input);
  if (typeof decoded === 'string') return malformed(0, decoded);
  if (decoded.text === '') return malformed(0, 'empty file');
  const physical = decoded.text.split('\n');
  if (physical[physical.length - 1] === '') physical.pop(); // the last line's own line end
  if (physical.length - 2 > MAX_RECORDS) return malformed(0, `more than ${MAX_RECORDS} records`);

  const frame: ResultFrame = {
    header: { batchRef: '', bankCode: '', processedAt: '' },
    records: [],
    lines: [],
    lineNumbers: [],
    count: 0,
    total: 0,
    sha256: '',
    fileSha256: decoded.fileSha256,
  };
  let sawTrailer = false;
  for (const [index, raw] of physical.entries()) {
    const lineNumber = index + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (sawTrailer) return malformed(lineNumber, 'text after the trailer');
    if (line.length > MAX_LINE_LENGTH)
      return malformed(lineNumber, `line longer than ${MAX_LINE_LENGTH} characters`);
    if (CONTROL_CHARACTER.test(line)) return malformed(lineNumber, 'control character in line');
    const parsed = parseCsvRecord(line);
    if (!parsed.ok) return malformed(lineNumber, parsed.detail);
    const { fields } = parsed;
    sawTrailer = lineNumber > 1 && fields[0] === 'T';
    const problem =
      lineNumber === 1
        ? readHeader(fields, frame)
        : sawTrailer
          ? readTrailer(fields, frame)
          : readRecord(fields, frame, line, lineNumber);
    if (problem) return malformed(lineNumber, problem);
  }
  if (!sawTrailer) return malformed(physical.length + 1, 'missing trailer (T record)');
  if (frame.lines.length === 0) return malformed(physical.length, 'no result records');
  return { ok: true, frame };
}

/** Text without BOM and the hash of the bytes as received, or why the input is not UTF-8 text. */
function decode(input: Uint8Array | string): { text: string; fileSha256: string } | string {
  if (typeof input === 'string') {
    if (input.length > MAX_FILE_LENGTH) return 'file too large';
    if (LONE_SURROGATE.test(input)) return 'text is not well-formed Unicode';
    return { text: stripBom(input), fileSha256: sha256Hex(input) };
  }
  if (!(input instanceof Uint8Array)) return 'not a string or bytes';
  if (input.byteLength > MAX_FILE_LENGTH * 3) return 'file too large';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    return 'file is not UTF-8 text';
  }
  if (text.length > MAX_FILE_LENGTH) return 'file too large';
  return { text: stripBom(text), fileSha256: sha256Hex(input) };
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function readHeader(fields: string[], frame: ResultFrame): string | null {
  const [type, kind, version, batchRef, bankCode, processedAt] = fields;
  if (type !== 'H') return 'the first record must be the header (H)';
  if (fields.length !== 6) return `header has ${fields.length} fields, expected 6`;
  if (kind !== RESULT_FILE_KIND) return `header kind must be ${RESULT_FILE_KIND}`;
  if (version !== RESULT_FILE_VERSION) return `unsupported version, expected ${RESULT_FILE_VERSION}`;
  if (!batchRef || !bankCode) return 'header batchRef and bankCode must not be empty';
  if (!isUtcTimestamp(processedAt)) return 'header processedAt must be ISO 8601 UTC';
  frame.header = { batchRef, bankCode, processedAt };
  return null;
}

function readTrailer(fields: string[], frame: ResultFrame): string | null {
  if (fields.length !== 4) return `trailer has ${fields.length} fields, expected 4`;
  const count = parseCount(fields[1] ?? '');
  const total = parseCount(fields[2] ?? '');
  const sha256 = fields[3] ?? '';
  if (count === null) return 'trailer count must be a non-negative integer';
  if (total === null) return 'trailer total must be a non-negative integer';
  if (!SHA256_HEX.test(sha256)) return 'trailer checksum must be 64 lowercase hex digits';
  Object.assign(frame, { count, total, sha256 });
  return null;
}

function readRecord(fields: string[], frame: ResultFrame, line: string, lineNumber: number): string | null {
  const [type, lineRef, outcomeText = '', amountText = '', reasonText = ''] = fields;
  if (type !== 'R') return 'unexpected record type, expected R';
  if (fields.length !== 5) return `record has ${fields.length} fields, expected 5`;
  if (!lineRef) return 'lineRef must not be empty';
  if (!Object.hasOwn(OUTCOMES, outcomeText)) return 'outcome must be PAID or REJECTED';
  const outcome = OUTCOMES[outcomeText as keyof typeof OUTCOMES];
  const amount = parseAmount(amountText);
  if (amount === null) return 'amount must be a positive integer of so’m';
  if (outcome === 'paid' && reasonText !== '') return 'a PAID record must have no reason';
  if (outcome === 'rejected' && !REASONS.has(reasonText))
    return 'a REJECTED record needs a known reason code';
  const reason = outcome === 'rejected' ? (reasonText as RejectionReason) : null;
  frame.records.push(line);
  frame.lines.push({ lineRef, outcome, amount, reason });
  frame.lineNumbers.push(lineNumber);
  return null;
}
