import { ITEM_SIZE, MAX_RANK, decodeElements, sizeOfShape } from './dtypes';
import { defineEntry } from './entries';
import { describeJsonSyntaxError, describeText, failAt, failField, type Source } from './errors';
import type { DType, LoadedArray, LoadedFile } from './types';

const DTYPES: Readonly<Record<string, DType>> = {
  BOOL: 'bool',
  I8: 'int8',
  U8: 'uint8',
  I16: 'int16',
  U16: 'uint16',
  I32: 'int32',
  U32: 'uint32',
  I64: 'int64',
  U64: 'uint64',
  F16: 'float16',
  BF16: 'bfloat16',
  F32: 'float32',
  F64: 'float64',
};

interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isExtent(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The reference implementation's bound on the header (100 MB); it also bounds what is parsed before the data. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

/**
 * The header length a .safetensors file declares in its first 8 bytes, checked against the file's
 * size and MAX_SAFETENSORS_HEADER, so a reader can refuse a junk file before reading its body.
 * The length prints exactly (a BigInt), even when it is beyond 2^53.
 */
export function safetensorsHeaderLength(prefix: Uint8Array, fileSize: number, source: Source): number {
  if (prefix.length < 8) failAt(source, 0, 'an 8-byte little-endian header length', `a ${prefix.length}-byte file`);
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  const limit = Math.min(fileSize - 8, MAX_SAFETENSORS_HEADER);
  if (length > BigInt(limit)) {
    const bound = limit === MAX_SAFETENSORS_HEADER ? `${limit} (the format's limit)` : `${limit} (the rest of the file)`;
    failAt(source, 0, `a header length of at most ${bound}`, String(length));
  }
  return Number(length);
}

/**
 * The first integer literal outside strings in JSON `text` that is beyond ±(2^53 − 1), as written,
 * or undefined. JSON.parse would round it (9223372036854775807 → 9223372036854776000), and a
 * message must print what the file says.
 */
function firstUnsafeInteger(text: string): string | undefined {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c >= 0x30 && c <= 0x39) {
      let end = i;
      while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
      const start = text[i - 1] === '-' ? i - 1 : i;
      if (end - i >= 16 && !/[.eE]/.test(text[end] ?? '') && !Number.isSafeInteger(Number(text.slice(start, end)))) return text.slice(start, end);
      i = end - 1;
    }
  }
  return undefined;
}

function readHeader(bytes: Uint8Array, source: Source): { header: Record<string, unknown>; dataStart: number } {
  const length = safetensorsHeaderLength(bytes, bytes.length, source);
  let header: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    failAt(source, 8, 'a UTF-8 JSON header', 'invalid UTF-8');
  }
  try {
    header = JSON.parse(text);
  } catch (error) {
    failAt(source, 8, 'a JSON header', error instanceof SyntaxError ? describeJsonSyntaxError(error) : 'invalid JSON');
  }
  const unsafe = firstUnsafeInteger(text);
  if (unsafe !== undefined) failAt(source, 8, 'shapes and offsets within 2^53', unsafe);
  if (!isPlainObject(header)) failAt(source, 8, 'a JSON object header', Array.isArray(header) ? 'an array' : describeJsonValue(header));
  return { header, dataStart: 8 + length };
}

/** A header value for a message: numbers as written, strings as describeText, containers by their size. */
function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return describeText(value);
  if (Array.isArray(value)) return value.length <= 8 && value.every((v) => typeof v === 'number') ? `[${value.join(',')}]` : `an array of length ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function readTensorInfo(name: string, value: unknown, source: Source): TensorInfo {
  if (!isPlainObject(value)) failField(source, describeText(name), 'an object with dtype, shape and data_offsets', describeJsonValue(value), 8);
  const dtype = typeof value.dtype === 'string' ? DTYPES[value.dtype] : undefined;
  if (dtype === undefined) failField(source, `${name}.dtype`, `one of ${Object.keys(DTYPES).join(', ')}`, describeJsonValue(value.dtype), 8);
  const { shape, data_offsets: offsets } = value;
  if (!Array.isArray(shape) || !shape.every(isExtent)) failField(source, `${name}.shape`, 'an array of non-negative integers', describeJsonValue(shape), 8);
  if (shape.length > MAX_RANK) failField(source, `${name}.shape`, `at most ${MAX_RANK} dimensions`, `${shape.length} dimensions`, 8);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isExtent) || offsets[0] > offsets[1]) {
    failField(source, `${name}.data_offsets`, 'two non-negative integers [begin, end] with begin ≤ end', describeJsonValue(offsets), 8);
  }
  return { name, dtype, shape, begin: offsets[0], end: offsets[1] };
}

function readMetadata(value: unknown, source: Source): Record<string, string> {
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    failField(source, '__metadata__', 'an object of strings', describeJsonValue(value), 8);
  }
  const metadata: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) defineEntry(metadata, key, text as string);
  return metadata;
}

/**
 * Loads a .safetensors file: an 8-byte little-endian header length N, N bytes of JSON mapping each
 * tensor name to {dtype, shape, data_offsets} (offsets relative to the data section that follows),
 * optionally `__metadata__` (string → string, returned as `metadata`), then the little-endian, row-major
 * data. As in the reference implementation, the tensors must tile the data section exactly: sorted
 * by offset, each begins where the previous ends, has product(shape)·itemsize bytes, and the last
 * ends at the end of the file. Cost: views into `bytes` when aligned, else one copy per tensor.
 */
export function loadSafetensors(bytes: Uint8Array, fileName: string): LoadedFile {
  const source: Source = { file: fileName };
  const { header, dataStart } = readHeader(bytes, source);
  let metadata: Record<string, string> | undefined;
  const infos: TensorInfo[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') metadata = readMetadata(value, source);
    else infos.push(readTensorInfo(name, value, source));
  }
  const dataLength = bytes.length - dataStart;
  let expectedBegin = 0;
  for (const info of [...infos].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    const field = `${info.name}.data_offsets`;
    if (info.begin !== expectedBegin) {
      const problem = info.begin < expectedBegin ? 'overlapping the previous tensor' : `leaving a gap after byte ${expectedBegin}`;
      failField(source, field, `to begin at ${expectedBegin}, where the previous tensor ends`, `${info.begin}, ${problem}`, dataStart + info.begin);
    }
    const size = sizeOfShape(info.shape) * ITEM_SIZE[info.dtype];
    if (info.end - info.begin !== size) {
      failField(source, field, `${size} bytes for shape [${info.shape.join(', ')}] of ${info.dtype}`, `${info.end - info.begin} bytes`, dataStart + info.begin);
    }
    if (info.end > dataLength) failField(source, field, `to end within the ${dataLength}-byte data section`, `end ${info.end}`, bytes.length);
    expectedBegin = info.end;
  }
  if (expectedBegin !== dataLength) {
    failAt(source, dataStart + expectedBegin, `the data section to end with the last tensor, at byte ${dataStart + expectedBegin}`, `${dataLength - expectedBegin} more bytes`);
  }
  const arrays: Record<string, LoadedArray> = {};
  for (const info of infos) {
    defineEntry(arrays, info.name, {
      dtype: info.dtype,
      shape: info.shape,
      data: decodeElements(bytes, dataStart + info.begin, info.shape, info.dtype, true, false),
    });
  }
  return metadata === undefined ? { format: 'safetensors', arrays } : { format: 'safetensors', arrays, metadata };
}
