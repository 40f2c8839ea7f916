import { realPathOrTarget } from '../../node/files/read';
import { writeFileAtomic } from '../../node/files/write';

/**
 * The one write path of the editor's exports (the HTML report, a figure's PNG or SVG): a file the
 * save dialog chose, never the notebook exported from, and on disk written atomically as `losslab
 * run` writes its results (src/node/files/write.ts), so a full disk or a crash leaves the old file
 * whole. It does not import `vscode` (a location is its scheme and path), so it is tested in Node.
 */

/** What the write needs of a `vscode.Uri`. */
export interface ExportLocation {
  readonly scheme: string;
  readonly fsPath: string;
  toString(): string;
}

/** Whether two locations are one file, symlinks followed for files on disk. */
export function isSameFile(a: ExportLocation, b: ExportLocation): boolean {
  if (a.scheme === 'file' && b.scheme === 'file') return realPathOrTarget(a.fsPath) === realPathOrTarget(b.fsPath);
  return a.toString() === b.toString();
}

/**
 * Writes `content` to `target` for an export of the notebook at `notebook`. Throws an Error naming
 * the file when `target` is the notebook itself (a symlink to it included), or when the write
 * fails; `writeOther` writes a location that is not on disk (the workspace file system).
 */
export async function writeExport(target: ExportLocation, notebook: ExportLocation, content: string | Uint8Array, writeOther: (bytes: Uint8Array) => Promise<void>): Promise<void> {
  if (isSameFile(target, notebook)) throw new Error(`the export would replace the notebook ${target.fsPath} itself; choose another file`);
  if (target.scheme === 'file') writeFileAtomic(target.fsPath, content);
  else await writeOther(typeof content === 'string' ? new TextEncoder().encode(content) : content);
}
