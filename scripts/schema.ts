// Writes schemas/figure.schema.json, the figure spec's JSON Schema, from the TypeScript types in
// src/core/figures/spec.ts (npm run schema). The types are the source: the schema is derived, so
// the renderer, the notebook and the Python package (python/) share one contract, and
// test/scripts/schema.test.ts fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

export const SPEC_SOURCE = 'src/core/figures/spec.ts';
export const SCHEMA_PATH = 'schemas/figure.schema.json';

type Schema = { readonly [key: string]: unknown };

/** The JSON Schema (draft 2020-12) of `FigureSpec`, one `$defs` entry per named interface. */
export function figureSchema(): Schema {
  const program = ts.createProgram([SPEC_SOURCE], { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(SPEC_SOURCE);
  if (file === undefined) throw new Error(`${SPEC_SOURCE}: not found`);
  const alias = file.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'FigureSpec');
  if (alias === undefined) throw new Error(`${SPEC_SOURCE}: no type FigureSpec`);
  const defs = new Map<string, Schema>();

  const convert = (type: ts.Type, where: string): Schema => {
    if (type.isUnion()) {
      const parts = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
      if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
      if (parts.length === 1) return convert(parts[0], where);
      if (parts.every((t) => t.isLiteral())) return { enum: parts.map((t) => (t as ts.LiteralType).value) };
      return { anyOf: parts.map((t) => convert(t, where)) };
    }
    if (type.isNumberLiteral() || type.isStringLiteral()) return { const: type.value };
    if (type.flags & ts.TypeFlags.Number) return { type: 'number' };
    if (type.flags & ts.TypeFlags.String) return { type: 'string' };
    if (type.flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (type.flags & ts.TypeFlags.Null) return { type: 'null' };
    if (checker.isArrayType(type)) return { type: 'array', items: convert(checker.getTypeArguments(type as ts.TypeReference)[0], `${where}[]`) };
    if (type.flags & ts.TypeFlags.Object) {
      const symbol = type.getSymbol();
      if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Interface) {
        const name = symbol.getName();
        if (!defs.has(name)) {
          defs.set(name, {}); // placeholder: an interface may refer to itself
          const documentation = ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim();
          defs.set(name, { ...(documentation === '' ? {} : { description: documentation }), ...objectSchema(type, name) });
        }
        return { $ref: `#/$defs/${name}` };
      }
      return objectSchema(type, where);
    }
    throw new Error(`${SPEC_SOURCE}: ${where} has a type JSON Schema cannot state: ${checker.typeToString(type)}`);
  };

  const objectSchema = (type: ts.Type, where: string): Schema => {
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    if (index !== undefined) return { type: 'object', additionalProperties: convert(index.type, `${where}[key]`) };
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const name = property.getName();
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const propertyType = declaration === undefined ? checker.getTypeOfSymbol(property) : checker.getTypeOfSymbolAtLocation(property, declaration);
      const documentation = ts.displayPartsToString(property.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim();
      properties[name] = { ...convert(propertyType, `${where}.${name}`), ...(documentation === '' ? {} : { description: documentation }) };
      if (!(property.flags & ts.SymbolFlags.Optional)) required.push(name);
    }
    return { type: 'object', properties, required, additionalProperties: false };
  };

  const root = convert(checker.getTypeFromTypeNode(alias.type), 'FigureSpec');
  const version = Number(/FIGURE_SPEC_VERSION = (\d+)/.exec(file.text)?.[1]);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:losslab:figure-spec:v${version}`,
    title: 'LossLab figure spec',
    description: `A LossLab figure, stored under the mime type application/vnd.losslab.figure+json (version ${version}). Generated from ${SPEC_SOURCE} by scripts/schema.ts; do not edit by hand.`,
    ...root,
    $defs: Object.fromEntries([...defs].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The schema as the committed file holds it. */
export function schemaText(): string {
  return `${JSON.stringify(figureSchema(), null, 2)}\n`;
}

if (process.argv[1]?.endsWith('schema.ts')) {
  const text = schemaText();
  const before = (() => {
    try {
      return readFileSync(SCHEMA_PATH, 'utf8');
    } catch {
      return '';
    }
  })();
  writeFileSync(SCHEMA_PATH, text);
  console.log(before === text ? `${SCHEMA_PATH}: up to date` : `${SCHEMA_PATH}: written`);
}
