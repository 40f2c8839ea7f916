import { SAVE_OUTPUTS, type SaveOutputs } from '../core/notebook/savePolicy';

/**
 * The command line of `losslab`: `losslab run PATH [--out PATH] [--html PATH] [--check]
 * [--keep-going] [--save-outputs MODE] [--timings]`, parsed without side effects so that usage
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
}

export type ParsedArgs = RunCommand | { readonly command: 'help' } | { readonly command: 'version' } | { readonly command: 'usage-error'; readonly message: string };

export const USAGE = `Usage: losslab run NOTEBOOK.lossnb|DIR [options]

Runs every LossLab code cell of a notebook in order, in one session, and writes the
notebook back with the new outputs (or to --out). With a folder, runs each .lossnb in it.

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
  -h, --help      show this help
  --version       show the version

Exit status: 0 when every cell ran without error, 1 when a cell failed or a notebook
could not be read or written, 2 for a usage error.`;

/** Parses `argv` (without `node` and the script). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0) return usageError('no command given');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command !== 'run') return usageError(`unknown command '${command}'`);
  const paths: string[] = [];
  const options: { out?: string; html?: string; saveOutputs?: SaveOutputs; timings?: true } = {};
  let check = false;
  let keepGoing = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '-h' || flag === '--help') return { command: 'help' };
    if (flag === '--check' || flag === '--keep-going' || flag === '--timings') {
      if (inline !== undefined) return usageError(`${flag} takes no value`);
      if (flag === '--check') check = true;
      else if (flag === '--keep-going') keepGoing = true;
      else options.timings = true;
    } else if (flag === '--save-outputs') {
      const value = inline ?? rest[++i];
      if (!SAVE_OUTPUTS.includes(value as SaveOutputs)) return usageError(`--save-outputs needs one of ${SAVE_OUTPUTS.join(', ')}, got ${value === undefined ? 'nothing' : `'${value}'`}`);
      if (options.saveOutputs !== undefined) return usageError('--save-outputs given twice');
      options.saveOutputs = value as SaveOutputs;
    } else if (flag === '--out' || flag === '--html') {
      const value = inline ?? rest[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) return usageError(`${flag} needs a path`);
      const key = flag === '--out' ? 'out' : 'html';
      if (options[key] !== undefined) return usageError(`${flag} given twice`);
      options[key] = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      return usageError(`unknown option '${arg}'`);
    } else {
      paths.push(arg);
    }
  }
  if (paths.length === 0) return usageError('run needs a notebook or a folder');
  if (paths.length > 1) return usageError(`run takes one notebook or folder, got ${paths.length}: ${paths.join(' ')}`);
  if (check && options.out !== undefined) return usageError('--check writes no notebook, so it cannot be combined with --out');
  return { command: 'run', path: paths[0], check, keepGoing, ...options };
}

function usageError(message: string): ParsedArgs {
  return { command: 'usage-error', message };
}
