import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { realPathOrTarget } from './read';

/**
 * Writing a result file so that a failure never leaves it half-written: the text goes to a new
 * temporary file beside the target, is flushed to disk, then renamed over the target in one step.
 * A full disk, a killed process or a file-size limit leaves the old file as it was.
 */

/** The nearest ancestor of `folder` that exists but is not a folder, if any (what blocks mkdir). */
function blockingFile(folder: string): string | undefined {
  for (let at = resolve(folder); ; at = dirname(at)) {
    try {
      return statSync(at).isDirectory() ? undefined : at;
    } catch {
      if (dirname(at) === at) return undefined;
    }
  }
}

/** Makes `folder` and its parents; a file in the way is said in a sentence rather than EEXIST/ENOTDIR. */
export function ensureFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const blocker = code === 'EEXIST' || code === 'ENOTDIR' ? blockingFile(folder) : undefined;
    if (blocker !== undefined) throw new Error(`cannot create the folder ${folder}: ${blocker} is a file, not a folder`);
    throw error;
  }
}

let counter = 0;

/**
 * Writes `content` to `path` atomically: the folder is created if needed, a symlink target is
 * followed (the linked file is replaced, not the link), the file keeps its permissions, and the
 * temporary file is removed if anything fails. Throws an Error whose message names the path.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  ensureFolder(dirname(resolve(path)));
  const target = realPathOrTarget(path);
  let mode = 0o666;
  try {
    const stats = statSync(target);
    if (stats.isDirectory()) throw new Error(`cannot write ${path}: it is a folder`);
    mode = stats.mode & 0o7777;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${++counter}.tmp`);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const fd = openSync(temporary, 'wx', mode);
  let open = true;
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    open = false;
    closeSync(fd);
    renameSync(temporary, target);
  } catch (error) {
    if (open) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing to remove.
    }
    throw error;
  }
}
