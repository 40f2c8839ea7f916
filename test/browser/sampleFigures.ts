import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FigureSpec } from '../../src/core/figures/spec';
import { parseNotebook } from '../../src/core/notebook/format';
import { createNodeSession } from '../../src/node/session';

/** The sample notebooks whose figures a user sees first. */
export const SAMPLE_NOTEBOOKS = ['gfl-tour', 'arcface-tour', 'triplet-tour', 'debug-detector', 'debug-raw-head', 'debug-embeddings'] as const;

export interface SampleFigure {
  /** `gfl-tour#12.0`: the notebook, the cell's 0-based index among all its cells, and the figure's among the cell's. */
  readonly id: string;
  readonly spec: FigureSpec;
}

/**
 * Every figure of the sample notebooks, made as `losslab run` makes them: each notebook's code
 * cells run in order in one Node session rooted at samples/ (so `load("data/…")` reads the bundled
 * exports). A cell that fails is an error here, not a missing figure.
 */
export function sampleFigures(dir = 'samples'): SampleFigure[] {
  const figures: SampleFigure[] = [];
  for (const name of SAMPLE_NOTEBOOKS) {
    const model = parseNotebook(readFileSync(join(dir, `${name}.lossnb`), 'utf8'));
    const session = createNodeSession(dir, { pool: null });
    model.cells.forEach((cell, index) => {
      if (cell.kind !== 'code') return;
      let k = 0;
      for (const output of session.runCell(cell.source)) {
        if (output.kind === 'error') throw new Error(`${name}.lossnb, cell ${index + 1}, line ${output.line}: ${output.message}`);
        if (output.kind === 'figure') figures.push({ id: `${name}#${index}.${k++}`, spec: output.spec });
      }
    });
  }
  return figures;
}
