import { InputError, describeValue } from '../errors';

/**
 * Reading option objects (`{beta: 2, reduction: "sum"}`) written in cells: unknown keys are an
 * error that lists the valid ones, so a typo never silently falls back to a default.
 */
export interface OptionSpec {
  readonly key: string;
  readonly type: 'number' | 'boolean' | 'string' | 'any';
  readonly default?: number | boolean | string;
  readonly description: string;
  /** For strings: the allowed values. */
  readonly values?: readonly string[];
}

export type OptionValues = Readonly<Record<string, unknown>>;

export function isOptionObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function readOptions(fn: string, value: unknown, specs: readonly OptionSpec[]): OptionValues {
  if (value === undefined) return {};
  if (!isOptionObject(value)) throw new InputError(fn, 'options', 'an object such as {beta: 2}', describeValue(value));
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const spec = specs.find((s) => s.key === key);
    if (spec === undefined) {
      const valid = specs.map((s) => s.key).join(', ') || 'none';
      throw new InputError(fn, `options.${key}`, `one of the known options (${valid})`, 'unknown');
    }
    if (spec.type !== 'any' && typeof raw !== spec.type) {
      throw new InputError(fn, `options.${key}`, `a ${spec.type}`, describeValue(raw));
    }
    if (spec.values !== undefined && !spec.values.includes(raw as string)) {
      throw new InputError(fn, `options.${key}`, `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`, describeValue(raw));
    }
    out[key] = raw;
  }
  return out;
}

/** An option's documented default, the value the runtime falls back to; an option without one is a bug here. */
export function optionDefault(specs: readonly OptionSpec[], key: string): number | boolean | string {
  const value = specs.find((spec) => spec.key === key)?.default;
  if (value === undefined) throw new Error(`the option ${key} has no documented default`);
  return value;
}

export function numberDefault(specs: readonly OptionSpec[], key: string): number {
  const value = optionDefault(specs, key);
  if (typeof value !== 'number') throw new Error(`the default of ${key} is not a number`);
  return value;
}

export const REDUCTION_OPTIONS: readonly OptionSpec[] = [
  { key: 'reduction', type: 'string', default: 'mean', values: ['none', 'mean', 'sum'], description: 'how per-element losses become the loss' },
  { key: 'weight', type: 'any', description: 'per-element weights (the loss shape or a prefix of it)' },
  { key: 'avg_factor', type: 'number', description: "with 'mean': divide the weighted sum by this (mmdetection)" },
];
