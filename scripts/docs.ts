// Writes the builtin reference of docs/language.md from the builtin records (npm run docs).
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinReference, REFERENCE_END, REFERENCE_START, withReference } from '../src/core/language/builtins/reference';

const path = 'docs/language.md';
const document = readFileSync(path, 'utf8');
const updated = withReference(document, builtinReference());
if (updated === undefined) {
  console.error(`${path}: no ${REFERENCE_START} … ${REFERENCE_END} section to write the reference into`);
  process.exit(1);
}
writeFileSync(path, updated);
console.log(updated === document ? `${path}: the reference was up to date` : `${path}: reference rewritten`);
