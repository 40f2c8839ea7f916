/**
 * Loaders for exported detector outputs: .npy, .npz, .safetensors, torch.save (.pt), JSON and CSV, from bytes (a
 * Uint8Array plus the file name for messages; no file system access, so they run in browsers too).
 *
 * Memory cost, for large files: little-endian, aligned, C-order numeric data is returned as typed-array
 * views into the given bytes (no copy). Big-endian, unaligned or Fortran-order data costs exactly one
 * copy of that array; float16/bfloat16 are decoded into a new Float32Array; deflated npz members are
 * inflated into one buffer each (stored members are read in place). Headers, zip directories and
 * CRC checks read the bytes without copying them. A torch.save archive's contiguous tensors are views
 * of its storages (float16/bfloat16 storages decoded once), non-contiguous ones one copy each. JSON
 * and CSV are text and are parsed whole.
 * For files too large to hold, `parseNpyHeader` needs only the header bytes and gives the data
 * offset and row stride, and `decodeNpyData` decodes a chunk of rows read separately.
 */
export { LoadError } from './errors';
export { isLoadedArray, type ArrayData, type DType, type FileFormat, type LoadedArray, type LoadedDict, type LoadedFile, type LoadedList, type LoadedValue } from './types';
export { FILE_START_LENGTH, checkFileStart, loadBytes } from './load';
export { loadNpy, parseNpyHeader, decodeNpyData, NPY_PREFIX_LENGTH, type NpyHeader } from './npy';
export { loadNpz } from './npz';
export { loadSafetensors } from './safetensors';
export { loadJson } from './json';
export { loadCsv } from './csv';
export { toFloat64Tensor } from './convert';
export { halfToFloat } from './dtypes';
