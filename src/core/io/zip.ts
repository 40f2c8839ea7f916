import { Inflate } from 'fflate';
import { failAt, type Source } from './errors';

/** One member of a zip archive, its data already stored-or-inflated and CRC-checked. */
export interface ZipMember {
  readonly name: string;
  readonly data: Uint8Array;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
// Deflate cannot expand data by more than about 1032:1; a larger claimed size is corruption.
const MAX_DEFLATE_RATIO = 1032;
/** Compressed bytes handed to the inflater at a time: the output of one step is at most about 1032 times this. */
const INFLATE_STEP = 16 * 1024;
/** The smallest central directory record (46 bytes plus name, extra field and comment). */
const CENTRAL_RECORD_LENGTH = 46;
/** The smallest local file header (30 bytes plus name and extra field). */
const LOCAL_HEADER_LENGTH = 30;

/**
 * Limits on what one archive may expand to. The default is what this host could hold anyway; a
 * caller that knows its memory budget passes a smaller one.
 */
export interface ZipLimits {
  /** Most bytes all members together may declare (and so inflate to). */
  readonly maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotalBytes: 2 ** 31 };

// Slicing-by-8 tables: CRC_TABLES[k][b] is the CRC of byte b followed by k zero bytes, so eight
// input bytes are folded per step instead of one (several times faster on large members).
const CRC_TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) tables[k][n] = (tables[k - 1][n] >>> 8) ^ tables[0][tables[k - 1][n] & 0xff];
  }
  return tables;
})();

/** CRC-32 (zip's polynomial) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES;
  let crc = 0xffffffff;
  let i = 0;
  for (const end = bytes.length - 7; i < end; i += 8) {
    const lo = (crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    crc =
      t7[lo & 0xff] ^ t6[(lo >>> 8) & 0xff] ^ t5[(lo >>> 16) & 0xff] ^ t4[lo >>> 24] ^
      t3[bytes[i + 4]] ^ t2[bytes[i + 5]] ^ t1[bytes[i + 6]] ^ t0[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) crc = t0[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A little-endian reader that reports reads past the end as a LoadError at the offset. */
class Reader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly source: Source,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(offset: number, length: number, what: string): void {
    if (offset < 0 || offset + length > this.bytes.length) failAt(this.source, Math.max(0, Math.min(offset, this.bytes.length)), what, 'end of file');
  }

  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  u64(offset: number, what: string): number {
    this.need(offset, 8, what);
    const value = this.view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) failAt(this.source, offset, `${what} below 2^53`, String(value));
    return Number(value);
  }
}

function findEndOfCentralDirectory(reader: Reader): number {
  const { bytes } = reader;
  const last = bytes.length - 22;
  // The record is followed by a comment of at most 65535 bytes.
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (bytes[at] === 0x50 && bytes[at + 1] === 0x4b && reader.u32(at, 'a signature') === EOCD_SIGNATURE) return at;
  }
  return failAt(reader.source, Math.max(0, last), 'the end-of-central-directory record of a zip archive (PK\\x05\\x06)', 'none');
}

interface Directory {
  readonly count: number;
  readonly offset: number;
}

function readDirectoryLocation(reader: Reader, eocd: number): Directory {
  let count = reader.u16(eocd + 10, 'the entry count');
  let offset = reader.u32(eocd + 16, 'the central directory offset');
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (reader.u32(locator, 'a zip64 locator') !== ZIP64_LOCATOR_SIGNATURE) failAt(reader.source, Math.max(0, locator), 'a zip64 end-of-central-directory locator', 'another record');
    const record = reader.u64(locator + 8, 'the zip64 record offset');
    if (reader.u32(record, 'a zip64 record') !== ZIP64_EOCD_SIGNATURE) failAt(reader.source, record, 'a zip64 end-of-central-directory record', 'another record');
    count = reader.u64(record + 32, 'the zip64 entry count');
    offset = reader.u64(record + 48, 'the zip64 central directory offset');
  }
  return { count, offset };
}

interface CentralEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  /** Where this entry's central record starts, for messages. */
  readonly at: number;
}

function decodeName(bytes: Uint8Array, utf8: boolean): string {
  try {
    return new TextDecoder(utf8 ? 'utf-8' : 'latin1', { fatal: utf8 }).decode(bytes);
  } catch {
    return String.fromCharCode(...bytes.subarray(0, 256));
  }
}

function readCentralEntry(reader: Reader, at: number): CentralEntry & { next: number } {
  if (reader.u32(at, 'a central directory entry') !== CENTRAL_SIGNATURE) failAt(reader.source, at, 'a central directory entry (PK\\x01\\x02)', 'another record');
  const flags = reader.u16(at + 8, 'the entry flags');
  const method = reader.u16(at + 10, 'the compression method');
  const crc = reader.u32(at + 16, 'the CRC-32');
  let compressedSize = reader.u32(at + 20, 'the compressed size');
  let size = reader.u32(at + 24, 'the size');
  const nameLength = reader.u16(at + 28, 'the name length');
  const extraLength = reader.u16(at + 30, 'the extra field length');
  const commentLength = reader.u16(at + 32, 'the comment length');
  let localOffset = reader.u32(at + 42, 'the local header offset');
  reader.need(at + 46, nameLength + extraLength + commentLength, 'the entry name and extra fields');
  const name = decodeName(reader.bytes.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) !== 0);
  if (flags & 1) failAt({ ...reader.source, entry: name }, at, 'an unencrypted member', 'an encrypted one');
  // Zip64 extra field (id 1): the 64-bit values of whichever 32-bit fields are saturated, in order.
  let extra = at + 46 + nameLength;
  const extraEnd = extra + extraLength;
  while (extra + 4 <= extraEnd) {
    const id = reader.u16(extra, 'an extra field id');
    const length = reader.u16(extra + 2, 'an extra field length');
    if (id === 1) {
      let field = extra + 4;
      if (size === 0xffffffff) {
        size = reader.u64(field, 'the zip64 size');
        field += 8;
      }
      if (compressedSize === 0xffffffff) {
        compressedSize = reader.u64(field, 'the zip64 compressed size');
        field += 8;
      }
      if (localOffset === 0xffffffff) localOffset = reader.u64(field, 'the zip64 local header offset');
    }
    extra += 4 + length;
  }
  return { name, method, crc, compressedSize, size, localOffset, at, next: extraEnd + commentLength };
}

/** Where a member's stored bytes are, from its local header. */
function memberSpan(reader: Reader, entry: CentralEntry): { start: number; end: number } {
  const source: Source = { ...reader.source, entry: entry.name };
  const local = entry.localOffset;
  if (reader.u32(local, 'a local file header') !== LOCAL_SIGNATURE) failAt(source, local, 'a local file header (PK\\x03\\x04)', 'another record');
  const start = local + LOCAL_HEADER_LENGTH + reader.u16(local + 26, 'the name length') + reader.u16(local + 28, 'the extra field length');
  reader.need(start, entry.compressedSize, `${entry.compressedSize} bytes of member data`);
  return { start, end: start + entry.compressedSize };
}

/**
 * Inflates `stored` into exactly `size` bytes, in steps, stopping as soon as the output would pass
 * `size`: a member whose directory understates its size costs at most `size` bytes plus one step's
 * output, never the whole expansion.
 */
function inflateBounded(stored: Uint8Array, size: number, source: Source, at: number): Uint8Array {
  const out = new Uint8Array(size);
  let written = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (overflow) return;
    if (written + chunk.length > size) {
      overflow = true;
      return;
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  try {
    for (let offset = 0; offset < stored.length && !overflow; offset += INFLATE_STEP) {
      const end = Math.min(stored.length, offset + INFLATE_STEP);
      inflater.push(stored.subarray(offset, end), end === stored.length);
    }
  } catch (error) {
    failAt(source, at, 'a valid deflate stream', error instanceof Error ? error.message : 'a corrupt one');
  }
  if (overflow) failAt(source, at, `${size} bytes once decompressed, as the directory says`, 'more');
  if (written !== size) failAt(source, at, `${size} bytes once decompressed`, `${written} bytes`);
  return out;
}

function readMemberData(reader: Reader, entry: CentralEntry, span: { start: number; end: number }): Uint8Array {
  const source: Source = { ...reader.source, entry: entry.name };
  const { start } = span;
  const stored = reader.bytes.subarray(start, span.end);
  let data: Uint8Array;
  if (entry.method === 0) {
    data = stored;
    if (data.length !== entry.size) failAt(source, start, `${entry.size} bytes once decompressed`, `${data.length} bytes`);
  } else if (entry.method === 8) {
    if (entry.size > entry.compressedSize * MAX_DEFLATE_RATIO + 1024) {
      failAt(source, entry.at, `an uncompressed size deflate can reach from ${entry.compressedSize} bytes`, `${entry.size} bytes`);
    }
    data = inflateBounded(stored, entry.size, source, start);
  } else {
    failAt(source, entry.at, 'compression method 0 (stored) or 8 (deflated)', `method ${entry.method}`);
  }
  const crc = crc32(data);
  if (crc !== entry.crc) failAt(source, start, `data with CRC-32 ${entry.crc.toString(16).padStart(8, '0')}`, `CRC-32 ${crc.toString(16).padStart(8, '0')} (the member is corrupt)`);
  return data;
}

/**
 * Refuses members whose stored bytes overlap (a "zip bomb" points many directory entries at one
 * deflated stream, so a small file inflates many times over). `spans` are in directory order.
 */
function checkNoOverlap(entries: readonly CentralEntry[], spans: readonly { start: number; end: number }[], source: Source): void {
  const order = entries.map((_, i) => i).sort((a, b) => entries[a].localOffset - entries[b].localOffset);
  for (let k = 1; k < order.length; k++) {
    const before = order[k - 1];
    const after = order[k];
    if (entries[after].localOffset < spans[before].end) {
      failAt({ ...source, entry: entries[after].name }, entries[after].at, `a member stored after the end of the one before it (byte ${spans[before].end})`, `one starting at byte ${entries[after].localOffset}, overlapping it`);
    }
  }
}

/**
 * Reads every member of a zip archive through its central directory (zip64 included). Stored members
 * are views into `bytes` (no copy); deflated ones are inflated by fflate into one new buffer each.
 * Bounded by construction: the directory is read whole first; the members' declared sizes must sum
 * to at most `limits.maxTotalBytes` and their stored bytes must not overlap, both checked before
 * anything is inflated; each member inflates in steps into a buffer of its declared size and stops
 * at the first byte beyond it. Every member's size and CRC-32 are checked, so a damaged archive is
 * reported rather than misread.
 */
export function readZip(bytes: Uint8Array, source: Source, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipMember[] {
  const reader = new Reader(bytes, source);
  const eocd = findEndOfCentralDirectory(reader);
  const directory = readDirectoryLocation(reader, eocd);
  // Every record takes at least 46 bytes: a larger count is a lie, refused before any loop.
  if (directory.count * CENTRAL_RECORD_LENGTH > bytes.length) {
    failAt(source, eocd, `at most ${Math.floor(bytes.length / CENTRAL_RECORD_LENGTH)} entries in a ${bytes.length}-byte archive`, `an entry count of ${directory.count}`);
  }
  // The whole directory is read and checked before any member is inflated.
  const entries: CentralEntry[] = [];
  let declared = 0;
  let at = directory.offset;
  for (let i = 0; i < directory.count; i++) {
    const entry = readCentralEntry(reader, at);
    declared += entry.size;
    if (declared > limits.maxTotalBytes) {
      failAt({ ...source, entry: entry.name }, entry.at, `members totalling at most ${limits.maxTotalBytes} bytes once decompressed`, `${declared} bytes declared so far`);
    }
    entries.push(entry);
    at = entry.next;
  }
  const spans = entries.map((entry) => memberSpan(reader, entry));
  checkNoOverlap(entries, spans, source);
  return entries.map((entry, i) => ({ name: entry.name, data: readMemberData(reader, entry, spans[i]) }));
}
