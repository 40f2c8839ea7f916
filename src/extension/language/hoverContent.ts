/**
 * The Markdown of a formula hover, built from a catalog entry. Pure (no `vscode`): hover.ts wraps
 * it in a trusted MarkdownString, the tests read it directly.
 */
import type { CallSiteRow } from '../../core/formulas/callSite';
import { LIBRARY_TITLES, paperLink, type FormulaEntry, type LibraryConvention } from '../../core/formulas/catalog';
import { summaryMarkdown, type ValueSummary } from '../../core/language/values';

/** The command the hover links to; its one argument is the entry id. */
export const OPEN_IN_LOSSLAB_COMMAND = 'losslab.openInLossLab';

/**
 * A `command:` URI that runs `losslab.openInLossLab` with the entry id and, when known, the URI of
 * the hovered document (a Jupyter cell's `vscode-notebook-cell:` URI, a Python file's), so the
 * command can put the plot beside the file the user was reading.
 */
export function openInLossLabUri(entryId: string, from?: string): string {
  return `command:${OPEN_IN_LOSSLAB_COMMAND}?${encodeURIComponent(JSON.stringify(from === undefined ? [entryId] : [entryId, from]))}`;
}

/** Escapes text so Markdown shows it literally (formulas are full of `*`, `_` and `\`). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

function formatDefault(value: number | boolean | string): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function conventionLines(convention: LibraryConvention): string[] {
  const names = convention.aliases.map((alias) => `\`${alias}\``).join(', ');
  const lines = [`**${LIBRARY_TITLES[convention.library]}**${names === '' ? '' : ` ${names}`}`];
  for (const parameter of convention.parameters) {
    const note = parameter.note === undefined ? '' : ` — ${escapeMarkdown(parameter.note)}`;
    lines.push(`- \`${parameter.name}\` = \`${parameter.default}\`${note}`);
  }
  if (convention.note !== undefined) lines.push(`- ${escapeMarkdown(convention.note)}`);
  return lines;
}

export interface EntryHoverOptions {
  /** The rendered formula as a `data:image/svg+xml;base64,…` URI; without it only the Unicode form shows. */
  readonly image?: string;
  /** The conventions of the libraries whose name was hovered, shown in full, in this order. */
  readonly conventions?: readonly LibraryConvention[];
  /** The literal arguments of the hovered call with the defaults they replace (callSiteRows). */
  readonly callSite?: readonly CallSiteRow[];
  /** Whose defaults `callSite` compares with, for its header (`mmdetection`, `LossLab`). */
  readonly callSiteLibrary?: string;
  /** The hovered document's URI, passed on to "Open in LossLab". */
  readonly from?: string;
}

/** A table of the hovered call's literal arguments beside the defaults they replace. */
function callSiteTable(rows: readonly CallSiteRow[], library: string): string {
  const cell = (text: string): string => `\`${text.replace(/\|/g, '\\|')}\``;
  const lines = rows.map((row) => `| ${cell(row.name)} | ${cell(row.value)} | ${row.default === undefined ? '—' : cell(row.default)} |`);
  return [`| argument | this call | ${escapeMarkdown(library)} default |`, '| --- | --- | --- |', ...lines].join('\n');
}

/**
 * The hover for a catalog entry: the formula image (or, without one, its Unicode form), LossLab's parameters
 * with defaults, the hovered libraries' conventions (several when one name belongs to several
 * libraries), the reg_max conventions, the intuition, the traps, the paper and an
 * "Open in LossLab" command link. Meant for a MarkdownString trusted for that one command.
 */
export function entryHoverMarkdown(entry: FormulaEntry, options: EntryHoverOptions = {}): string {
  const parts: string[] = [`**${escapeMarkdown(entry.title)}**`];
  // The Unicode form is the image's alt text: shown beneath the image it read as a raw TeX copy.
  parts.push(options.image === undefined ? escapeMarkdown(entry.unicode) : `![${escapeMarkdown(entry.unicode)}](${options.image})`);
  if (options.callSite !== undefined && options.callSite.length > 0) parts.push(callSiteTable(options.callSite, options.callSiteLibrary ?? 'LossLab'));

  const parameters = entry.parameters.map((p) => {
    const name = p.key === undefined ? p.symbol : p.key === p.symbol ? `\`${p.key}\`` : `\`${p.key}\` ${p.symbol}`;
    const fallback = p.default === undefined ? '' : ` (default \`${formatDefault(p.default)}\`)`;
    return `- ${name}: ${escapeMarkdown(p.meaning)}${fallback}`;
  });
  if (parameters.length > 0) parts.push(['**Parameters** (LossLab defaults)', ...parameters].join('\n'));

  const shown = (options.conventions ?? []).filter((c) => c.library !== 'paper' && (c.library !== 'losslab' || c.parameters.length > 0));
  for (const convention of shown) parts.push(conventionLines(convention).join('\n'));
  const others = entry.libraries.filter((c) => !shown.includes(c) && c.library !== 'paper' && c.aliases.length > 0);
  if (others.length > 0) {
    parts.push(`*Also:* ${others.map((c) => `${LIBRARY_TITLES[c.library]} ${c.aliases.map((a) => `\`${a}\``).join(', ')}`).join(' · ')}`);
  }

  if (entry.binConventions !== undefined) {
    const rows = entry.binConventions.map((b) => `| ${b.library} | ${b.regMax} | ${b.bins} | ${b.targetMax} |`);
    parts.push(['| convention | reg_max | bins | largest target |', '| --- | --- | --- | --- |', ...rows].join('\n'));
  }

  parts.push(`*Intuition:* ${escapeMarkdown(entry.intuition)}`);
  if (entry.traps.length > 0) parts.push(['**Traps**', ...entry.traps.map((trap) => `- ${trap}`)].join('\n'));
  for (const paper of entry.papers) {
    // No emoji: without an emoji font (common on Linux) it draws as an empty box.
    parts.push(`*Paper:* [${escapeMarkdown(paper.title)}](${paperLink(paper)}) — ${escapeMarkdown(paper.authors)}, ${paper.venue === undefined ? '' : `${paper.venue} `}${paper.year}`);
  }
  parts.push(`[Open in LossLab](${openInLossLabUri(entry.id, options.from)} "Plot it in a LossLab notebook")`);
  return parts.join('\n\n');
}

/** The hover for a variable of a LossLab notebook's scope: its value summary (shape and statistics). */
export function variableHoverMarkdown(name: string, summary: ValueSummary): string {
  return summaryMarkdown(summary, name);
}
