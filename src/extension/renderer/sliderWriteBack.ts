/**
 * Where slider values go back into a notebook's text: for each variable, the numeric literal of
 * its last plain assignment (`beta = 2`, `beta = -1.5e-3;`) in the cell that defines it. Pure text
 * logic, without `vscode`, so that it is tested in Node; messaging.ts turns the result into edits.
 */

export interface CellSource {
  /** The cell's index in the notebook. */
  readonly index: number;
  readonly source: string;
}

export interface LiteralReplacement {
  readonly cellIndex: number;
  readonly name: string;
  /** Offsets into the cell's source of the literal to replace, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface WriteBackPlan {
  readonly replacements: readonly LiteralReplacement[];
  /** Variables with no `name = number` assignment to rewrite (computed, or defined elsewhere). */
  readonly missing: readonly string[];
}

const LITERAL = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

/** The text a value is written as: the shortest round-tripping decimal, never exponent noise for small steps. */
export function literalText(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}

/** Offsets of `name = <literal>` assignments in code (comments after `#` ignored), last one last. */
export function findAssignments(source: string, name: string): { start: number; end: number }[] {
  const escaped = name.replace(/[$]/g, '\\$');
  // A statement starts at a line start or after `;`; the literal must end the statement.
  const pattern = new RegExp(String.raw`(^|;)([ \t]*${escaped}[ \t]*=[ \t]*)(${LITERAL})(?=[ \t]*(?:;|#|$))`, 'gm');
  const found: { start: number; end: number }[] = [];
  let lineStart = 0;
  for (const line of source.split('\n')) {
    const comment = line.indexOf('#');
    const code = comment < 0 ? line : line.slice(0, comment);
    for (const match of code.matchAll(pattern)) {
      const start = lineStart + (match.index ?? 0) + match[1].length + match[2].length;
      found.push({ start, end: start + match[3].length });
    }
    lineStart += line.length + 1;
  }
  return found;
}

/**
 * Plans the write-back of `values` for a figure drawn by cell `figureCell`: each variable's
 * defining cell is the last one at or before the figure's cell that assigns it a number (a later
 * cell is used only when none comes before), and within it the last such assignment.
 */
export function planWriteBack(cells: readonly CellSource[], figureCell: number, values: Readonly<Record<string, number>>): WriteBackPlan {
  const replacements: LiteralReplacement[] = [];
  const missing: string[] = [];
  const ordered = [...cells].sort((a, b) => a.index - b.index);
  const candidates = [...ordered.filter((cell) => cell.index <= figureCell).reverse(), ...ordered.filter((cell) => cell.index > figureCell)];
  for (const [name, value] of Object.entries(values)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name) || !Number.isFinite(value)) {
      missing.push(name);
      continue;
    }
    let placed = false;
    for (const cell of candidates) {
      const assignments = findAssignments(cell.source, name);
      const last = assignments[assignments.length - 1];
      if (last === undefined) continue;
      replacements.push({ cellIndex: cell.index, name, start: last.start, end: last.end, text: literalText(value) });
      placed = true;
      break;
    }
    if (!placed) missing.push(name);
  }
  return { replacements, missing };
}

/** Applies replacements to one cell's source (the ones for other cells are ignored). */
export function applyReplacements(source: string, cellIndex: number, replacements: readonly LiteralReplacement[]): string {
  const mine = replacements.filter((r) => r.cellIndex === cellIndex).sort((a, b) => b.start - a.start);
  let text = source;
  for (const r of mine) text = text.slice(0, r.start) + r.text + text.slice(r.end);
  return text;
}
