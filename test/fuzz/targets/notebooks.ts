import { NotebookFormatError, parseNotebook, serializeNotebook } from '../../../src/core/notebook/format';
import { Session } from '../../../src/core/language/session';
import { runNotebook, sessionHost } from '../../../src/cli/runNotebook';
import { seededRandom as random } from '../../helpers/random';
import { FuzzViolation, type FuzzTarget } from '../target';

/**
 * Random notebooks (issue 16): broken JSON, odd cell kinds and languages, wrong field types, huge
 * and hostile cells. Invariants: parseNotebook refuses only with NotebookFormatError; a notebook it
 * accepts runs without throwing, and its results serialize.
 */

const NAME = 'notebooks';

const SOURCES = ['x = 1', 'zeros(1e9)', 't = {version: 1, kind: "table", columns: 5}; t.me = t; t', 'plot(sin(x), x, 0, 1)', 'f(n) = n <= 1 ? 1 : f(n - 1) + 1\nf(50)', 'range("1:1e9")', '"a" '.repeat(10_000), 'x[1e5, 1e5] = 1', ''];
const KINDS: unknown[] = ['code', 'markdown', 'raw', 7, null, 'CODE'];
const LANGUAGES: unknown[] = ['losslab', 'python', '', 3, null];

function notebookText(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const cells = Array.from({ length: Math.floor(next() * 6) }, () => ({
    kind: pick(KINDS),
    language: pick(LANGUAGES),
    source: next() < 0.1 ? ['a', 1] : pick(SOURCES),
    ...(next() < 0.2 ? { outputs: [{ items: [{ mime: 'application/vnd.losslab.figure+json', data: '{"version":1,"kind":"table","columns":5}' }] }] } : {}),
  }));
  let text = JSON.stringify({ version: next() < 0.9 ? 1 : pick([2, '1', null, -1]), cells, metadata: next() < 0.1 ? [] : {} });
  // Broken JSON: cut, a stray byte, deep nesting.
  const damage = next();
  if (damage < 0.15) text = text.slice(0, Math.floor(next() * text.length));
  else if (damage < 0.25) text = `${text.slice(0, 10)}\u0000${text.slice(10)}`;
  else if (damage < 0.3) text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  return text;
}

export const fuzzTarget: FuzzTarget = {
  name: NAME,
  async runCase(seed: number) {
    const text = notebookText(random(seed));
    let model;
    try {
      model = parseNotebook(text);
    } catch (error) {
      if (error instanceof NotebookFormatError) return 'rejected';
      throw new FuzzViolation(NAME, seed, `parseNotebook threw a foreign ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    try {
      const result = await runNotebook(model, sessionHost(new Session({ elementCap: 100_000 })), { keepGoing: true });
      serializeNotebook(result.model);
    } catch (error) {
      throw new FuzzViolation(NAME, seed, `running or saving threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    return 'accepted';
  },
};
