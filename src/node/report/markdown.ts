import MarkdownIt, { type StateBlock, type StateInline } from 'markdown-it';

/**
 * Markdown for the HTML report: CommonMark plus tables (markdown-it), with TeX math kept as text —
 * `$…$` and `$$…$$` wrapped in `.math` elements — so that `_` and `*` inside formulas are not read
 * as emphasis.
 *
 * Safety: raw HTML in the input is shown as text (`html: false`), and links keep only http(s),
 * mailto, fragment and relative targets.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `$…$`: an opening `$` not followed by a space, a closing `$` not preceded by one nor followed by a digit (so "$5 and $6" stays text). */
function inlineMath(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  if (src[pos] !== '$' || src[pos + 1] === '$' || src[pos + 1] === undefined || /\s/.test(src[pos + 1])) return false;
  let end = pos + 1;
  while ((end = src.indexOf('$', end)) !== -1) {
    if (src[end - 1] === '\\') {
      end++;
      continue;
    }
    if (!/\s/.test(src[end - 1]) && !/\d/.test(src[end + 1] ?? '')) break;
    end++;
  }
  if (end === -1) return false;
  if (!silent) {
    const token = state.push('math_inline', 'span', 0);
    token.content = src.slice(pos, end + 1);
  }
  state.pos = end + 1;
  return true;
}

/** `$$…$$` on lines of its own (possibly one line): a display formula. */
function blockMath(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const start = state.bMarks[startLine] + state.tShift[startLine];
  const firstLine = state.src.slice(start, state.eMarks[startLine]);
  if (!firstLine.startsWith('$$')) return false;
  if (silent) return true;
  let line = startLine;
  let found = firstLine.length > 2 && firstLine.trimEnd().endsWith('$$');
  while (!found && ++line < endLine) {
    found = state.src.slice(state.bMarks[line] + state.tShift[line], state.eMarks[line]).trimEnd().endsWith('$$');
  }
  const last = Math.min(line, endLine - 1);
  const token = state.push('math_block', 'div', 0);
  token.content = state.src.slice(start, state.eMarks[last]).trim();
  token.map = [startLine, last + 1];
  state.line = last + 1;
  return true;
}

const SAFE_LINK = /^(?:https?:|mailto:|#|(?![a-z][a-z0-9+.-]*:))/i;

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.inline.ruler.after('escape', 'math_inline', inlineMath);
markdown.block.ruler.before('fence', 'math_block', blockMath, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
markdown.renderer.rules.math_inline = (tokens, index) => `<span class="math">${escapeHtml(tokens[index].content)}</span>`;
markdown.renderer.rules.math_block = (tokens, index) => `<div class="math display">${escapeHtml(tokens[index].content)}</div>\n`;
markdown.validateLink = (url) => SAFE_LINK.test(url.trim());

/** Renders markdown text to an HTML fragment. */
export function renderMarkdown(text: string): string {
  return markdown.render(text).trimEnd();
}
