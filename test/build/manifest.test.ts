import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

interface Manifest {
  name: string;
  displayName: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string; description?: string } };
  devDependencies: Record<string, string>;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    notebooks: { type: string; selector: { filenamePattern: string }[] }[];
    languages: { id: string; configuration?: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    configuration: { properties: Record<string, { type: string; default: unknown; description?: string }> };
    notebookRenderer: Record<string, unknown>[];
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

describe('package.json manifest', () => {
  it('names the extension and points main at the bundle that npm test built', () => {
    assert.equal(manifest.name, 'losslab');
    assert.equal(manifest.displayName, 'LossLab');
    assert.ok(existsSync(manifest.main), `${manifest.main} should exist after the build`);
  });

  it('targets a VS Code no newer than the API types it compiles against', () => {
    const engine = /^\^(\d+)\.(\d+)/.exec(manifest.engines.vscode);
    const types = /(\d+)\.(\d+)/.exec(manifest.devDependencies['@types/vscode']);
    assert.ok(engine && types, 'engines.vscode and @types/vscode should be versions');
    assert.ok(Number(engine[2]) >= Number(types[2]) && engine[1] === types[1], 'engines.vscode must be ≥ @types/vscode');
  });

  it('contributes the losslab notebook for *.lossnb and activates on it', () => {
    const notebook = manifest.contributes.notebooks.find((n) => n.type === 'losslab');
    assert.ok(notebook);
    assert.deepEqual(notebook.selector, [{ filenamePattern: '*.lossnb' }]);
    assert.ok(manifest.activationEvents.includes('onNotebook:losslab'));
  });

  it('renders the figure mime type in every notebook type, Jupyter\'s included, and activates for the renderer\'s messages', () => {
    const [renderer] = manifest.contributes.notebookRenderer;
    assert.deepEqual(renderer.mimeTypes, ['application/vnd.losslab.figure+json']);
    // VS Code picks a renderer by mime type; a contribution has no notebook-type filter to set.
    assert.deepEqual(Object.keys(renderer).sort(), ['displayName', 'entrypoint', 'id', 'mimeTypes', 'requiresMessaging']);
    // Export and Copy JSON go through the extension host, which an .ipynb alone would not start.
    assert.ok(manifest.activationEvents.includes(`onRenderer:${String(renderer.id)}`));
  });

  it('contributes the losslab language with a grammar and a configuration that parse', () => {
    const language = manifest.contributes.languages.find((l) => l.id === 'losslab');
    assert.ok(language?.configuration);
    const configuration = JSON.parse(readFileSync(language.configuration, 'utf8')) as { comments: { lineComment: string } };
    assert.equal(configuration.comments.lineComment, '#');
    const grammar = manifest.contributes.grammars.find((g) => g.language === 'losslab');
    assert.ok(grammar);
    const tm = JSON.parse(readFileSync(grammar.path, 'utf8')) as { scopeName: string; repository: Record<string, unknown> };
    assert.equal(tm.scopeName, grammar.scopeName);
    for (const pattern of ['comment', 'string', 'number', 'losslab-function', 'figure-function']) {
      assert.ok(tm.repository[pattern], `grammar should define ${pattern}`);
    }
  });

  it('declares limited support for untrusted workspaces, with a reason', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok((manifest.capabilities.untrustedWorkspaces.description ?? '').length > 20);
  });

  it('describes every setting', () => {
    const properties = Object.entries(manifest.contributes.configuration.properties);
    assert.ok(properties.length >= 3);
    for (const [key, property] of properties) {
      assert.ok(key.startsWith('losslab.'), key);
      assert.ok((property.description ?? '').length > 10, `${key} needs a description`);
      assert.equal(typeof property.default, property.type, `${key}'s default should be a ${property.type}`);
    }
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('commands', () => {
  it('contributes, with a title, exactly the commands the extension registers', () => {
    const text = sourceFiles('src/extension').map((file) => readFileSync(file, 'utf8')).join('\n');
    // Commands are registered through named constants; collect the constants' values.
    const constants = new Map([...text.matchAll(/const (\w+_COMMAND) = '([\w.]+)'/g)].map((m) => [m[1], m[2]]));
    const registered = [...text.matchAll(/registerCommand\(\s*(\w+|'[\w.]+')/g)].map((m) =>
      m[1].startsWith("'") ? m[1].slice(1, -1) : (constants.get(m[1]) ?? `unresolved ${m[1]}`),
    );
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.deepEqual([...new Set(registered)].sort(), [...contributed].sort());
    for (const command of manifest.contributes.commands) assert.ok(command.title.length > 3 && command.category === 'LossLab', command.command);
  });
});
