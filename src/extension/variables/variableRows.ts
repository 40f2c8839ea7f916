import { formatSummaryNumber as fmt, summaryMarkdown, type ValueSummary } from '../../core/language/values';

/**
 * What the Variables view shows of one variable of a notebook's scope, from the summary the kernel
 * sends (the hover's): a one-line description with kind, shape, dtype and min/mean/max, the
 * hover's markdown as tooltip, and detail rows when the row is expanded. Pure, so it is tested
 * without VS Code.
 */
export interface VariableRow {
  readonly name: string;
  /** `tensor (32, 80) float64 · min 0 · mean 0.5 · max 1`, `number 0.25`, `object {loss: 0.2, …}`. */
  readonly description: string;
  /** Markdown, as the variable's hover shows it. */
  readonly tooltip: string;
  /** `[label, value]` pairs shown under the row, in this order. */
  readonly details: ReadonlyArray<readonly [string, string]>;
}

const shapeText = (shape: readonly number[] | undefined): string => `(${(shape ?? []).join(', ')})`;

/** The row of the variable `name`. */
export function variableRow(name: string, summary: ValueSummary): VariableRow {
  return { name, description: describe(summary), tooltip: summaryMarkdown(summary, name), details: details(summary) };
}

/** The rows of a scope, sorted by name so that a variable keeps its place as cells run. */
export function variableRows(variables: readonly { name: string; summary: ValueSummary }[]): VariableRow[] {
  return variables.map(({ name, summary }) => variableRow(name, summary)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function describe(summary: ValueSummary): string {
  if (summary.kind !== 'tensor') return `${summary.kind} ${summary.preview}`;
  const head = `tensor ${shapeText(summary.shape)} ${summary.dtype ?? ''}`.trimEnd();
  if (summary.min === undefined) return `${head} · empty`;
  const nan = summary.nanCount ? ` · ${summary.nanCount} NaN` : '';
  return `${head} · min ${fmt(summary.min)} · mean ${fmt(summary.mean ?? Number.NaN)} · max ${fmt(summary.max ?? Number.NaN)}${nan}`;
}

function details(summary: ValueSummary): Array<readonly [string, string]> {
  if (summary.kind !== 'tensor') return [['kind', summary.kind], ['value', summary.preview]];
  const rows: Array<readonly [string, string]> = [
    ['kind', 'tensor'],
    ['shape', shapeText(summary.shape)],
    ['dtype', summary.dtype ?? 'unknown'],
  ];
  if (summary.min !== undefined) {
    rows.push(['min', fmt(summary.min)], ['mean', fmt(summary.mean ?? Number.NaN)], ['max', fmt(summary.max ?? Number.NaN)]);
  }
  rows.push(['NaN', String(summary.nanCount ?? 0)], ['values', summary.preview]);
  return rows;
}
