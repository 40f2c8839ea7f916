import { parseArgs as parseNodeArgs } from 'node:util';
import { SAVE_OUTPUTS, type SaveOutputs } from '../core/notebook/savePolicy';
import { checkSetting, defaultOf, expectedValue, RUNNER_SETTINGS, settingOfFlag, type RunnerSettings } from './settings';

/**
 * The command line of `losslab`: `losslab run PATH [--out PATH] [--html PATH] [--check]
 * [--keep-going] [--save-outputs MODE] [--timings] [--allow-path DIR]... [--config FILE]
 * [--time-limit SECONDS] [--memory-limit MB] [--element-cap N] [--bin-convention NAME]`, parsed without side effects so that usage
 * errors are testable.
 */

export interface RunCommand {
  readonly command: 'run';
  /** A .lossnb file or a folder of them. */
  readonly path: string;
  /** Where to write the run notebook (a folder when `path` is one); default: in place. */
  readonly out?: string;
  /** Where to write the HTML report (a folder when `path` is one). */
  readonly html?: string;
  /** Run and report only; write no notebook. */
  readonly check: boolean;
  /** Run the cells after a failing one too. */
  readonly keepGoing: boolean;
  /** Which outputs the written notebook keeps (as the setting losslab.notebook.saveOutputs); default all. */
  readonly saveOutputs?: SaveOutputs;
  /** Keep each cell's start and end time in the written notebook (as losslab.notebook.saveTimings). */
  readonly timings?: true;
  /** Folders besides each notebook's own that `load` may read (symlinks followed), from `--allow-path`. */
  readonly allowPaths: readonly string[];
  /** The kernel settings given as flags (they override the config file's); absent when none is. */
  readonly settings?: RunnerSettings;
  /** The config file from `--config`; without it, losslab.json is looked for (config.ts). */
  readonly config?: string;
}

export type ParsedArgs = RunCommand | { readonly command: 'help' } | { readonly command: 'version' } | { readonly command: 'usage-error'; readonly message: string };

export const USAGE = `Usage: losslab run NOTEBOOK.lossnb|DIR [options]

Runs every LossLab code cell of a notebook in order, in one kernel process, and writes the
notebook back with the new outputs (or to --out). With a folder, runs each .lossnb in it.
Cells run under the editor's limits: a cell that passes the time or memory limit, or
crashes its kernel, is stopped and becomes an error output; the kernel restarts with an
empty scope, so later cells that use names defined before it fail too (with --keep-going
they run, otherwise the notebook stops there). The run always goes on to the next notebook.

Options:
  --out PATH      write the run notebook to PATH instead of in place
                  (a folder when running a folder)
  --html PATH     also write a standalone HTML report (a folder when running a folder)
  --check         run and report only; write no notebook
  --keep-going    run the cells after a failing cell too
  --save-outputs all|figures-only|none
                  which outputs the written notebook keeps (default all)
  --timings       keep each cell's start and end time in the written notebook
                  (left out by default, so that an unchanged notebook diffs clean)
  --allow-path DIR
                  let load() read files under DIR too (repeatable); otherwise a notebook
                  reads only files inside its own folder, symlinks followed
  --time-limit SECONDS
                  stop a cell that runs longer (default ${defaultOf('losslab.kernel.timeLimitSeconds')})
  --memory-limit MB
                  the kernel's heap limit; a cell that needs more is stopped (default ${defaultOf('losslab.kernel.memoryLimitMb')})
  --element-cap N the most elements one value may hold (default ${defaultOf('losslab.kernel.elementCap')})
  --bin-convention mmdetection|ultralytics
                  what reg_max means without a convention (default ${defaultOf('losslab.dfl.binConvention')})
  --config FILE   read those settings from FILE, a JSON object keyed as the VS Code
                  settings (losslab.kernel.timeLimitSeconds, losslab.kernel.memoryLimitMb,
                  losslab.kernel.elementCap, losslab.dfl.binConvention); without it,
                  losslab.json beside the notebook (in the folder) or in the working
                  directory is read if there is one. Flags override the file.
  -h, --help      show this help
  --version       show the version

Exit status: 0 when every cell ran without error, 1 when a cell failed or was stopped, a
notebook could not be read or written, or the config file is wrong; 2 for a usage error.`;

/** The options of `losslab run`, for node:util's parser; the ones that take a value may repeat so that a repeat is reported. */
const RUN_OPTIONS = {
  out: { type: 'string', multiple: true },
  html: { type: 'string', multiple: true },
  'save-outputs': { type: 'string', multiple: true },
  check: { type: 'boolean' },
  'keep-going': { type: 'boolean' },
  timings: { type: 'boolean' },
  'allow-path': { type: 'string', multiple: true },
  config: { type: 'string', multiple: true },
  'time-limit': { type: 'string', multiple: true },
  'memory-limit': { type: 'string', multiple: true },
  'element-cap': { type: 'string', multiple: true },
  'bin-convention': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `argv` (without `node` and the script). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0) return usageError('no command given');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command !== 'run') return usageError(`unknown command '${command}'`);
  let parsed: ReturnType<typeof parseRunArgs>;
  try {
    parsed = parseRunArgs(rest);
  } catch (error) {
    return usageError(parserMessage(error, rest));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  for (const flag of ['out', 'html', 'save-outputs', 'config', 'time-limit', 'memory-limit', 'element-cap', 'bin-convention'] as const) {
    if ((values[flag]?.length ?? 0) > 1) return usageError(`--${flag} given twice`);
  }
  const [out] = values.out ?? [];
  const [html] = values.html ?? [];
  const [saveOutputs] = values['save-outputs'] ?? [];
  if (out === '') return usageError('--out needs a path');
  if (html === '') return usageError('--html needs a path');
  const allowPaths = values['allow-path'] ?? [];
  if (allowPaths.includes('')) return usageError('--allow-path needs a folder');
  const [config] = values.config ?? [];
  if (config === '') return usageError('--config needs a file');
  const settings: Record<string, unknown> = {};
  for (const setting of RUNNER_SETTINGS) {
    const [text] = values[setting.flag.slice(2) as 'time-limit' | 'memory-limit' | 'element-cap' | 'bin-convention'] ?? [];
    if (text === undefined) continue;
    try {
      settings[setting.name] = checkSetting(setting, text, setting.flag);
    } catch (error) {
      return usageError((error as Error).message);
    }
  }
  if (saveOutputs !== undefined && !SAVE_OUTPUTS.includes(saveOutputs as SaveOutputs)) return usageError(saveOutputsMessage(saveOutputs));
  if (positionals.length === 0) return usageError('run needs a notebook or a folder');
  if (positionals.length > 1) return usageError(`run takes one notebook or folder, got ${positionals.length}: ${positionals.join(' ')}`);
  const check = values.check === true;
  if (check && out !== undefined) return usageError('--check writes no notebook, so it cannot be combined with --out');
  return {
    command: 'run',
    path: positionals[0],
    check,
    keepGoing: values['keep-going'] === true,
    allowPaths,
    ...(out !== undefined && { out }),
    ...(html !== undefined && { html }),
    ...(saveOutputs !== undefined && { saveOutputs: saveOutputs as SaveOutputs }),
    ...(values.timings === true && { timings: true as const }),
    ...(Object.keys(settings).length > 0 && { settings: settings as RunnerSettings }),
    ...(config !== undefined && { config }),
  };
}

function parseRunArgs(args: readonly string[]) {
  return parseNodeArgs({ args: [...args], options: RUN_OPTIONS, allowPositionals: true, strict: true });
}

const saveOutputsMessage = (value: string | undefined): string =>
  `--save-outputs needs one of ${SAVE_OUTPUTS.join(', ')}, got ${value === undefined ? 'nothing' : `'${value}'`}`;

/** node:util's errors, said in this command's words (the option, and what it needs). */
function parserMessage(error: unknown, args: readonly string[]): string {
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' =<]+)/.exec(text)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${option ?? args.find((a) => a.startsWith('-')) ?? ''}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    const flag = option.startsWith('--') ? option : '--help';
    if (flag === '--save-outputs') return saveOutputsMessage(undefined);
    if (flag === '--out' || flag === '--html') return `${flag} needs a path`;
    if (flag === '--allow-path') return '--allow-path needs a folder';
    if (flag === '--config') return '--config needs a file';
    const setting = settingOfFlag(flag);
    if (setting !== undefined) return `${flag} needs ${expectedValue(setting)}`;
    return `${flag} takes no value`;
  }
  return text;
}

function usageError(message: string): ParsedArgs {
  return { command: 'usage-error', message };
}
