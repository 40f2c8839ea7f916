import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../../core/errors';

/**
 * The one rule on which files a notebook may read, for the editor's kernel and `losslab run`
 * alike: which folders, and how large. The checks on the file itself (a regular file, opened
 * before it is inspected) are in `read.ts`; this file only decides on paths, so it is pure.
 */
export interface FileAccessPolicy {
  /**
   * Folders a path may resolve into, symlinks followed: the notebook's workspace folder (the
   * notebook's own folder for `losslab run`), then each `--allow-path`. Each is compared after
   * `realpath`, by the caller (`read.ts`), so a link inside a root that points outside is refused.
   */
  readonly roots: readonly string[];
  /** A trusted workspace (`vscode.workspace.isTrusted`) may read any regular file. */
  readonly trusted: boolean;
  /** The largest file a `load` reads, in bytes. */
  readonly maxBytes: number;
}

/**
 * The largest file `load` reads by default: 2 GiB, past the kernel's default heap limit already
 * (larger exports go through `qfl_stream`, which reads rows in chunks).
 */
export const DEFAULT_MAX_LOAD_BYTES = 2 ** 31;

/**
 * Folders the operating system presents as files but whose contents are not data on disk: the
 * process's environment and memory (`/proc/self/environ`), kernel settings, devices. Refused even in
 * a trusted workspace, since their "size" says nothing of what a read returns.
 */
const PSEUDO_FILE_SYSTEMS = ['/proc', '/sys', '/dev'];

/** Whether `file` is `folder` or inside it (both absolute and already resolved). */
export function isInside(file: string, folder: string): boolean {
  const inside = relative(folder, file);
  return inside === '' || !(inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside));
}

/**
 * The absolute file a path written in a cell names, before symlinks are followed: relative paths
 * resolve against `folder`, the notebook's folder (undefined for an unsaved notebook, which can
 * read absolute paths only).
 */
export function resolveRequest(request: string, folder: string | undefined): string {
  if (isAbsolute(request)) return resolve(request);
  if (folder === undefined) throw new InputError('load', 'path', "absolute, or the notebook saved to a folder first (a relative path needs the notebook's folder)", JSON.stringify(request));
  return resolve(folder, request);
}

/**
 * Decides whether the file at `real` (`resolved`, the path a cell names, with every symlink
 * followed) may be read under `policy`; throws an InputError saying why not. `realRoots` are the
 * policy's roots, also with symlinks followed.
 */
export function checkRealPath(request: string, resolved: string, real: string, realRoots: readonly string[], policy: FileAccessPolicy): void {
  const pseudo = PSEUDO_FILE_SYSTEMS.find((folder) => isInside(real, folder));
  if (pseudo !== undefined) {
    throw new InputError('load', 'path', `a regular file (not under ${pseudo}, whose entries are not data files)`, `${JSON.stringify(request)}, which resolves to ${real}`);
  }
  if (policy.trusted || realRoots.some((root) => isInside(real, root))) return;
  const linked = real === resolved ? '' : `, which resolves to ${real}`;
  throw new InputError(
    'load',
    'path',
    "inside the notebook's workspace folder in an untrusted workspace (trust the workspace, or run losslab with --allow-path DIR)",
    `${JSON.stringify(request)}${linked}`,
  );
}
