import { Session } from './session';
import type { FigureSpec, RecomputeSource } from '../figures/spec';

/**
 * Raised when a figure cannot be recomputed: its source defines nothing usable, the statement
 * fails for the new slider values, or it no longer yields a figure. The message is shown in
 * place of the figure's caption, so it says what happened in the user's terms.
 */
export class RecomputeError extends Error {
  override readonly name = 'RecomputeError';
}

/**
 * Recomputes a figure with sliders in the webview, without the kernel. It holds one Session
 * whose scope is rebuilt from the figure's recompute source once (the user functions it calls and
 * the values it reads); each update binds the slider values and re-runs only the statement.
 */
export class FigureRecomputer {
  private readonly session = new Session();

  constructor(private readonly source: RecomputeSource) {
    for (const definition of source.definitions) {
      const failure = this.session.runCell(definition).find((output) => output.kind === 'error');
      if (failure !== undefined && failure.kind === 'error') {
        throw new RecomputeError(`the figure's definition '${definition}' failed: ${failure.message}`);
      }
    }
    for (const [name, value] of Object.entries(source.bindings)) {
      // The language reads arrays as mathjs matrices; a plain array would index and print differently.
      this.session.scope.set(name, typeof value === 'number' ? value : this.session.math.matrix(JSON.parse(JSON.stringify(value)) as number[][]));
    }
  }

  /**
   * The figure for these slider values (name → value); names not given keep their last value.
   * Throws RecomputeError when the statement fails or yields no figure.
   */
  update(values: Readonly<Record<string, number>>): FigureSpec {
    for (const [name, value] of Object.entries(values)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new RecomputeError(`slider '${name}' should be a finite number, but is ${String(value)}`);
      }
      this.session.scope.set(name, value);
    }
    const outputs = this.session.runCell(this.source.statement);
    const error = outputs.find((output) => output.kind === 'error');
    if (error !== undefined && error.kind === 'error') throw new RecomputeError(`${error.name}: ${error.message}`);
    const figure = outputs.find((output) => output.kind === 'figure');
    if (figure === undefined || figure.kind !== 'figure') {
      throw new RecomputeError(`the statement '${this.source.statement}' yields no figure, so it cannot be redrawn`);
    }
    return figure.spec;
  }
}
