/** Loaders for exported detector outputs: .npy, .npz, .safetensors, JSON and CSV, from bytes. */
export { LoadError } from './errors';
export type { ArrayData, DType, FileFormat, LoadedArray, LoadedFile } from './types';
export { loadBytes } from './load';
export { loadNpy, parseNpyHeader, decodeNpyData, NPY_PREFIX_LENGTH, type NpyHeader } from './npy';
export { loadNpz } from './npz';
export { loadSafetensors } from './safetensors';
export { loadJson } from './json';
export { loadCsv } from './csv';
export { toFloat64Tensor } from './convert';
export { halfToFloat } from './dtypes';
