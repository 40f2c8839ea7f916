import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellOutput } from '../../../src/core/language/session';
import { createNodeSession } from '../../../src/node/session';
import { random, pick } from '../mutate';
import { SECRET } from '../loaderTarget';
import { FuzzViolation, type FuzzTarget } from '../target';
import { fuzzTarget as csv } from './csv';
import { fuzzTarget as json } from './json';
import { fuzzTarget as npy } from './npy';
import { fuzzTarget as npz } from './npz';
import { fuzzTarget as safetensors } from './safetensors';
import { fuzzTarget as torch } from './torch';

/**
 * `load()` in a cell, as `losslab run` runs it (an untrusted session over the notebook's folder):
 * the loader targets' mutated files written to disk, and links that point where no notebook may
 * read (/proc/self/environ, /dev/zero, a FIFO, a folder outside, a loop). Invariants: every error
 * is a LoadError or an InputError, no output repeats the environment's planted secret or a file's,
 * and no file in the notebook's folder changes.
 */

const FORMATS = [npy, npz, safetensors, torch, json, csv];
process.env.LOSSLAB_FUZZ_SECRET = SECRET;

const root = mkdtempSync(join(tmpdir(), 'losslab-fuzz-load-'));
const folder = join(root, 'notebook');
const outside = join(root, 'outside');
mkdirSync(folder);
mkdirSync(outside);
writeFileSync(join(outside, 'secret.json'), JSON.stringify({ token: SECRET }));
writeFileSync(join(outside, 'a.npy'), readFileSync(join(__dirname, '../../fixtures/io/npy/b1.npy')));
execFileSync('mkfifo', [join(root, 'pipe')]);
symlinkSync('/proc/self/environ', join(folder, 'env.csv'));
symlinkSync('/proc/self/environ', join(folder, 'env.json'));
symlinkSync('/dev/zero', join(folder, 'zero.npy'));
symlinkSync(join(root, 'pipe'), join(folder, 'pipe.npy'));
symlinkSync(join(outside, 'secret.json'), join(folder, 'linked.json'));
symlinkSync(outside, join(folder, 'out'));
symlinkSync('loop2.npy', join(folder, 'loop1.npy'));
symlinkSync('loop1.npy', join(folder, 'loop2.npy'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const SPECIAL = ['env.csv', 'env.json', 'zero.npy', 'pipe.npy', 'linked.json', 'out/a.npy', 'out/secret.json', '../outside/a.npy', '/dev/zero', '/proc/self/environ', 'loop1.npy', 'missing.npy', '.'];
const session = createNodeSession(folder, { pool: null });

function hashFolder(): string {
  const hash = createHash('sha256');
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    hash.update(entry.name);
    // Links are hashed by name only: reading them would read /dev/zero or wait on the FIFO.
    if (entry.isFile()) hash.update(readFileSync(join(folder, entry.name)));
  }
  return hash.digest('hex');
}

export const fuzzTarget: FuzzTarget = {
  name: 'runner-load',
  runCase: async (seed) => {
    const rng = random(seed);
    let request: string;
    let written: string | undefined;
    if (rng() < 0.25) {
      request = pick(rng, SPECIAL);
    } else {
      const format = pick(rng, FORMATS);
      written = `case.${format.extension}`;
      writeFileSync(join(folder, written), format.makeInput(rng));
      request = written;
    }
    const before = hashFolder();
    const outputs: CellOutput[] = session.runCell(`d = load(${JSON.stringify(request)})`);
    if (hashFolder() !== before) throw new FuzzViolation('runner-load', seed, `load(${JSON.stringify(request)}) changed a file in the notebook's folder`);
    if (written !== undefined) rmSync(join(folder, written));
    // A file inside the folder that loads may show its own names; nothing else may show the secret.
    const shown = written === undefined ? outputs : outputs.filter((output) => output.kind === 'error');
    if (JSON.stringify(shown).includes(SECRET.slice(0, 12))) throw new FuzzViolation('runner-load', seed, `load(${JSON.stringify(request)}) put the secret in an output`);
    const error = outputs.find((output) => output.kind === 'error');
    if (error === undefined) return 'accepted';
    if (error.kind === 'error' && error.name !== 'LoadError' && error.name !== 'InputError') {
      throw new FuzzViolation('runner-load', seed, `load(${JSON.stringify(request)}) failed with ${error.name}: ${error.message}`);
    }
    return 'rejected';
  },
};
