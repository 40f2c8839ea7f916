import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/**
 * docs/architecture.md is the map of the code: every path it names must exist, and the layer
 * rules it states must hold, so that a move that forgets the map fails here.
 */

const map = readFileSync('docs/architecture.md', 'utf8');

/** Every `code span` of the map that is a repository path. */
const namedPaths = [...map.matchAll(/`((?:src|test|scripts|docs|bench|samples)\/[\w./-]*)`/g)].map((m) => m[1]);

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });

/** The modules a file imports (static imports, re-exports and dynamic imports). */
const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1]);

describe('docs/architecture.md', () => {
  it('names paths that exist', () => {
    assert.ok(namedPaths.length > 30, `the map names ${namedPaths.length} paths`);
    const missing = namedPaths.filter((path) => !existsSync(path.replace(/\/$/, '')));
    assert.deepEqual(missing, []);
  });

  it('the core imports neither vscode nor Node, so it runs in the browser', () => {
    const offending = sourceFiles('src/core').flatMap((file) =>
      importsOf(file)
        .filter((module) => module === 'vscode' || module.startsWith('node:') || /^(fs|path|os|worker_threads|child_process)$/.test(module))
        .map((module) => `${file} imports ${module}`),
    );
    assert.deepEqual(offending, []);
  });

  it('the core, the Node hosts and the runner never import the extension, nor vscode', () => {
    const offending = ['src/core', 'src/node', 'src/cli'].flatMap((dir) =>
      sourceFiles(dir).flatMap((file) =>
        importsOf(file)
          .filter((module) => module === 'vscode' || module.includes('/extension/'))
          .map((module) => `${file} imports ${module}`),
      ),
    );
    assert.deepEqual(offending, []);
  });

  it('the figures never import the cell language (the language draws figures, not the other way round)', () => {
    const offending = sourceFiles('src/core/figures').flatMap((file) =>
      importsOf(file)
        .filter((module) => module.includes('/language/'))
        .map((module) => `${file} imports ${module}`),
    );
    assert.deepEqual(offending, []);
  });

  it('extension.ts only wires up registerX() functions', () => {
    const entry = readFileSync('src/extension/extension.ts', 'utf8');
    const imported = [...entry.matchAll(/import \{ ([^}]+) \} from '\.\//g)].flatMap((m) => m[1].split(',').map((name) => name.trim()));
    assert.ok(imported.length >= 5, entry);
    assert.deepEqual(imported.filter((name) => !/^register[A-Z]\w*$/.test(name)), []);
  });
});
