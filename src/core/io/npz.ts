import { describeText, failAt } from './errors';
import { loadNpy } from './npy';
import { defineEntry } from './entries';
import type { LoadedArray, LoadedFile } from './types';
import { readZip, type ZipMember } from './zip';

/**
 * Loads an .npz archive (`np.savez`, stored, or `np.savez_compressed`, deflated): each member
 * `name.npy` becomes the array `name`. A member that is not a .npy, or a repeated name, is an error
 * naming the member. Cost: stored members are read in place (views when aligned), deflated ones
 * cost one buffer per member; nothing else is copied.
 */
export function loadNpz(bytes: Uint8Array, fileName: string): LoadedFile {
  return npzFromMembers(readZip(bytes, { file: fileName }), fileName);
}

/** loadNpz after readZip, for a caller that has read the archive already (loadBytes). */
export function npzFromMembers(members: readonly ZipMember[], fileName: string): LoadedFile {
  const arrays: Record<string, LoadedArray> = {};
  for (const member of members) {
    if (!member.name.endsWith('.npy')) failAt({ file: fileName, entry: member.name }, 0, 'only .npy members in an .npz archive', `a member named ${describeText(member.name)}`);
    const name = member.name.slice(0, -'.npy'.length);
    if (Object.hasOwn(arrays, name)) failAt({ file: fileName, entry: member.name }, 0, 'each member name once', 'a repeated name');
    defineEntry(arrays, name, loadNpy(member.data, fileName, member.name));
  }
  return { format: 'npz', arrays };
}
