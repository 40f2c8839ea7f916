import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BUILTINS, isFigureRoom } from '../../src/core/language/builtins';
import { SCALAR_FUNCTIONS } from '../../src/core/language/scalars';
import type { CellOutput } from '../../src/core/language/session';
import { createNodeSession } from '../../src/node/session';

/**
 * The README's language reference is the user's first documentation of the cell language: every
 * LossLab function, scalar form and figure function must be shown there with an example, and every
 * example must run. The examples run in order in one kernel started in samples/, as a notebook
 * there would (so `load("data/example-export.npz")` reads the bundled export).
 */

const readme = readFileSync('README.md', 'utf8');

/** The text of the `## heading` section, up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README.md should have a "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The ```losslab code blocks of a markdown text, with the line each starts on. */
function losslabBlocks(markdown: string): { line: number; source: string }[] {
  const blocks: { line: number; source: string }[] = [];
  const fence = /^```losslab\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length + 1, source: m[1] });
  }
  return blocks;
}

const reference = section(readme, 'Language reference');
const blocks = losslabBlocks(reference);
const examples = blocks.map((b) => b.source).join('\n');
/** Names called in the examples: `name(`, not preceded by `.` (a field) or a word character. */
const called = new Set([...examples.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]));

describe('README language reference', () => {
  it('has examples', () => {
    assert.ok(blocks.length >= 10, `only ${blocks.length} losslab examples`);
  });

  it('shows every LossLab function and scalar form in an example', () => {
    const names = [...BUILTINS.filter((f) => !isFigureRoom(f.room)).map((f) => f.name), ...SCALAR_FUNCTIONS.map((f) => f.name)];
    assert.deepEqual(names.filter((name) => !called.has(name)), []);
  });

  it('shows every figure function in an example', () => {
    const session = createNodeSession('samples');
    assert.ok(session.figureFunctionNames.length >= 8);
    assert.deepEqual(session.figureFunctionNames.filter((name) => !called.has(name)), []);
  });

  it('runs every example without an error, with a figure wherever a figure function is called', () => {
    const session = createNodeSession('samples');
    const figures = new Set(session.figureFunctionNames.filter((name) => name !== 'grad' && name !== 'slider'));
    for (const block of blocks) {
      const outputs = session.runCell(block.source);
      const errors = outputs.filter((o): o is Extract<CellOutput, { kind: 'error' }> => o.kind === 'error');
      assert.deepEqual(errors.map((e) => `README.md line ${block.line + e.line - 1}: ${e.message}`), []);
      const figureCalls = block.source.split('\n').filter((line) => [...figures].some((name) => line.startsWith(`${name}(`) || line.includes(` ${name}(`)));
      const drawn = outputs.filter((o) => o.kind === 'figure').length;
      assert.ok(drawn >= figureCalls.length, `README.md line ${block.line}: ${figureCalls.length} figure calls but ${drawn} figures`);
    }
  });
});

describe('README', () => {
  it('leads with what LossLab is and a screenshot', () => {
    const head = readme.slice(0, readme.indexOf('\n## '));
    assert.match(head, /VS Code extension/);
    assert.match(head, /!\[[^\]]+\]\(media\/screenshot-tour\.png\)/);
  });

  it('has the user guide sections of the issue, with the two commands first', () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    for (const heading of ['Install', 'Two commands', 'Language reference', 'Loading data', 'Settings', 'Troubleshooting', 'Tests']) {
      assert.ok(headings.includes(heading), `missing "## ${heading}"`);
    }
    const commands = section(readme, 'Two commands');
    assert.match(commands, /npm run demo/);
    assert.match(commands, /npm test/);
  });

  it('documents every contributed setting', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
    const settings = section(readme, 'Settings');
    for (const key of Object.keys(manifest.contributes.configuration.properties)) assert.ok(settings.includes(`\`${key}\``), key);
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\(((?:docs|media|samples)\/[^)#\s]+)/g)].map((m) => m[1]);
    const missing = links.filter((link) => link !== 'media/screenshot-tour.png' && !existsSync(link));
    assert.deepEqual(missing, []);
  });
});

