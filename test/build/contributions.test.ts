import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/**
 * What the manifest promises a notebook user: the keys Jupyter users press stay VS Code's own, and
 * every command, menu item and view LossLab contributes exists in the sources.
 */

interface Contributes {
  keybindings?: { key: string; mac?: string; command: string; when?: string }[];
  commands: { command: string; title: string }[];
  menus: Record<string, { command: string; when?: string; group?: string }[]>;
  views: Record<string, { id: string; name: string; when?: string }[]>;
  viewsWelcome?: { view: string; contents: string }[];
}
const contributes = (JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: Contributes }).contributes;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
const sources = sourceFiles('src/extension').map((file) => readFileSync(file, 'utf8')).join('\n');

describe('contributions', () => {
  it('bind Ctrl+Enter in LossLab code cells to run the cell and stay on it, as Jupyter does, and leave Shift/Alt+Enter to VS Code', () => {
    // VS Code binds Shift+Enter (run, select below) and Alt+Enter (run, insert below) itself, but
    // runs a cell with Ctrl+Enter only on macOS (its WinCtrl+Enter is Meta+Enter on Linux and
    // Ctrl+Alt+Enter on Windows, where Ctrl+Enter inserts a line): the Jupyter extension adds
    // Ctrl+Enter for .ipynb, LossLab for its own notebooks.
    const runKeys = /^(ctrl|shift|alt|cmd|meta)\+enter$/i;
    const taken = (contributes.keybindings ?? []).filter((binding) => [binding.key, binding.mac].some((key) => key !== undefined && runKeys.test(key.replace(/\s+/g, ''))));
    assert.deepEqual(taken, [
      {
        key: 'ctrl+enter',
        command: 'notebook.cell.executeAndFocusContainer',
        when: 'notebookType == losslab && notebookCellListFocused && notebookCellType == code',
      },
    ]);
  });

  it('declare every command they place in a menu, and register each declared command in the sources', () => {
    const declared = new Set(contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(contributes.menus)) {
      for (const item of items) assert.ok(declared.has(item.command), `${menu} names ${item.command}, which is not declared`);
    }
    for (const command of declared) assert.ok(sources.includes(`'${command}'`), `${command} is declared but nothing in src/extension registers it`);
  });

  it('put Export as HTML Report and Variables on the LossLab notebook toolbar', () => {
    const toolbar = contributes.menus['notebook/toolbar'] ?? [];
    for (const command of ['losslab.exportHtml', 'losslab.variables.show']) {
      const item = toolbar.find((i) => i.command === command);
      assert.equal(item?.when, 'notebookType == losslab', command);
    }
  });

  it('create the Variables view they declare, shown by a context key the sources set', () => {
    const view = Object.values(contributes.views).flat().find((v) => v.id === 'losslab.variables');
    assert.ok(view !== undefined);
    assert.ok(sources.includes(`'${view.id}'`), 'the view id is created in the sources');
    assert.equal(view.when, 'losslab.notebookOpen');
    assert.ok(sources.includes(`'${view.when}'`), 'the context key is set in the sources');
    assert.ok(contributes.viewsWelcome?.some((w) => w.view === view.id), 'the empty view says what to do');
  });
});
