import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIGURE_SPEC_VERSION } from '../../src/core/figures/spec';
import { readFixtures } from '../browser/figureFixtures';
import { validate } from '../helpers/jsonSchema';
import { SCHEMA_PATH, schemaText } from '../../scripts/schema';

// schemas/figure.schema.json is the contract between the core, the renderer and the Python
// package: generated from spec.ts, it must be current, accept what both sides produce and refuse
// what the renderer cannot draw.

const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
const PYTHON_FIXTURES = 'test/fixtures/figures/python';
const pythonSpecs = readdirSync(PYTHON_FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(join(PYTHON_FIXTURES, file), 'utf8')) as { name: string; spec: Record<string, unknown> });

describe('the figure spec schema', () => {
  it('is what scripts/schema.ts generates from spec.ts now (run npm run schema)', () => {
    assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), schemaText());
  });

  it('names every kind, and the version the core writes', () => {
    const kinds = (schema.anyOf as { $ref: string }[]).map((r) => r.$ref);
    assert.equal(kinds.length, 12);
    const curves = (schema.$defs as Record<string, { properties: Record<string, unknown> }>).CurvesFigure;
    assert.deepEqual(curves.properties.version, { const: FIGURE_SPEC_VERSION });
  });

  it('accepts every spec the core produces for the figure fixtures', () => {
    const fixtures = readFixtures();
    assert.ok(fixtures.length >= 13);
    for (const fixture of fixtures) assert.deepEqual(validate(schema, fixture.spec), [], fixture.name);
  });

  it('accepts every spec the Python package produced (test/fixtures/figures/python)', () => {
    assert.ok(pythonSpecs.length >= 9);
    for (const fixture of pythonSpecs) assert.deepEqual(validate(schema, fixture.spec), [], fixture.name);
  });

  it('refuses a missing field, a wrong type, an unknown property, another version and an unknown kind', () => {
    const distribution = readFixtures().find((f) => f.name === 'distribution')?.spec as unknown as Record<string, unknown>;
    const broken = (change: Record<string, unknown>, drop?: string): Record<string, unknown> => {
      const copy: Record<string, unknown> = { ...distribution, ...change };
      if (drop !== undefined) delete copy[drop];
      return copy;
    };
    assert.deepEqual(validate(schema, broken({}, 'expectation')), ['$: missing expectation']);
    assert.match(validate(schema, broken({ probabilities: [0.5, '0.5'] })).join(), /\$\.probabilities\[1\]: expected a finite number/);
    assert.deepEqual(validate(schema, broken({ colour: 'red' })), ['$: unexpected property colour']);
    assert.match(validate(schema, broken({ version: 2 })).join(), /\$\.version: expected 1, got 2/);
    assert.match(validate(schema, broken({ kind: 'pie' })).join(), /matches none of 12 alternatives/);
  });
});
