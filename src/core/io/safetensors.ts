import { ITEM_SIZE, decodeElements, sizeOfShape } from './dtypes';
import { defineEntry } from './entries';
import { failAt, failField, type Source } from './errors';
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

function readHeader(bytes: Uint8Array, source: Source): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) failAt(source, 0, 'an 8-byte little-endian header length', `a ${bytes.length}-byte file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (length > bytes.length - 8) failAt(source, 0, `a header length of at most ${bytes.length - 8} (the rest of the file)`, String(length));
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length)));
  } catch (error) {
    failAt(source, 8, 'a UTF-8 JSON header', error instanceof SyntaxError ? `invalid JSON (${error.message})` : 'invalid UTF-8');
  }
  if (!isPlainObject(header)) failAt(source, 8, 'a JSON object header', Array.isArray(header) ? 'an array' : String(header));
  return { header, dataStart: 8 + length };
}

function readTensorInfo(name: string, value: unknown, source: Source): TensorInfo {
  if (!isPlainObject(value)) failField(source, name, 'an object with dtype, shape and data_offsets', Array.isArray(value) ? 'an array' : String(value), 8);
  const dtype = typeof value.dtype === 'string' ? DTYPES[value.dtype] : undefined;
  if (dtype === undefined) failField(source, `${name}.dtype`, `one of ${Object.keys(DTYPES).join(', ')}`, JSON.stringify(value.dtype) ?? 'nothing', 8);
  const { shape, data_offsets: offsets } = value;
  if (!Array.isArray(shape) || !shape.every(isExtent)) failField(source, `${name}.shape`, 'an array of non-negative integers', JSON.stringify(shape) ?? 'nothing', 8);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isExtent) || offsets[0] > offsets[1]) {
    failField(source, `${name}.data_offsets`, 'two non-negative integers [begin, end] with begin ≤ end', JSON.stringify(offsets) ?? 'nothing', 8);
  }
  return { name, dtype, shape, begin: offsets[0], end: offsets[1] };
}

function readMetadata(value: unknown, source: Source): Record<string, string> {
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    failField(source, '__metadata__', 'an object of strings', JSON.stringify(value)?.slice(0, 60) ?? 'nothing', 8);
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
