import { loadCsv } from './csv';
import { defineEntry } from './entries';
import { LoadError, describeBytes, failAt } from './errors';
import { loadJson } from './json';
import { NPY_MAGIC, loadNpy } from './npy';
import { loadNpz, npzFromMembers } from './npz';
import { loadSafetensors } from './safetensors';
import { fileExtension, fileStem } from './text';
import { LEGACY_TORCH_MAGIC, findTorchPickle, loadTorchZip, rejectLegacyTorch } from './torch';
import type { LoadedArray, LoadedFile } from './types';
import { readZip } from './zip';

function startsWith(bytes: Uint8Array, prefix: ArrayLike<number>): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
/** Extensions torch.save files go by; a .bin is one only when it is a zip holding data.pkl. */
const TORCH_EXTENSIONS = new Set(['pt', 'pth']);

/**
 * Loads an exported array file from its bytes (the caller reads the file; the core never touches
 * the file system). The format comes from the magic bytes when there are any (`\x93NUMPY` → .npy,
 * `PK\x03\x04` → a `torch.save` archive when it holds `<folder>/data.pkl` or is named .pt/.pth,
 * else .npz, whatever the name says; the legacy torch.save pickle → a LoadError saying how to
 * re-save it), otherwise from the extension: .npy, .npz, .safetensors, .json, .csv or .tsv. A .npy
 * file gives one array named after the file stem, and so does a torch.save of one tensor.
 * Throws LoadError for anything it cannot read exactly. Cost: see each loader; arrays are views into
 * `bytes` where the layout allows, so keep `bytes` unmodified while they are in use.
 */
export function loadBytes(bytes: Uint8Array, fileName: string): LoadedFile {
  const extension = fileExtension(fileName);
  if (startsWith(bytes, NPY_MAGIC) || (extension === 'npy' && !startsWith(bytes, ZIP_MAGIC))) {
    const array = loadNpy(bytes, fileName);
    const arrays: Record<string, LoadedArray> = {};
    defineEntry(arrays, fileStem(fileName) || 'value', array);
    return { format: 'npy', arrays };
  }
  if (startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, EMPTY_ZIP_MAGIC)) {
    const members = readZip(bytes, { file: fileName });
    return findTorchPickle(members) !== undefined || TORCH_EXTENSIONS.has(extension) ? loadTorchZip(members, fileName) : npzFromMembers(members, fileName);
  }
  if (startsWith(bytes, LEGACY_TORCH_MAGIC)) rejectLegacyTorch(fileName);
  switch (extension) {
    case 'npz':
      return loadNpz(bytes, fileName);
    case 'pt':
    case 'pth':
    case 'bin':
      return failAt({ file: fileName }, 0, 'a torch.save file (a zip archive, "PK\\x03\\x04")', describeBytes(bytes.subarray(0, 8)));
    case 'safetensors':
      return loadSafetensors(bytes, fileName);
    case 'json':
      return loadJson(bytes, fileName);
    case 'csv':
    case 'tsv':
      return loadCsv(bytes, fileName);
    default:
      throw new LoadError(fileName, 'a .npy, .npz, .safetensors, .pt (torch.save), .json or .csv file', extension === '' ? 'no extension' : `the extension .${extension}`);
  }
}
