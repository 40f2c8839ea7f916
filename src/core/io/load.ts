import { loadCsv } from './csv';
import { defineEntry } from './entries';
import { LoadError, describeBytes, failAt } from './errors';
import { loadJson } from './json';
import { MAX_NPY_HEADER_LENGTH, NPY_MAGIC, NPY_PREFIX_LENGTH, loadNpy, parseNpyHeader } from './npy';
import { loadNpz, npzFromMembers } from './npz';
import { loadSafetensors, safetensorsHeaderLength } from './safetensors';
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
 * How a file is read, decided from its first bytes, then its name: `zip` is an .npz or a torch.save
 * archive (its members decide), `torch-not-zip` a .pt/.pth/.bin that is no archive.
 */
type FileKind = 'npy' | 'zip' | 'legacy-torch' | 'npz' | 'torch-not-zip' | 'safetensors' | 'json' | 'csv' | 'unknown';

function fileKind(start: Uint8Array, fileName: string): FileKind {
  const extension = fileExtension(fileName);
  if (startsWith(start, NPY_MAGIC) || (extension === 'npy' && !startsWith(start, ZIP_MAGIC))) return 'npy';
  if (startsWith(start, ZIP_MAGIC) || startsWith(start, EMPTY_ZIP_MAGIC)) return 'zip';
  if (startsWith(start, LEGACY_TORCH_MAGIC)) return 'legacy-torch';
  switch (extension) {
    case 'npz':
      return 'npz';
    case 'pt':
    case 'pth':
    case 'bin':
      return 'torch-not-zip';
    case 'safetensors':
      return 'safetensors';
    case 'json':
      return 'json';
    case 'csv':
    case 'tsv':
      return 'csv';
    default:
      return 'unknown';
  }
}

function rejectUnknown(fileName: string): never {
  const extension = fileExtension(fileName);
  throw new LoadError(fileName, 'a .npy, .npz, .safetensors, .pt (torch.save), .json or .csv file', extension === '' ? 'no extension' : `the extension .${extension}`);
}

function rejectTorchNotZip(start: Uint8Array, fileName: string): never {
  return failAt({ file: fileName }, 0, 'a torch.save file (a zip archive, "PK\\x03\\x04")', describeBytes(start.subarray(0, 8)));
}

/** Bytes a host reads before the body, for checkFileStart: a .npy header of the largest accepted length. */
export const FILE_START_LENGTH = NPY_PREFIX_LENGTH + MAX_NPY_HEADER_LENGTH;

/**
 * Checks what the first bytes of a file (up to FILE_START_LENGTH of them, fewer only when the
 * file is shorter) and its size can tell, so that a host refuses a junk or lying file before
 * reading its body: the format must be one loadBytes reads, a .npz/.pt must start as a zip archive,
 * a .npy header must parse and promise no more data than the file holds, and a .safetensors header
 * length must fit in the file. Text formats (JSON, CSV) and archives (whose directory is at the end)
 * are checked by loadBytes. Throws LoadError naming `fileName`.
 */
export function checkFileStart(start: Uint8Array, fileName: string, fileSize: number): void {
  switch (fileKind(start, fileName)) {
    case 'npy': {
      const header = parseNpyHeader(start, fileName);
      const end = header.dataOffset + header.dataLength;
      if (end > fileSize) {
        failAt({ file: fileName }, header.dataOffset, `${header.dataLength} bytes of ${header.dtype} data for shape (${header.shape.join(', ')}) after the header`, `a ${fileSize}-byte file`);
      }
      return;
    }
    case 'legacy-torch':
      return rejectLegacyTorch(fileName);
    case 'npz':
      return failAt({ file: fileName }, 0, 'an .npz archive (a zip archive, "PK\\x03\\x04")', describeBytes(start.subarray(0, 4)));
    case 'torch-not-zip':
      return rejectTorchNotZip(start, fileName);
    case 'safetensors':
      safetensorsHeaderLength(start, fileSize, { file: fileName });
      return;
    case 'unknown':
      return rejectUnknown(fileName);
    default:
      return;
  }
}

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
  switch (fileKind(bytes, fileName)) {
    case 'npy': {
      const array = loadNpy(bytes, fileName);
      const arrays: Record<string, LoadedArray> = {};
      defineEntry(arrays, fileStem(fileName) || 'value', array);
      return { format: 'npy', arrays };
    }
    case 'zip': {
      const members = readZip(bytes, { file: fileName });
      return findTorchPickle(members) !== undefined || TORCH_EXTENSIONS.has(fileExtension(fileName)) ? loadTorchZip(members, fileName) : npzFromMembers(members, fileName);
    }
    case 'legacy-torch':
      return rejectLegacyTorch(fileName);
    case 'npz':
      return loadNpz(bytes, fileName);
    case 'torch-not-zip':
      return rejectTorchNotZip(bytes, fileName);
    case 'safetensors':
      return loadSafetensors(bytes, fileName);
    case 'json':
      return loadJson(bytes, fileName);
    case 'csv':
      return loadCsv(bytes, fileName);
    case 'unknown':
      return rejectUnknown(fileName);
  }
}
