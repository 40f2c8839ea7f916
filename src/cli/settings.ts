import packageJson from '../../package.json';
import type { BinConvention } from '../core/distributions';
import { DEFAULT_KERNEL_SETTINGS, type KernelSettings } from '../node/kernel/process';

/**
 * The kernel settings of `losslab run`: the editor's settings (same keys, same minimums, same
 * defaults, read from the extension manifest so that the two hosts cannot disagree), given by a
 * flag or by a config file. A bad value is an error that names the flag or key, the value and
 * what is expected; a value is never clamped or replaced silently, since a CI run that quietly
 * ignored `--time-limit 0.5` would run under limits nobody chose.
 */

/** The settings a run may set; absent ones keep DEFAULT_KERNEL_SETTINGS. */
export interface RunnerSettings {
  readonly timeLimitSeconds?: number;
  readonly memoryLimitMb?: number;
  readonly elementCap?: number;
  readonly binConvention?: BinConvention;
}

type SettingName = keyof RunnerSettings;

/** One setting: its config key (the VS Code setting), its flag, and the words for its value. */
interface SettingSpec {
  readonly name: SettingName;
  readonly key: string;
  readonly flag: string;
  /** The flag's value in the help: SECONDS, MB, N. */
  readonly placeholder: string;
  /** Numbers that must be whole (MB, elements); seconds may be fractional. */
  readonly whole: boolean;
  /** The unit said in an error: "a number of seconds ≥ 1". */
  readonly unit: string;
}

export const RUNNER_SETTINGS: readonly SettingSpec[] = [
  { name: 'timeLimitSeconds', key: 'losslab.kernel.timeLimitSeconds', flag: '--time-limit', placeholder: 'SECONDS', whole: false, unit: 'number of seconds' },
  { name: 'memoryLimitMb', key: 'losslab.kernel.memoryLimitMb', flag: '--memory-limit', placeholder: 'MB', whole: true, unit: 'whole number of MB' },
  { name: 'elementCap', key: 'losslab.kernel.elementCap', flag: '--element-cap', placeholder: 'N', whole: true, unit: 'whole number of elements' },
  { name: 'binConvention', key: 'losslab.dfl.binConvention', flag: '--bin-convention', placeholder: 'NAME', whole: false, unit: '' },
];

/** What the manifest (package.json `contributes.configuration`) declares for a setting. */
interface ManifestProperty {
  readonly default?: unknown;
  readonly minimum?: number;
  readonly enum?: readonly string[];
}

function manifestProperty(key: string): ManifestProperty {
  const properties = packageJson.contributes.configuration.properties as Record<string, ManifestProperty>;
  const property = properties[key];
  if (property === undefined) throw new Error(`package.json declares no setting ${key}`);
  return property;
}

/** The setting `flag` names (`--time-limit`), if any. */
export function settingOfFlag(flag: string): SettingSpec | undefined {
  return RUNNER_SETTINGS.find((setting) => setting.flag === flag);
}

/** The manifest's default of the setting with this config key, as the help prints it. */
export function defaultOf(key: string): string {
  return String(manifestProperty(key).default);
}

/** What a setting's value must be, as a phrase: "a number of seconds ≥ 1", "one of mmdetection, ultralytics". */
export function expectedValue(setting: SettingSpec): string {
  const property = manifestProperty(setting.key);
  if (property.enum !== undefined) return `one of ${property.enum.join(', ')}`;
  return `a ${setting.unit} ≥ ${property.minimum ?? 0}`;
}

/**
 * Checks one value (a flag's text, or with `fromText` false a config file's JSON value, where a
 * number must be a JSON number) against the manifest; returns it typed, or throws an Error `<where> is <value>; expected <what>` (`where` is the flag or
 * `file: key`).
 */
export function checkSetting(setting: SettingSpec, value: unknown, where: string, fromText = true): number | BinConvention {
  const property = manifestProperty(setting.key);
  const fail = (): never => {
    throw new Error(`${where} is ${describeValue(value)}; expected ${expectedValue(setting)}`);
  };
  if (property.enum !== undefined) {
    if (typeof value !== 'string' || !property.enum.includes(value)) fail();
    return value as BinConvention;
  }
  // "60" in a JSON file is a mistake worth saying: the editor's settings.json would not take it either.
  const number = typeof value === 'number' ? value : fromText && typeof value === 'string' && /^\s*[-+]?[\d.]/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number < (property.minimum ?? 0) || (setting.whole && !Number.isInteger(number))) fail();
  return number;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 39)}…` : value}'`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}

/**
 * Reads a parsed config file: an object of setting keys (`losslab.kernel.timeLimitSeconds`, …) as in
 * VS Code's settings.json. Unknown keys are errors, since a misspelt limit would otherwise be
 * ignored. `file` names the file in the errors.
 */
export function settingsFromConfig(parsed: unknown, file: string): RunnerSettings {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file} should hold a JSON object of settings such as {"losslab.kernel.timeLimitSeconds": 60}, not ${describeValue(parsed)}`);
  }
  const settings: Record<string, number | BinConvention> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const setting = RUNNER_SETTINGS.find((candidate) => candidate.key === key);
    if (setting === undefined) throw new Error(`${file}: unknown setting '${key}'; the known ones are ${RUNNER_SETTINGS.map((s) => s.key).join(', ')}`);
    settings[setting.name] = checkSetting(setting, value, `${file}: ${key}`, false);
  }
  return settings as RunnerSettings;
}

/** The kernel settings of a run: the flags over the config file over the editor's defaults. */
export function kernelSettings(fromFile: RunnerSettings, fromFlags: RunnerSettings): KernelSettings {
  const merged: RunnerSettings = { ...fromFile, ...fromFlags };
  return {
    ...DEFAULT_KERNEL_SETTINGS,
    ...(merged.timeLimitSeconds !== undefined && { timeLimitMs: merged.timeLimitSeconds * 1000 }),
    ...(merged.memoryLimitMb !== undefined && { memoryLimitMb: merged.memoryLimitMb }),
    ...(merged.elementCap !== undefined && { elementCap: merged.elementCap }),
    ...(merged.binConvention !== undefined && { binConvention: merged.binConvention }),
  };
}
