import { createHash } from 'node:crypto';
import { FIGURE_MIME } from '../../core/figures/spec';
import { decodeUtf8, encodeBase64 } from '../../core/notebook/bytes';
import type { CellModel, NotebookModel, OutputItemModel, OutputModel } from '../../core/notebook/format';
import { ERROR_MIME, MARKDOWN_MIME } from '../../core/notebook/outputs';
import { escapeHtml, renderMarkdown } from './markdown';

/** The CSP source that admits exactly one inline script: `'sha256-…'` of its text as UTF-8. */
export function scriptHash(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/** The report's title: the notebook's `metadata.title` when it is a string, else the file's name without `.lossnb`. */
export function reportTitle(model: NotebookModel, fileName: string): string {
  return typeof model.metadata.title === 'string' ? model.metadata.title : fileName.replace(/\.lossnb$/i, '');
}

/**
 * The standalone HTML report of a notebook (`losslab run --html`, and the editor's "Export as HTML
 * Report"): markdown cells rendered, code cells with their source and outputs. A figure is
 * embedded as its JSON spec in `<script type="application/json" class="losslab-figure">`, for the
 * renderer bundle to draw, next to its markdown fallback, which shows until then. The page loads
 * nothing from the network and its content security policy runs no script but that bundle.
 */
export function renderReport(model: NotebookModel, title: string, figureScript?: string): string {
  const cells = model.cells.map((cell, index) => renderCell(cell, index)).join('\n');
  // The renderer's report bundle draws the embedded figures offline; it is inlined because the
  // page's policy admits no external script. `</script` inside it must not end the element.
  const body = figureScript?.replace(/<\/script/gi, '<\\/script');
  const script = body === undefined ? '' : `<script>${body}</script>\n`;
  // The policy names the bundle by its hash, never 'unsafe-inline': a script that an escaping slip
  // let into the page would not run. A hash, not a nonce, so the same notebook writes the same bytes.
  const scriptPolicy = body === undefined ? '' : ` script-src '${scriptHash(body)}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;${scriptPolicy}">
<meta name="generator" content="LossLab">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="losslab-notebook">
${cells}
</main>
${script}</body>
</html>
`;
}

const STYLE = `
body { font: 15px/1.55 system-ui, sans-serif; margin: 0; color: #1f2328; background: #fff; }
main { max-width: 960px; margin: 2rem auto; padding: 0 1rem; }
.cell { margin: 1rem 0; }
.code .source { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .8rem; overflow-x: auto; margin: 0; }
.code .prompt { color: #57606a; font: 12px monospace; }
.outputs { border-left: 3px solid #d0d7de; padding-left: .8rem; margin-top: .4rem; }
.output { margin: .4rem 0; overflow-x: auto; }
.error pre { color: #b42318; background: #fff5f5; padding: .5rem; white-space: pre-wrap; }
.failed .source { border-color: #b42318; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: .2rem .5rem; }
.math { font-family: "Latin Modern Math", "STIX Two Math", serif; }
.math.display { text-align: center; margin: .8rem 0; }
.note { color: #57606a; font-style: italic; }
@media (prefers-color-scheme: dark) {
  body { color: #e6edf3; background: #0d1117; }
  .code .source { background: #161b22; border-color: #30363d; }
  th, td, .outputs { border-color: #30363d; }
}`;

function renderCell(cell: CellModel, index: number): string {
  if (cell.kind === 'markdown') {
    return `<section class="cell markdown" id="cell-${index + 1}">\n${renderMarkdown(cell.source)}\n</section>`;
  }
  const execution = cell.execution;
  const failed = execution?.success === false;
  const prompt = execution?.executionOrder === undefined ? '[ ]' : `[${execution.executionOrder}]`;
  const outputs = cell.outputs.map(renderOutput).join('\n');
  return `<section class="cell code${failed ? ' failed' : ''}" id="cell-${index + 1}">
<div class="prompt">${escapeHtml(prompt)}${failed ? ' failed' : ''}</div>
<pre class="source"><code class="language-${escapeHtml(cell.language)}">${escapeHtml(cell.source)}</code></pre>${outputs === '' ? '' : `\n<div class="outputs">\n${outputs}\n</div>`}
</section>`;
}

/** The richest item a static page can show, in this order of preference. */
const PREFERENCE = [FIGURE_MIME, MARKDOWN_MIME, ERROR_MIME, 'text/plain', 'application/vnd.code.notebook.stdout', 'application/vnd.code.notebook.stderr'];
const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

function renderOutput(output: OutputModel): string {
  const byMime = (mime: string): OutputItemModel | undefined => output.items.find((item) => item.mime.toLowerCase() === mime);
  const figure = byMime(FIGURE_MIME);
  const fallback = byMime(MARKDOWN_MIME);
  if (figure !== undefined) {
    const embedded = figureScript(figure);
    const shown = fallback === undefined ? '<p class="note">(figure)</p>' : renderMarkdown(textOf(fallback));
    return `<figure class="output figure">\n${embedded}\n<div class="losslab-fallback">${shown}</div>\n</figure>`;
  }
  for (const mime of PREFERENCE.slice(1)) {
    const item = byMime(mime);
    if (item === undefined) continue;
    if (mime === MARKDOWN_MIME) return `<div class="output markdown">${renderMarkdown(textOf(item))}</div>`;
    if (mime === ERROR_MIME) return `<div class="output error"><pre>${escapeHtml(errorText(textOf(item)))}</pre></div>`;
    return `<div class="output text"><pre>${escapeHtml(textOf(item))}</pre></div>`;
  }
  const image = output.items.find((item) => IMAGE_MIMES.includes(item.mime.toLowerCase()));
  if (image !== undefined) {
    return `<div class="output image"><img alt="" src="data:${escapeHtml(image.mime.toLowerCase())};base64,${encodeBase64(image.data)}"></div>`;
  }
  const mimes = output.items.map((item) => item.mime).join(', ');
  return `<div class="output"><p class="note">(output of type ${escapeHtml(mimes || 'none')} not shown in this report)</p></div>`;
}

/**
 * The figure's JSON inside a script element that no browser runs. The spec is parsed and written
 * again with `<`, `>`, `&` and the JS line separators escaped, so nothing in it can close the
 * element; text that is not JSON is left out.
 */
function figureScript(item: OutputItemModel): string {
  let spec: unknown;
  try {
    spec = JSON.parse(textOf(item));
  } catch {
    return '<p class="note">(the figure data is not valid JSON)</p>';
  }
  return `<script type="application/json" class="losslab-figure">${scriptSafeJson(spec)}</script>`;
}

export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function errorText(payload: string): string {
  try {
    const error = JSON.parse(payload) as { name?: unknown; message?: unknown; stack?: unknown };
    if (typeof error.stack === 'string' && error.stack !== '') return error.stack;
    return `${String(error.name ?? 'Error')}: ${String(error.message ?? '')}`;
  } catch {
    return payload;
  }
}

function textOf(item: OutputItemModel): string {
  return decodeUtf8(item.data) ?? new TextDecoder().decode(item.data);
}
