import type { CellOutput } from './session';
import type { Statement } from './statements';

/**
 * Statement labels: when a cell shows several outputs, each says which statement made it, so
 * `size(x)` on line 2 and `r.loss` on line 5 are told apart at a glance. A cell with one output
 * needs none. Errors carry their line and column already.
 */

/** How much of an expression the label repeats before eliding the rest. */
const LABEL_SOURCE_LIMIT = 48;

/** `x = …` and `f(x) = …`: the output names the variable, so the label need not repeat the source. */
const ASSIGNMENT = /^[A-Za-z_]\w*\s*(?:\([^()]*\))?\s*=(?!=)/;

/** A code span that survives backticks in the text. */
function codeSpan(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${text}${fence === '``' ? ' ' : ''}${fence}`;
}

/** A label's line, and for an expression its source (elided past LABEL_SOURCE_LIMIT). */
function labelParts(statement: Statement): { line: string; source?: string } {
  const line = `line ${statement.line}`;
  const source = statement.text.trim().replace(/\s+/g, ' ');
  if (ASSIGNMENT.test(source)) return { line };
  return { line, source: source.length > LABEL_SOURCE_LIMIT ? `${source.slice(0, LABEL_SOURCE_LIMIT - 1)}…` : source };
}

/** The label's plain text: `line 3`, and for an expression its source, `line 3 · size(x)`. */
export function statementLabel(statement: Statement): string {
  const { line, source } = labelParts(statement);
  return source === undefined ? line : `${line} · ${source}`;
}

/** The label as Markdown, to lead an output's Markdown: `*line 3* · \`size(x)\` → `, `*line 4* · \`c\` = `. */
function labelMarkdown(statement: Statement): string {
  const { line, source } = labelParts(statement);
  if (source === undefined) return `*${line}* · `;
  return `*${line}* · ${codeSpan(source)} ${/^[A-Za-z_]\w*$/.test(source) ? '=' : '→'} `;
}

/**
 * A cell's outputs with statement labels when there are several: a value's and a figure's Markdown
 * begin with the label, and a figure's spec also carries it as `statement` for the renderer to show.
 */
export function labelOutputs(outputs: readonly { readonly output: CellOutput; readonly statement: Statement }[]): CellOutput[] {
  if (outputs.length < 2) return outputs.map(({ output }) => output);
  return outputs.map(({ output, statement }) => {
    switch (output.kind) {
      case 'value':
        return { ...output, markdown: `${labelMarkdown(statement)}${output.markdown}` };
      case 'figure':
        return { ...output, markdown: `${labelMarkdown(statement)}${output.markdown}`, spec: { ...output.spec, statement: statementLabel(statement) } };
      case 'error':
        return output;
    }
  });
}
