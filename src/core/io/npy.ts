import { HOST_LITTLE_ENDIAN, ITEM_SIZE, MAX_RANK, decodeElements, sizeOfShape } from './dtypes';
import { describeBytes, describeText, failAt, failField, type Source } from './errors';
import { isPyDict, isPyTuple, parsePyLiteral, type PyValue } from './pyliteral';
import type { DType, LoadedArray } from './types';

/** The first bytes of every .npy file. */
export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);

/** Bytes enough to learn the full header length of any version (magic, version, u32 length). */
export const NPY_PREFIX_LENGTH = 12;

/**
 * The longest header accepted. numpy writes a few hundred bytes and by default refuses to read more
 * than 10,000; the bound (1 MiB) lets a reader fetch the header in one small read before the body.
 */
export const MAX_NPY_HEADER_LENGTH = 2 ** 20;

/**
 * What a .npy header says, with the byte layout a streaming reader needs: row `r` of a C-order
 * array occupies bytes `[dataOffset + r·rowStride, dataOffset + (r+1)·rowStride)` of the file.
 */
export interface NpyHeader {
  /** Format version, e.g. [1, 0]. */
  readonly version: readonly [number, number];
  /** The header's `descr`, e.g. `<f4`. */
  readonly descr: string;
  readonly dtype: DType;
  readonly littleEndian: boolean;
  /** Column-major storage; such data is transposed to row-major on load (rows are not contiguous). */
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  readonly itemSize: number;
  /** Byte offset of the first element. */
  readonly dataOffset: number;
  /** Bytes of data the header promises: product(shape) · itemSize. */
  readonly dataLength: number;
  /** Bytes per step of axis 0 in C order (product(shape[1:]) · itemSize; itemSize for a scalar). */
  readonly rowStride: number;
}

const DESCR_KINDS: Readonly<Record<string, DType>> = {
  b1: 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
};

const HEADER_KEYS = ['descr', 'fortran_order', 'shape'];

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 4096) text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return text;
}

function parseDescr(source: Source, descr: PyValue, at: number): { dtype: DType; littleEndian: boolean } {
  const expected = 'a numeric dtype such as "<f4" (b1, i1-i8, u1-u8, f2, f4, f8)';
  if (typeof descr !== 'string') failField(source, 'descr', `${expected}; structured dtypes are not supported`, 'a structured dtype', at);
  const match = /^([<>|=]?)([a-z]\d+)$/.exec(descr);
  const dtype = match === null ? undefined : DESCR_KINDS[match[2]];
  if (match === null || dtype === undefined) failField(source, 'descr', expected, describeText(descr), at);
  // '|' (not applicable) and '=' (native) both mean the reader's own order, as in numpy.
  const order = match[1];
  return { dtype, littleEndian: order === '<' ? true : order === '>' ? false : HOST_LITTLE_ENDIAN };
}

function parseShape(source: Source, shape: PyValue, at: number): number[] {
  const expected = 'a tuple of non-negative integers';
  if (!isPyTuple(shape)) failField(source, 'shape', expected, describePy(shape), at);
  if (shape.tuple.length > MAX_RANK) failField(source, 'shape', `at most ${MAX_RANK} dimensions (numpy's limit)`, `${shape.tuple.length} dimensions`, at);
  return shape.tuple.map((extent) => {
    if (typeof extent !== 'number' || !Number.isSafeInteger(extent) || extent < 0) {
      failField(source, 'shape', expected, `an element ${describePy(extent)}`, at);
    }
    return extent;
  });
}

/** A shape as numpy prints it: (3,) or (2, 3). */
function pythonShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function describePy(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return describeText(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return isPyDict(value) ? 'a dict' : 'a tuple';
}

/**
 * Parses the header of a .npy file (versions 1.0, 2.0 and 3.0) from its first bytes; `bytes` may be
 * only a prefix of the file (at least NPY_PREFIX_LENGTH bytes, then the full header length). Nothing
 * is evaluated: the header dict is read by a dedicated Python-literal parser. Throws LoadError with
 * the byte offset (or header key) at fault. `source.entry` names the npz member, if any.
 */
export function parseNpyHeader(bytes: Uint8Array, fileName = 'array.npy', entry?: string): NpyHeader {
  const source: Source = { file: fileName, entry };
  const magicLength = Math.min(bytes.length, NPY_MAGIC.length);
  for (let i = 0; i < magicLength; i++) {
    if (bytes[i] !== NPY_MAGIC[i]) failAt(source, 0, 'the magic string "\\x93NUMPY" of a .npy file', describeBytes(bytes.subarray(0, NPY_MAGIC.length)));
  }
  if (bytes.length < 8) failAt(source, bytes.length, 'the magic string and a 2-byte format version', 'end of file');
  const major = bytes[6];
  const minor = bytes[7];
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) failAt(source, 6, 'format version 1.0, 2.0 or 3.0', `${major}.${minor}`);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (bytes.length < headerStart) failAt(source, bytes.length, `a ${lengthBytes}-byte header length at byte 8`, 'end of file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerStart);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = headerStart + headerLength;
  if (headerLength > MAX_NPY_HEADER_LENGTH) failAt(source, 8, `a header of at most ${MAX_NPY_HEADER_LENGTH} bytes`, `a header length of ${headerLength}`);
  if (bytes.length < dataOffset) {
    failAt(source, bytes.length, `a ${headerLength}-byte header ending at byte ${dataOffset}`, `the file ending at byte ${bytes.length}`);
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      failAt(source, headerStart, 'a UTF-8 header (format 3.0)', 'invalid UTF-8');
    }
  } else {
    text = latin1(headerBytes);
  }
  // Offsets inside the header count characters, which are bytes except for non-ASCII in version 3.0.
  const header = parsePyLiteral(text, (index, expected, found) => failAt(source, headerStart + index, `${expected} in the header dict`, found));
  if (!isPyDict(header)) failAt(source, headerStart, 'a header dict', describePy(header));
  const keys = [...header.dict.keys()].sort();
  if (keys.join() !== HEADER_KEYS.join()) {
    failField(source, 'header', `exactly the keys ${HEADER_KEYS.join(', ')}`, keys.length === 0 ? 'no keys' : keys.join(', '), headerStart);
  }
  const fortranOrder = header.dict.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') failField(source, 'fortran_order', 'True or False', describePy(fortranOrder ?? null), headerStart);
  const descr = header.dict.get('descr') ?? null;
  const { dtype, littleEndian } = parseDescr(source, descr, headerStart);
  const shape = parseShape(source, header.dict.get('shape') ?? null, headerStart);
  const itemSize = ITEM_SIZE[dtype];
  const size = sizeOfShape(shape);
  const dataLength = size * itemSize;
  if (!Number.isSafeInteger(dataLength)) failField(source, 'shape', 'a size below 2^53 bytes', pythonShape(shape), headerStart);
  const rowStride = shape.length === 0 ? itemSize : shape[0] === 0 ? sizeOfShape(shape.slice(1)) * itemSize : dataLength / shape[0];
  return { version: [major, minor], descr: descr as string, dtype, littleEndian, fortranOrder, shape, itemSize, dataOffset, dataLength, rowStride };
}

/**
 * Decodes the data of a .npy file whose header is known, from `bytes[offset …]`. With a C-order
 * header and `shape = [rows, ...header.shape.slice(1)]`, it decodes a chunk of rows read from disk.
 * Cost: a view when little-endian, aligned and C order; else one copy (see `decodeElements`).
 */
export function decodeNpyData(
  header: NpyHeader,
  bytes: Uint8Array,
  offset: number,
  shape: readonly number[] = header.shape,
  fileName = 'array.npy',
  entry?: string,
): LoadedArray {
  const needed = sizeOfShape(shape) * header.itemSize;
  const available = Math.max(0, bytes.length - offset);
  if (available < needed) {
    failAt(
      { file: fileName, entry },
      bytes.length,
      `${needed} bytes of ${header.dtype} data for shape ${pythonShape(shape)} from byte ${offset}`,
      `only ${available} bytes`,
    );
  }
  return { dtype: header.dtype, shape: [...shape], data: decodeElements(bytes, offset, shape, header.dtype, header.littleEndian, header.fortranOrder) };
}

/**
 * Loads a whole .npy file (numpy's `np.save` format, versions 1.0–3.0): every numeric dtype in either
 * byte order, C or Fortran order (returned row-major), scalars (shape []) and zero-size arrays.
 * Bytes after the data are ignored, as numpy does.
 */
export function loadNpy(bytes: Uint8Array, fileName: string, entry?: string): LoadedArray {
  const header = parseNpyHeader(bytes, fileName, entry);
  return decodeNpyData(header, bytes, header.dataOffset, header.shape, fileName, entry);
}
