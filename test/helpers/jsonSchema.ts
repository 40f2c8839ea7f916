/**
 * The JSON Schema subset that scripts/schema.ts writes (type, const, enum, properties, required,
 * additionalProperties, items, anyOf, local $ref), as a validator returning every violation with
 * its JSON path. Written here rather than taken from a library so the tests need no new
 * dependency; python/tests/schema.py is its twin for the Python package.
 */
type Schema = { readonly [key: string]: unknown };

export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (schema: Schema): Schema => {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    const name = ref.replace('#/$defs/', '');
    const target = (root.$defs as Record<string, Schema> | undefined)?.[name];
    if (target === undefined) throw new Error(`schema: unknown $ref ${ref}`);
    return target;
  };
  const check = (raw: Schema, v: unknown, path: string, out: string[]): void => {
    const schema = resolve(raw);
    if ('const' in schema && v !== schema.const) out.push(`${path}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(v)}`);
    if (Array.isArray(schema.enum) && !schema.enum.includes(v)) out.push(`${path}: expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(v)}`);
    if (Array.isArray(schema.anyOf)) {
      const alternatives = schema.anyOf as Schema[];
      // A figure's kind picks its alternative, so the errors are that kind's, not every kind's.
      const kind = typeof v === 'object' && v !== null ? (v as { kind?: unknown }).kind : undefined;
      const byKind = alternatives.filter((a) => (resolve(a).properties as Record<string, Schema> | undefined)?.kind?.const === kind);
      const tried = byKind.length === 1 ? byKind : alternatives;
      const failures = tried.map((a) => {
        const found: string[] = [];
        check(a, v, path, found);
        return found;
      });
      if (failures.every((f) => f.length > 0)) out.push(...(tried.length === 1 ? failures[0] : [`${path}: matches none of ${tried.length} alternatives (${failures.map((f) => f[0]).join('; ')})`]));
    }
    switch (schema.type) {
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) out.push(`${path}: expected a finite number, got ${JSON.stringify(v)}`);
        break;
      case 'string':
        if (typeof v !== 'string') out.push(`${path}: expected a string, got ${JSON.stringify(v)}`);
        break;
      case 'boolean':
        if (typeof v !== 'boolean') out.push(`${path}: expected a boolean, got ${JSON.stringify(v)}`);
        break;
      case 'null':
        if (v !== null) out.push(`${path}: expected null, got ${JSON.stringify(v)}`);
        break;
      case 'array':
        if (!Array.isArray(v)) out.push(`${path}: expected an array, got ${JSON.stringify(v)}`);
        else v.forEach((item, i) => check(schema.items as Schema, item, `${path}[${i}]`, out));
        break;
      case 'object': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
          out.push(`${path}: expected an object, got ${JSON.stringify(v)}`);
          break;
        }
        const record = v as Record<string, unknown>;
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        for (const key of (schema.required ?? []) as string[]) if (!(key in record)) out.push(`${path}: missing ${key}`);
        for (const [key, item] of Object.entries(record)) {
          if (key in properties) check(properties[key], item, `${path}.${key}`, out);
          else if (schema.additionalProperties === false) out.push(`${path}: unexpected property ${key}`);
          else if (typeof schema.additionalProperties === 'object') check(schema.additionalProperties as Schema, item, `${path}.${key}`, out);
        }
        break;
      }
    }
  };
  check(root, value, '$', errors);
  return errors;
}
