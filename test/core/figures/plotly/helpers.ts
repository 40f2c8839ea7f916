import assert from 'node:assert/strict';
import type { FigureTheme } from '../../../../src/core/figures/theme';
import { defaultTheme } from '../../../../src/core/figures/theme';
import type { PlotlyFigure, PlotlyObject, PlotlyTrace, PlotlyValue } from '../../../../src/core/figures/plotly/types';

/**
 * A theme whose every colour is a value no figure function could pick by itself, so a test can
 * tell a themed colour from a hard-coded one.
 */
export function sentinelTheme(tag: number): FigureTheme {
  const c = (k: number): string => `#${tag.toString(16).padStart(2, '0')}${k.toString(16).padStart(2, '0')}ab`;
  return {
    ...defaultTheme('dark'),
    background: c(1),
    foreground: c(2),
    gridColor: c(3),
    lineColor: c(4),
    red: c(5),
    blue: c(6),
    yellow: c(7),
    orange: c(8),
    green: c(9),
    purple: c(10),
    colorway: [c(11), c(12), c(13)],
    fontFamily: `Sentinel${tag}`,
    fontSize: 10 + tag,
  };
}

export function themeColors(theme: FigureTheme): Set<string> {
  return new Set([theme.background, theme.foreground, theme.gridColor, theme.lineColor, theme.red, theme.blue, theme.yellow, theme.orange, theme.green, theme.purple, ...theme.colorway]);
}

/** Every string value anywhere under a key that names a colour (color, bgcolor, fillcolor, colorway, …). */
export function colorValues(value: PlotlyValue | undefined, key = ''): string[] {
  if (value === undefined || value === null) return [];
  const isColorKey = /colou?r|colorway/i.test(key) && !/colorscale|colorbar|coloraxis/i.test(key);
  if (typeof value === 'string') return isColorKey ? [value] : [];
  if (Array.isArray(value)) return (value as readonly PlotlyValue[]).flatMap((item) => colorValues(item, key));
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => colorValues(v as PlotlyValue, k));
  return [];
}

/** Asserts that every colour of a figure comes from the theme, and that it has the theme's background and font. */
export function assertThemed(figure: PlotlyFigure, theme: FigureTheme): void {
  const allowed = themeColors(theme);
  const used = [...figure.data.flatMap((t) => colorValues(t)), ...colorValues(figure.layout)];
  assert.ok(used.length > 0, 'the figure uses no colour at all');
  for (const color of used) assert.ok(allowed.has(color), `colour ${color} is not from the theme`);
  assert.equal(figure.layout.paper_bgcolor, theme.background);
  assert.equal(figure.layout.plot_bgcolor, theme.background);
  assert.equal(obj(figure.layout.font).color, theme.foreground);
  assert.equal(obj(figure.layout.font).family, theme.fontFamily);
}

export function obj(value: PlotlyValue | undefined): PlotlyObject {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `expected an object, got ${JSON.stringify(value)}`);
  return value as PlotlyObject;
}

export function arr(value: PlotlyValue | undefined): readonly PlotlyValue[] {
  assert.ok(Array.isArray(value), `expected an array, got ${JSON.stringify(value)}`);
  return value as readonly PlotlyValue[];
}

export function titleOf(axis: PlotlyValue | undefined): string {
  return obj(obj(axis).title).text as string;
}

export function tracesOfType(figure: PlotlyFigure, type: string): PlotlyTrace[] {
  return figure.data.filter((t) => t.type === type);
}

export function byName(figure: PlotlyFigure, name: string): PlotlyTrace {
  const trace = figure.data.find((t) => t.name === name);
  assert.ok(trace !== undefined, `no trace named ${name}: ${figure.data.map((t) => t.name).join(', ')}`);
  return trace;
}

/** Freezes a spec all the way down, so a figure function that writes into it throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
