import { isFigureSpec, type FigureSpec } from '../figures/spec';

/**
 * Figures as values of the language's own kind. A cell's object that merely looks like a spec
 * (`{version: 1, kind: "table", …}`) is a plain object and prints as one: only the specs returned
 * by LossLab's figure functions are marked here, and only marked values are shown as figures. A
 * marked spec is frozen, so a cell cannot turn a figure into a malformed one (`p.columns = 5`) that
 * the markdown or the renderer would then fail on.
 */

const figures = new WeakSet<object>();

/** Marks a figure function's result as a figure (and freezes it); anything else passes unchanged. */
export function markFigure<T>(value: T): T {
  if (isFigureSpec(value)) {
    deepFreeze(value);
    figures.add(value);
  }
  return value;
}

/** Whether a value is a figure made by a figure function (markFigure). */
export function isFigureValue(value: unknown): value is FigureSpec {
  return typeof value === 'object' && value !== null && figures.has(value);
}

/** Freezes plain objects and arrays all the way down; typed arrays cannot be frozen and are left as they are. */
function deepFreeze(value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item === null || typeof item !== 'object' || ArrayBuffer.isView(item) || Object.isFrozen(item)) continue;
    Object.freeze(item);
    if (Array.isArray(item)) {
      for (const element of item) if (element !== null && typeof element === 'object') pending.push(element);
    } else {
      for (const key of Object.keys(item)) pending.push((item as Record<string, unknown>)[key]);
    }
  }
}
