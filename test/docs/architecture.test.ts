import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

  it("a loss folder's files import one way: index.ts → job.ts → simd.ts, never back", () => {
    const rank: Readonly<Record<string, number>> = { 'index.ts': 0, 'job.ts': 1, 'simd.ts': 2 };
    const offending = readdirSync('src/core/losses')
      .filter((name) => statSync(join('src/core/losses', name)).isDirectory())
      .flatMap((name) =>
        sourceFiles(join('src/core/losses', name)).flatMap((file) =>
          importsOf(file)
            .filter((module) => module.startsWith('./'))
            .filter((module) => (rank[`${module.slice(2)}.ts`] ?? Infinity) <= (rank[relative(join('src/core/losses', name), file)] ?? -1))
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

  it("the figure functions read a session only through FigureContext, never the Session itself", () => {
    const offending = [...sourceFiles('src/core/language/figures'), 'src/core/language/grad.ts'].flatMap((file) =>
      importsOf(file)
        .filter((module) => /\/session$/.test(module))
        .map((module) => `${file} imports ${module}`),
    );
    assert.deepEqual(offending, []);
  });

  it('the sources import one another without cycles (type-only imports aside, which vanish at run time)', () => {
    const files = sourceFiles('src').map((file) => resolve(file));
    const target = (from: string, specifier: string): string => {
      const path = resolve(dirname(from), specifier);
      return existsSync(`${path}.ts`) ? `${path}.ts` : join(path, 'index.ts');
    };
    const graph = new Map(
      files.map((file) => [
        file,
        [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm)]
          .filter((m) => m[1] === undefined)
          .map((m) => target(file, m[2])),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push(path.slice(path.indexOf(next)).map((f) => relative('src', f)).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    assert.ok(graph.size > 100, `${graph.size} source files read`);
    assert.deepEqual(cycles, []);
  });

  it('extension.ts only wires up registerX() functions', () => {
    const entry = readFileSync('src/extension/extension.ts', 'utf8');
    const imported = [...entry.matchAll(/import \{ ([^}]+) \} from '\.\//g)].flatMap((m) => m[1].split(',').map((name) => name.trim()));
    assert.ok(imported.length >= 5, entry);
    assert.deepEqual(imported.filter((name) => !/^register[A-Z]\w*$/.test(name)), []);
  });
});
