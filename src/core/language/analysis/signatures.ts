import type { OptionSpec } from '../options';

/**
 * Documentation signatures such as `qfl(pred, label, score, {beta, activated})`, read into their
 * parameters: what signature help highlights and what completion snippets are built from.
 */
export interface SignatureParameter {
  /** The parameter's text, e.g. `score`, `beta = 2` or `{beta, activated}`. */
  readonly label: string;
  /** Offsets of the label in the signature: [start, end). */
  readonly start: number;
  readonly end: number;
  /** The `{…}` option object of the call. */
  readonly isOptions: boolean;
  /** Written with `= default`: may be left out. */
  readonly optional: boolean;
}

export interface ParsedSignature {
  readonly label: string;
  readonly parameters: readonly SignatureParameter[];
}

/** Splits the text between the outer parentheses at top-level commas. */
export function parseSignature(label: string): ParsedSignature {
  const open = label.indexOf('(');
  const close = label.lastIndexOf(')');
  if (open < 0 || close < open) return { label, parameters: [] };
  const parameters: SignatureParameter[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = open + 1;
  const flush = (end: number): void => {
    const raw = label.slice(start, end);
    const text = raw.trim();
    if (text.length === 0) return;
    const at = start + raw.indexOf(text);
    // `…` (print's further values) may be left out, like a parameter with a default.
    parameters.push({ label: text, start: at, end: at + text.length, isOptions: text.startsWith('{'), optional: text.includes('=') || text === '…' });
  };
  for (let i = open + 1; i < close; i++) {
    const ch = label[i];
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      flush(i);
      start = i + 1;
    }
  }
  flush(close);
  return { label, parameters };
}

/** The keys an option parameter names: `{bins | reg_max, convention}` → bins, reg_max, convention. */
export function optionKeysOf(parameter: SignatureParameter): string[] {
  return [...parameter.label.matchAll(/[{,|]\s*([A-Za-z_]\w*)/g)].map((m) => m[1]);
}

const escapeSnippet = (text: string): string => text.replace(/[$}\\]/g, (ch) => `\\${ch}`);

/** A value placeholder for an option: its default, a choice of its allowed strings, or its name. */
function optionPlaceholder(spec: OptionSpec | undefined, key: string, tab: number): string {
  if (spec?.values !== undefined && spec.values.length > 0) {
    const ordered = spec.default === undefined ? spec.values : [spec.default as string, ...spec.values.filter((v) => v !== spec.default)];
    return `\${${tab}|${ordered.map((v) => JSON.stringify(v).replace(/[,|$}\\]/g, (ch) => `\\${ch}`)).join(',')}|}`;
  }
  const shown = spec?.default === undefined ? key : typeof spec.default === 'string' ? JSON.stringify(spec.default) : String(spec.default);
  return `\${${tab}:${escapeSnippet(shown)}}`;
}

/**
 * A completion snippet for a call written as in `signature`: every required positional parameter
 * as a placeholder, then the option object with its first key, e.g.
 * `qfl(${1:pred}, ${2:label}, ${3:score}, {beta: ${4:2}})`. Parameters with a default are left out,
 * and so is the option object when its first key has no default and is not a number.
 */
export function callSnippet(name: string, signature: ParsedSignature, options: readonly OptionSpec[]): string {
  const parts: string[] = [];
  let tab = 1;
  for (const parameter of signature.parameters) {
    if (parameter.isOptions) {
      const key = optionKeysOf(parameter)[0];
      const spec = options.find((o) => o.key === key);
      // A free-form first option (a title, labels) has nothing worth pre-filling.
      if (key === undefined || (spec?.default === undefined && spec?.type !== 'number')) continue;
      parts.push(`{${key}: ${optionPlaceholder(spec, key, tab++)}}`);
    } else if (!parameter.optional) {
      parts.push(`\${${tab++}:${escapeSnippet(parameter.label)}}`);
    }
  }
  return `${name}(${parts.join(', ')})`;
}
