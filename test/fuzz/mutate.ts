import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';

/**
 * The file mutations of the loader targets, each drawn from a seeded generator so a case replays
 * from its seed alone: bit flips, truncation, lies in size fields (.npy shapes, zip directory sizes
 * and offsets, safetensors lengths), overlapping zip members, huge declared shapes and deep
 * nesting. Base files are the repository's fixtures of each format plus a few built here.
 */

/** The seeded generator of the tests and bench (mulberry32), uniform in [0, 1). */
export { seededRandom as random } from '../helpers/random';

export type Rng = () => number;
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, below: number): number => Math.floor(rng() * below);

const FIXTURES = resolve(__dirname, '../fixtures/io');

/** Every fixture of the given extensions under test/fixtures/io (valid and corrupt ones alike). */
export function fixtureFiles(extensions: readonly string[]): Uint8Array[] {
  const found: Uint8Array[] = [];
  for (const folder of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const name of readdirSync(join(FIXTURES, folder.name)).sort()) {
      if (extensions.some((extension) => name.endsWith(`.${extension}`))) found.push(new Uint8Array(readFileSync(join(FIXTURES, folder.name, name))));
    }
  }
  return found;
}

/** A .npy file of `shape` with a header written as numpy writes it, and `data` after it. */
export function npyFile(shape: readonly (number | string)[], descr = '<f8', data: Uint8Array = new Uint8Array(0), fortran = false): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${tuple}, }`;
  const long = header.length + 11 > 65535;
  const prefix = long ? 12 : 10;
  header += ' '.repeat(63 - ((prefix + header.length) % 64)) + '\n';
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, long ? 2 : 1, 0]);
  const view = new DataView(out.buffer);
  if (long) view.setUint32(8, header.length, true);
  else view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i) & 0xff;
  out.set(data, prefix + header.length);
  return out;
}

/** An .npz of the given members, stored or deflated. */
export function npzFile(members: Record<string, Uint8Array>, deflate: boolean): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(members).map(([name, data]) => [name, [data, { level: deflate ? 6 : 0 }]])));
}

/** A .safetensors file from its header object and data section. */
export function safetensorsFile(header: unknown, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

/** Shapes a hostile header declares: huge, zero-size with many rows, many axes, beyond 2^53. */
export function hostileShape(rng: Rng): (number | string)[] {
  switch (int(rng, 6)) {
    case 0:
      return [10 ** 8, 0];
    case 1:
      return Array.from({ length: 65 + int(rng, 100_000) }, () => 1);
    case 2:
      return ['9223372036854775807'];
    case 3:
      return [2 ** 31, 2 ** 31];
    case 4:
      return [0, 2 ** 52, 2 ** 52];
    default:
      return [int(rng, 4), int(rng, 4)];
  }
}

function flipBits(bytes: Uint8Array, rng: Rng): Uint8Array {
  const out = bytes.slice();
  const flips = 1 + int(rng, 8);
  for (let i = 0; i < flips && out.length > 0; i++) out[int(rng, out.length)] ^= 1 << int(rng, 8);
  return out;
}

/** Overwrites a 2-, 4- or 8-byte little-endian field at a random offset with a lie: 0, max, or a small change. */
function lieInField(bytes: Uint8Array, rng: Rng): Uint8Array {
  const out = bytes.slice();
  if (out.length < 8) return out;
  const width = pick(rng, [2, 4, 8] as const);
  const at = int(rng, out.length - width + 1);
  const view = new DataView(out.buffer);
  const value = pick(rng, [0, 1, 0xff, 0xffff, 0x7fffffff, 0xffffffff, view.getUint16(at, true) + 1]);
  if (width === 2) view.setUint16(at, value & 0xffff, true);
  else if (width === 4) view.setUint32(at, value >>> 0, true);
  else view.setBigUint64(at, BigInt(value) * BigInt(pick(rng, [1, 2 ** 20, 2 ** 31])), true);
  return out;
}

/** Rewrites a zip's central directory so that entries point at other members' data (overlap), or lie about sizes. */
function zipDirectoryLie(bytes: Uint8Array, rng: Rng): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const entries: number[] = [];
  for (let at = 0; at + 46 <= out.length; at++) if (view.getUint32(at, true) === 0x02014b50) entries.push(at);
  if (entries.length === 0) return flipBits(out, rng);
  const entry = pick(rng, entries);
  switch (int(rng, 3)) {
    case 0: // every entry at the first member's local header: overlapping members
      for (const at of entries) view.setUint32(at + 42, view.getUint32(entries[0] + 42, true), true);
      break;
    case 1: // understated or overstated uncompressed size
      view.setUint32(entry + 24, pick(rng, [0, 1, view.getUint32(entry + 24, true) * 1000, 0xfffffffe]), true);
      break;
    default: // a compressed size past the end
      view.setUint32(entry + 20, pick(rng, [0, 0xfffffffe, view.getUint32(entry + 20, true) + 1]), true);
  }
  return out;
}

function truncate(bytes: Uint8Array, rng: Rng): Uint8Array {
  return bytes.subarray(0, int(rng, bytes.length + 1)).slice();
}

/** One to three mutations of `bytes`, or (one case in eight) none, so valid files are in the mix. */
export function mutate(bytes: Uint8Array, rng: Rng, extra: readonly ((bytes: Uint8Array, rng: Rng) => Uint8Array)[] = []): Uint8Array {
  if (rng() < 0.125) return bytes;
  const mutations = [flipBits, truncate, lieInField, zipDirectoryLie, ...extra];
  let out = bytes;
  const count = 1 + int(rng, 3);
  for (let i = 0; i < count; i++) out = pick(rng, mutations)(out, rng);
  return out;
}

/** A text made of `depth` nested arrays, or objects, around a number. */
export function deepJson(depth: number, objects: boolean): string {
  return objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}
