import assert from 'node:assert/strict';
import type { CellOutput, Session } from '../../src/core/language/session';

/** Runs a cell and asserts it raised no error. */
export function runCell(session: Session, source: string): CellOutput[] {
  const outputs = session.runCell(source);
  const errors = outputs.filter((o) => o.kind === 'error');
  assert.deepEqual(errors, []);
  return outputs;
}

/** The value of the scope's `name`, as plain nested arrays and numbers. */
export function plainValue(session: Session, name: string): unknown {
  const toPlain = (value: unknown): unknown => {
    if (typeof value === 'number') return value;
    if (Array.isArray(value)) return value.map(toPlain);
    if (typeof value === 'object' && value !== null && typeof (value as { valueOf: () => unknown }).valueOf === 'function') {
      const inner = (value as { valueOf: () => unknown }).valueOf();
      if (inner !== value) return toPlain(inner);
    }
    return value;
  };
  return toPlain(session.scope.get(name));
}
