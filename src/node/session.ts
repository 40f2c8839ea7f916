import { Session, type SessionOptions } from '../core/language/session';
import { createFileLoader } from './loadFile';

/**
 * A kernel session for a notebook on disk: `load("x.npz")` reads relative to `baseDir` (the
 * notebook's folder) and gives each array as a mathjs matrix of float64, as in the VS Code kernel.
 */
export function createNodeSession(baseDir: string, options: Omit<SessionOptions, 'load'> = {}): Session {
  const session: Session = new Session({
    ...options,
    load: createFileLoader(baseDir, (nested) => session.math.matrix(nested as number[])),
  });
  return session;
}
