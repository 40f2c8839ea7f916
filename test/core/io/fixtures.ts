import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadError, loadBytes, type LoadedArray, type LoadedFile } from '../../../src/core/io';

/** Where scripts/fixtures/make_io_fixtures.py writes the loader fixtures. */
export const FIXTURE_DIR = 'test/fixtures/io';

/** One file as numpy read it (or as the generator built it): values are strings so int64 and NaN survive JSON. */
export interface ExpectedFile {
  readonly format: string;
  readonly arrays: Record<string, { dtype: string; shape: number[]; values: string[] }>;
  readonly metadata?: Record<string, string>;
}

export const expectedFiles = JSON.parse(readFileSync(join(FIXTURE_DIR, 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;

/** A fixture's bytes in a buffer of their own (Node pools small reads, at arbitrary offsets). */
export function readFixture(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURE_DIR, relative)));
}

/** The fixture paths under one folder, e.g. `npy/`. */
export function fixturesUnder(folder: string): string[] {
  return Object.keys(expectedFiles).filter((path) => path.startsWith(folder));
}

/** Asserts an array equals the recorded one exactly: bit-exact floats (−0 and NaN included), exact integers. */
export function assertArrayMatches(label: string, got: LoadedArray, want: ExpectedFile['arrays'][string]): void {
  assert.equal(got.dtype, want.dtype, `${label}: dtype`);
  assert.deepEqual([...got.shape], want.shape, `${label}: shape`);
  assert.equal(got.data.length, want.values.length, `${label}: element count`);
  want.values.forEach((text, i) => {
    const value = got.data[i];
    if (typeof value === 'bigint') assert.equal(value, BigInt(text), `${label}[${i}]`);
    else assert.ok(Object.is(value, Number(text)), `${label}[${i}]: got ${value}, want ${text}`);
  });
}

export function assertFileMatches(relative: string, got: LoadedFile): void {
  const want = expectedFiles[relative];
  assert.equal(got.format, want.format, `${relative}: format`);
  assert.deepEqual(Object.keys(got.arrays).sort(), Object.keys(want.arrays).sort(), `${relative}: array names`);
  for (const [name, array] of Object.entries(want.arrays)) assertArrayMatches(`${relative} ${name}`, got.arrays[name], array);
  assert.deepEqual(got.metadata, want.metadata, `${relative}: metadata`);
}

/** Asserts `run` throws a LoadError whose message is exactly `message` (a RegExp when it quotes the JS engine). */
export function assertLoadError(run: () => unknown, message: string | RegExp, fields: { entry?: string; offset?: number; field?: string } = {}): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof LoadError, `expected a LoadError, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    const located: { entry?: string; offset?: number; field?: string } = error;
    for (const key of Object.keys(fields) as (keyof typeof fields)[]) assert.equal(located[key], fields[key], `LoadError.${key}`);
    return true;
  });
}

/** Runs the loader and lets only LoadError through (naming the file): any other exception fails the test. */
export function loadOrLoadError(bytes: Uint8Array, name: string): 'loaded' | 'rejected' {
  try {
    loadBytes(bytes, name);
    return 'loaded';
  } catch (error) {
    if (error instanceof LoadError && error.file === name && error.message.startsWith(name)) return 'rejected';
    throw new Error(`${name}: ${String(error)} escaped as ${(error as Error)?.name}`);
  }
}
