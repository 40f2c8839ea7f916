import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ReferenceCase } from './case';

/** A fixture case with the values PyTorch computed for it. */
export interface FixtureCase extends ReferenceCase {
  readonly name: string;
  readonly expected: Readonly<Record<string, unknown>>;
}

/** The cases of a fixture file; the shared files must exist, the generated extreme one may not. */
export function loadCases(path: string): FixtureCase[] {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { cases: FixtureCase[] }).cases;
  } catch (error) {
    if (!path.endsWith('extreme-losses.json')) throw error;
    return [];
  }
}

/** `|got − want| ≤ 1e-9 + 1e-7·|want|`; a `null` want means PyTorch had no finite value: ours must be finite. */
export function compare(path: string, got: unknown, want: unknown): void {
  if (want === null) {
    assert.ok(typeof got === 'number' && Number.isFinite(got), `${path}: want a finite number, got ${String(got)}`);
    return;
  }
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${path}: want an array of length ${want.length}, got ${typeof got}`);
    assert.equal(got.length, want.length, `${path}: length`);
    want.forEach((item, i) => compare(`${path}[${i}]`, got[i], item));
    return;
  }
  if (typeof want === 'boolean') {
    assert.equal(got, want, path);
    return;
  }
  if (typeof want === 'number') {
    assert.equal(typeof got, 'number', `${path}: want a number, got ${typeof got}`);
    const tolerance = 1e-9 + 1e-7 * Math.abs(want);
    assert.ok(Math.abs((got as number) - want) <= tolerance, `${path}: got ${String(got)}, want ${want} (±${tolerance.toExponential(2)})`);
    return;
  }
  assert.ok(typeof want === 'object' && want !== null, `${path}: unexpected fixture value`);
  assert.ok(typeof got === 'object' && got !== null, `${path}: want an object, got ${typeof got}`);
  for (const [key, value] of Object.entries(want)) compare(`${path}.${key}`, (got as Record<string, unknown>)[key], value);
}
