import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
// @ts-expect-error: a plain ES module of the build scripts, without type declarations.
import * as packagingModule from '../../scripts/lib/packaging.mjs';

/**
 * The packaging promises of `npm run package`, checked fast and offline: the production bundles
 * are built into a temporary folder and measured, activation is timed with a stand-in `vscode`,
 * and `vsce ls` lists what the .vsix would hold from a staged copy of the tree (the real
 * .vscodeignore, the production dist/, plus decoys that must stay out). The real `vsce package`
 * run is `npm run package`.
 */

interface Packaging {
  VSIX_LIMIT: number;
  EXTENSION_HOST_LIMIT: number;
  REQUIRED_FILES: string[];
  forbiddenReason(file: string): string | undefined;
  filesWithSizes(dir: string): { file: string; bytes: number }[];
}
const packaging = packagingModule as Packaging;

const root = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), 'losslab-package-'));
const dist = join(scratch, 'stage', 'dist');

before(() => {
  const result = spawnSync(process.execPath, ['scripts/build.mjs', '--production', '--outdir', dist], { encoding: 'utf8' });
  assert.equal(result.status, 0, `production build failed:\n${result.stdout}\n${result.stderr}`);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('production bundles', () => {
  it('keep the extension-host bundle under its limit, with MathJax split into its own bundle', () => {
    const host = statSync(join(dist, 'extension.js')).size;
    assert.ok(host <= packaging.EXTENSION_HOST_LIMIT, `dist/extension.js is ${host} bytes, over ${packaging.EXTENSION_HOST_LIMIT}`);
    const text = readFileSync(join(dist, 'extension.js'), 'utf8');
    assert.match(text, /require\("\.\/mathjax\.js"\)/, 'the hover formulas require the MathJax bundle on first use');
    assert.doesNotMatch(text, /AmsConfiguration|mathjax-full/i, 'no MathJax code in the extension-host bundle');
    assert.ok(statSync(join(dist, 'mathjax.js')).size > 500_000, 'dist/mathjax.js holds MathJax');
    assert.match(text, /require\("\.\/analysis\.js"\)/, 'the cell analysis requires its bundle on first use');
    assert.doesNotMatch(text, /typed-function|\[DecimalError\]/, 'no mathjs in the extension-host bundle');
  });

  it('the analysis bundle checks a cell when loaded the way the extension loads it', () => {
    const load = createRequire(join(dist, 'extension.js'));
    const analysis = load('./analysis.js') as { validateCell(text: string, earlier: string[]): { code: string }[] };
    assert.ok(analysis.validateCell('y = qfl(0.3, 0.5, {beta: 2})\nz = undefined_thing(1)', []).length > 0, 'an unknown function is reported');
    assert.deepEqual(analysis.validateCell('y = qfl(0.3, 0.5, {beta: 2})', []), []);
    delete load.cache[load.resolve('./analysis.js')]; // so that the activation test sees whether activation loads it
  });

  it('the HTML export bundle writes a page with the figure script inlined, loaded the way the extension loads it', () => {
    const text = readFileSync(join(dist, 'extension.js'), 'utf8');
    assert.match(text, /require\("\.\/htmlReport\.js"\)/, 'the export requires its bundle on first use');
    assert.doesNotMatch(text, /markdown-it|linkify/i, 'no markdown-it in the extension-host bundle');
    const load = createRequire(join(dist, 'extension.js'));
    const report = load('./htmlReport.js') as { notebookReport(model: object, fileName: string): { html: string; figuresDrawn: boolean } };
    const { html, figuresDrawn } = report.notebookReport({ metadata: {}, cells: [], extra: {} }, 'notes.lossnb');
    assert.equal(figuresDrawn, true, 'dist/report.js is found next to the bundle');
    assert.match(html, /<title>notes<\/title>/);
    assert.ok(html.length > statSync(join(dist, 'report.js')).size, 'the figure script is inlined');
    delete load.cache[load.resolve('./htmlReport.js')]; // so that the activation test sees whether activation loads it
  });

  it('are minified without source maps', () => {
    const files = packaging.filesWithSizes(dist).map((f) => f.file);
    assert.deepEqual(files.filter((f) => f.endsWith('.map')), []);
    const lines = readFileSync(join(dist, 'extension.js'), 'utf8').split('\n').length;
    assert.ok(lines < 500, `dist/extension.js has ${lines} lines: not minified`);
  });

  it('the MathJax bundle renders a formula when loaded the way the extension loads it', () => {
    const load = createRequire(join(dist, 'extension.js'));
    const mathjax = load('./mathjax.js') as { texToSvg(tex: string, colour: string): string };
    assert.match(mathjax.texToSvg(String.raw`\frac{a}{b}`, '#123456'), /^<svg[^>]*>.*#123456/s);
    delete load.cache[load.resolve('./mathjax.js')]; // so that the activation test sees whether activation loads it
  });
});

/** A stand-in `vscode` module: every property is a callable, constructible stand-in, recursively. */
function stubVscode(names: readonly string[]): object {
  const deep = (): object =>
    new Proxy(function stub() {}, {
      get: (_target, key) => (key === 'then' ? undefined : key === 'dispose' ? () => {} : key === Symbol.toPrimitive ? () => 0 : deep()),
      apply: () => deep(),
      construct: () => deep(),
    });
  return new Proxy(
    {},
    {
      get: (_target, key) => (key === '__esModule' ? undefined : deep()),
      ownKeys: () => [...names],
      getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, value: deep() }),
    },
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('activation', () => {
  it('requires the bundle and activates quickly, without loading MathJax or the cell analysis', () => {
    // esbuild's ES-module interop copies the module's own keys: list the API names the sources use.
    const used = new Set(sourceFiles('src/extension').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bvscode\.([A-Za-z]+)/g)].map((m) => m[1])));
    const vscode = stubVscode([...used]);
    const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
    const original = loader._load;
    loader._load = function load(this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? vscode : original.call(this, request, ...rest);
    };
    try {
      const load = createRequire(join(dist, 'extension.js'));
      const started = performance.now();
      const extension = load('./extension.js') as { activate(context: object): void };
      const required = performance.now();
      const subscriptions: unknown[] = [];
      extension.activate({ subscriptions, extensionPath: join(dist, '..'), extensionUri: stubVscode([]) });
      const activated = performance.now();
      console.log(`# activation: require ${(required - started).toFixed(1)} ms, activate ${(activated - required).toFixed(1)} ms, ${subscriptions.length} subscriptions`);
      assert.ok(subscriptions.length > 5, 'activate registers its providers');
      assert.ok(!Object.keys(load.cache).some((file) => file.endsWith('mathjax.js')), 'MathJax is loaded on the first hover, not at activation');
      assert.ok(!Object.keys(load.cache).some((file) => file.endsWith('analysis.js')), 'the cell analysis is loaded on first use, not at activation');
      assert.ok(!Object.keys(load.cache).some((file) => file.endsWith('htmlReport.js')), 'the HTML export is loaded on first use, not at activation');
    } finally {
      loader._load = original;
    }
  });
});

describe('vsce ls', () => {
  it('lists the package contents and nothing of sources, tests, maps or node_modules', () => {
    const stage = join(scratch, 'stage');
    for (const item of ['package.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'language-configuration.json', 'syntaxes', 'samples', 'media']) {
      cpSync(join(root, item), join(stage, item), { recursive: true });
    }
    // Decoys of everything that must stay out.
    const decoys = ['src/extension/extension.ts', 'test/build/package.test.ts', 'dist/extension.js.map', 'node_modules/mathjs/index.js', 'scripts/build.mjs', 'docs/format.md', 'tsconfig.json'];
    for (const decoy of decoys) {
      mkdirSync(join(stage, decoy, '..'), { recursive: true });
      writeFileSync(join(stage, decoy), '// decoy\n');
    }
    const result = spawnSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: stage, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const listed = result.stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
    for (const file of packaging.REQUIRED_FILES) assert.ok(listed.includes(file), `${file} should be packaged`);
    for (const file of listed) assert.equal(packaging.forbiddenReason(file), undefined, `${file} is packaged`);
    for (const decoy of decoys) assert.ok(!listed.includes(decoy), `${decoy} is packaged`);
    assert.ok(!listed.includes('dist/cli.js'), 'the CLI is not part of the extension');

    // A .vsix is a zip: deflate each file to estimate its size without packaging.
    const estimate = listed.reduce((sum, file) => sum + deflateRawSync(readFileSync(join(stage, file)), { level: 9 }).length + 100, 0);
    console.log(`# ${listed.length} files, about ${(estimate / 1e6).toFixed(2)} MB packed`);
    assert.ok(estimate <= packaging.VSIX_LIMIT, `the .vsix would be about ${estimate} bytes, over ${packaging.VSIX_LIMIT}`);
  });
});
