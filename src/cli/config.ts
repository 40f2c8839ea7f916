import { closeSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FileRefusedError, openRegularFile, readRange } from '../node/files/read';
import { settingsFromConfig, type RunnerSettings } from './settings';

/**
 * The config file of `losslab run`: `--config FILE`, or else a `losslab.json` found beside the
 * notebook (in the folder, for a folder run), or else in the working directory. Only the first one
 * found is read; the files do not merge, so that what a run used is one file to look at.
 */

export const CONFIG_FILE_NAME = 'losslab.json';

/** A config file is a few settings; anything larger is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Where the settings of a run over `runPath` come from: the explicit file, or the first found; undefined when none. */
export function findConfigFile(explicit: string | undefined, runPath: string, cwd = process.cwd()): string | undefined {
  if (explicit !== undefined) return explicit;
  let folder: string;
  try {
    folder = statSync(runPath).isDirectory() ? resolve(runPath) : dirname(resolve(runPath));
  } catch {
    folder = dirname(resolve(runPath));
  }
  for (const candidate of [join(folder, CONFIG_FILE_NAME), join(resolve(cwd), CONFIG_FILE_NAME)]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Reads and checks a config file (a regular file only, as notebooks are: a FIFO would hang the
 * run). Throws an Error naming the file and what is wrong with it.
 */
export function readConfigFile(file: string): RunnerSettings {
  let opened: { fd: number; size: number };
  try {
    opened = openRegularFile(file, MAX_CONFIG_BYTES);
  } catch (error) {
    if (error instanceof FileRefusedError) throw new Error(`config ${error.message}`);
    const code = (error as { code?: unknown }).code;
    throw new Error(`config ${file}: ${code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)}`);
  }
  let text: string;
  try {
    text = new TextDecoder().decode(readRange(opened.fd, 0, opened.size));
  } finally {
    closeSync(opened.fd);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text around the mistake; say where it is instead of what the file holds.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw new Error(`config ${file} is not JSON${position === undefined ? '' : ` (the syntax breaks at character ${position})`}`);
  }
  return settingsFromConfig(parsed, `config ${file}`);
}
