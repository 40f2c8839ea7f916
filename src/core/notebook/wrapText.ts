/**
 * Hard wrapping for text shown in a fixed-width block. VS Code's notebook error renderer draws an
 * error's `stack` as preformatted text and wraps it only under the user-wide setting
 * `notebook.output.wordWrap` (off by default, and not a per-language setting), so a long LossLab
 * error ran off the right edge of the cell. The stack is therefore written already wrapped.
 */

/** Columns of an error's stack: about 600 px of a monospace font, narrower than most output areas. */
export const ERROR_WRAP_COLUMNS = 80;

/**
 * `text` with every line longer than `columns` broken at spaces, continuation lines indented by
 * two spaces. A word longer than a line is cut at `columns` (a path, a long number list) rather
 * than left to overflow. Existing line breaks are kept; nothing but the inserted breaks and the
 * indentation changes, so joining the pieces back gives the text.
 */
export function wrapText(text: string, columns: number = ERROR_WRAP_COLUMNS): string {
  if (!Number.isInteger(columns) || columns < 8) throw new RangeError(`wrapText: columns should be an integer ≥ 8, but is ${columns}`);
  return text
    .split('\n')
    .map((line) => wrapLine(line, columns))
    .join('\n');
}

const INDENT = '  ';

function wrapLine(line: string, columns: number): string {
  // Code points, so that Greek letters and ∂ count as one column each.
  const chars = [...line];
  const pieces: string[] = [];
  let start = 0;
  let width = columns;
  while (chars.length - start > width) {
    // The last space within the line (one past it may end the piece exactly); none means one word
    // wider than the line, which is cut.
    const space = chars.lastIndexOf(' ', start + width);
    const end = space > start ? space : start + width;
    pieces.push(chars.slice(start, end).join(''));
    start = space > start ? space + 1 : end;
    width = columns - INDENT.length;
  }
  pieces.push(chars.slice(start).join(''));
  return pieces.map((piece, index) => (index === 0 ? piece : INDENT + piece)).join('\n');
}
