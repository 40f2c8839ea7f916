/**
 * A small, safe markdown renderer for the HTML report: ATX headings, paragraphs, nested lists,
 * block quotes, fenced code, rules, pipe tables, code spans, emphasis, links and TeX math kept as
 * text (`$…$` and `$$…$$`, wrapped in `.math` elements for a later KaTeX pass). It is not
 * CommonMark: it covers what LossLab notebooks and output fallbacks use.
 *
 * Safety: every character of the input reaches the page escaped. Raw HTML is shown as text, never
 * interpreted, and links keep only http(s), mailto, fragment and relative targets.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Renders markdown text to an HTML fragment. */
export function renderMarkdown(text: string): string {
  return renderBlocks(text.replace(/\r\n?/g, '\n').split('\n'));
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TABLE_SEPARATOR = /^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$/;
const DISPLAY_MATH = /^ {0,3}\$\$/;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Whether a line starts a block other than a paragraph (so it ends the paragraph before it). */
function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line) || DISPLAY_MATH.test(line);
}

function renderBlocks(lines: string[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence !== null) {
      const [, marker, language] = fence;
      const body: string[] = [];
      i++;
      while (i < lines.length && !isClosingFence(lines[i], marker)) body.push(lines[i++]);
      i++;
      const cls = language === '' ? '' : ` class="language-${escapeHtml(language)}"`;
      out.push(`<pre><code${cls}>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (DISPLAY_MATH.test(line)) {
      const body: string[] = [line.trim()];
      let closed = line.trim().length > 2 && line.trim().endsWith('$$');
      i++;
      while (!closed && i < lines.length) {
        body.push(lines[i]);
        closed = lines[i++].trim().endsWith('$$');
      }
      out.push(`<div class="math display">${escapeHtml(body.join('\n'))}</div>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading !== null) {
      const level = heading[1].length;
      out.push(`<h${level}>${renderInline(heading[2] ?? '')}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && !isBlank(lines[i])) {
        const quoted = QUOTE.exec(lines[i]);
        body.push(quoted === null ? lines[i] : quoted[1]);
        i++;
      }
      out.push(`<blockquote>${renderBlocks(body)}</blockquote>`);
      continue;
    }
    if (LIST_ITEM.test(line)) {
      i = renderList(lines, i, out);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      i = renderTable(lines, i, out);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && !isBlank(lines[i]) && (paragraph.length === 0 || !startsBlock(lines[i]))) paragraph.push(lines[i++]);
    out.push(`<p>${renderInline(paragraph.join('\n'))}</p>`);
  }
  return out.join('\n');
}

function isClosingFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed === marker[0].repeat(trimmed.length);
}

/** A list from lines[start]: items of the same kind; indented lines belong to the item above. */
function renderList(lines: string[], start: number, out: string[]): number {
  const first = LIST_ITEM.exec(lines[start]) as RegExpExecArray;
  const ordered = /\d/.test(first[2]);
  // An item marker indented past the first item's text starts a nested list inside the item.
  const nested = first[1].length + first[2].length + 1;
  const items: string[][] = [];
  let i = start;
  while (i < lines.length) {
    const indent = /^ */.exec(lines[i])?.[0].length ?? 0;
    const item = indent < nested ? LIST_ITEM.exec(lines[i]) : null;
    if (item !== null && /\d/.test(item[2]) === ordered) {
      items.push([item[3] ?? '']);
      i++;
      continue;
    }
    if (item !== null) break;
    if (isBlank(lines[i])) {
      // A blank line ends the list unless an indented line or another item follows.
      const next = lines[i + 1];
      if (next === undefined || !(/^\s{2,}\S/.test(next) || LIST_ITEM.test(next))) break;
      items[items.length - 1].push('');
      i++;
      continue;
    }
    if (indent < nested && startsBlock(lines[i])) break;
    items[items.length - 1].push(lines[i].replace(new RegExp(`^ {1,${nested}}`), ''));
    i++;
  }
  const tag = ordered ? 'ol' : 'ul';
  const startAttribute = ordered && Number.parseInt(first[2], 10) !== 1 ? ` start="${Number.parseInt(first[2], 10)}"` : '';
  const rendered = items.map((body) => {
    const html = renderBlocks(body);
    // A tight item is one paragraph: show it without the <p>.
    const tight = /^<p>([\s\S]*?)<\/p>/.exec(html);
    return `<li>${tight !== null && !html.slice(tight[0].length).startsWith('\n<p>') ? tight[1] + html.slice(tight[0].length) : html}</li>`;
  });
  out.push(`<${tag}${startAttribute}>\n${rendered.join('\n')}\n</${tag}>`);
  return i;
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\' && row[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (row[i] === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += row[i];
    }
  }
  cells.push(cell.trim());
  return cells;
}

function renderTable(lines: string[], start: number, out: string[]): number {
  const header = splitRow(lines[start]);
  const align = splitRow(lines[start + 1]).map((spec) => {
    const left = spec.startsWith(':');
    const right = spec.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : '';
  });
  const cell = (tag: string, text: string, c: number): string => {
    const style = align[c] ? ` style="text-align: ${align[c]}"` : '';
    return `<${tag}${style}>${renderInline(text)}</${tag}>`;
  };
  const rows: string[] = [];
  let i = start + 2;
  while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|')) {
    const cells = splitRow(lines[i++]);
    rows.push(`<tr>${header.map((_, c) => cell('td', cells[c] ?? '', c)).join('')}</tr>`);
  }
  out.push(
    `<table>\n<thead><tr>${header.map((text, c) => cell('th', text, c)).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
  );
  return i;
}

const SAFE_URL = /^(?:https?:\/\/|mailto:|#|\.{0,2}\/|[^:/?#\s]+(?:[/?#]|$))/i;

/** Renders the inline markup of one block's text. */
export function renderInline(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] === '\n') {
        out += '<br>\n';
        i += 2;
        continue;
      }
      if (/[!-/:-@[-`{-~]/.test(text[i + 1])) {
        out += escapeHtml(text[i + 1]);
        i += 2;
        continue;
      }
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close > 0) {
        out += `<code>${escapeHtml(text.slice(i + run.length, close).replace(/\n/g, ' '))}</code>`;
        i = close + run.length;
        continue;
      }
      out += escapeHtml(run);
      i += run.length;
      continue;
    }
    if (c === '$') {
      const end = mathEnd(text, i);
      if (end > 0) {
        out += `<span class="math">${escapeHtml(text.slice(i, end))}</span>`;
        i = end;
        continue;
      }
    }
    if (c === '[' || (c === '!' && text[i + 1] === '[')) {
      const link = parseLink(text, c === '!' ? i + 1 : i);
      if (link !== undefined) {
        const label = renderInline(link.label);
        if (c === '!') out += `<span class="image" title="${escapeHtml(link.url)}">${label}</span>`;
        else if (SAFE_URL.test(link.url)) out += `<a href="${escapeHtml(link.url)}">${label}</a>`;
        else out += label;
        i = link.end;
        continue;
      }
    }
    if (c === '<') {
      const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(text.slice(i));
      if (auto !== null) {
        out += `<a href="${escapeHtml(auto[1])}">${escapeHtml(auto[1])}</a>`;
        i += auto[0].length;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const strong = text.startsWith(c + c, i) ? emphasisEnd(text, i, c + c) : -1;
      if (strong > 0) {
        out += `<strong>${renderInline(text.slice(i + 2, strong))}</strong>`;
        i = strong + 2;
        continue;
      }
      const em = emphasisEnd(text, i, c);
      if (em > 0) {
        out += `<em>${renderInline(text.slice(i + 1, em))}</em>`;
        i = em + 1;
        continue;
      }
    }
    if (c === '\n' && out.endsWith('  ')) {
      out = `${out.trimEnd()}<br>\n`;
      i++;
      continue;
    }
    out += escapeHtml(c);
    i++;
  }
  return out;
}

/**
 * The end (exclusive) of the math span opening at `start`, or -1. `$$…$$` always; `$…$` only when
 * the opening `$` is followed and the closing one preceded by a non-space, and the closing one is
 * not followed by a digit (pandoc's rule), so that "costs $5 and $6" stays text.
 */
function mathEnd(text: string, start: number): number {
  if (text.startsWith('$$', start)) {
    const close = text.indexOf('$$', start + 2);
    return close > start + 2 ? close + 2 : -1;
  }
  if (/\s/.test(text[start + 1] ?? ' ')) return -1;
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\') {
      j++;
      continue;
    }
    if (text[j] === '$') {
      if (/\s/.test(text[j - 1]) || /\d/.test(text[j + 1] ?? '')) return -1;
      return j + 1;
    }
  }
  return -1;
}

/** Where emphasis opened by `marker` at `start` closes, or -1 (`_` only between non-word characters). */
function emphasisEnd(text: string, start: number, marker: string): number {
  const after = text[start + marker.length];
  if (after === undefined || /\s/.test(after) || after === marker[0]) return -1;
  if (marker[0] === '_' && /\w/.test(text[start - 1] ?? '')) return -1;
  for (let j = start + marker.length + 1; j <= text.length - marker.length; j++) {
    // Code and math spans are opaque: a marker inside them does not close the emphasis.
    if (text[j] === '`') {
      const run = /^`+/.exec(text.slice(j))![0];
      const close = text.indexOf(run, j + run.length);
      if (close > 0) j = close + run.length - 1;
      continue;
    }
    if (text[j] === '$') {
      const end = mathEnd(text, j);
      if (end > 0) j = end - 1;
      continue;
    }
    if (!text.startsWith(marker, j) || /\s/.test(text[j - 1])) continue;
    if (marker.length === 1 && text[j + 1] === marker) {
      j++;
      continue;
    }
    if (marker[0] === '_' && /\w/.test(text[j + marker.length] ?? '')) continue;
    return j;
  }
  return -1;
}

/** `[label](url)` at `start` (the `[`), with balanced brackets in the label. */
function parseLink(text: string, start: number): { label: string; url: string; end: number } | undefined {
  let depth = 0;
  for (let j = start; j < text.length; j++) {
    if (text[j] === '\\') {
      j++;
      continue;
    }
    if (text[j] === '[') depth++;
    if (text[j] === ']' && --depth === 0) {
      const target = /^\(\s*<?([^\s()<>]*)>?(?:\s+"[^"]*")?\s*\)/.exec(text.slice(j + 1));
      if (target === null) return undefined;
      return { label: text.slice(start + 1, j), url: target[1], end: j + 1 + target[0].length };
    }
  }
  return undefined;
}
