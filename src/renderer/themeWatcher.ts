import { THEME_VARIABLES, themeFromCssVariables, type FigureTheme, type ThemeKind } from '../core/figures/theme';

/**
 * The theme of the page a figure is drawn in. VS Code marks its notebook webview's body with
 * `vscode-light`, `vscode-dark` or `vscode-high-contrast` (plus `vscode-high-contrast-light`) and
 * sets the `--vscode-*` variables on the root element's style; both change when the user switches
 * theme, without reloading the webview.
 */

/**
 * The theme kind from the body's classes; outside VS Code (the HTML report) the OS preference.
 * High-contrast light falls back to the light defaults, since its background is white.
 */
export function themeKindOf(doc: Document): ThemeKind {
  const classes = doc.body?.classList;
  if (classes?.contains('vscode-high-contrast-light')) return 'light';
  if (classes?.contains('vscode-high-contrast')) return 'high-contrast';
  if (classes?.contains('vscode-dark')) return 'dark';
  if (classes?.contains('vscode-light')) return 'light';
  const view = doc.defaultView;
  return view?.matchMedia?.('(prefers-color-scheme: dark)').matches === true ? 'dark' : 'light';
}

/** The figure theme the page shows now, from its computed CSS variables. */
export function readTheme(doc: Document = document): FigureTheme {
  const view = doc.defaultView;
  const element = doc.body ?? doc.documentElement;
  const style = view === null ? undefined : view.getComputedStyle(element);
  return themeFromCssVariables((name) => style?.getPropertyValue(name) ?? '', themeKindOf(doc));
}

export interface ThemeWatcher {
  /** The theme as last read. */
  readonly current: FigureTheme;
  dispose(): void;
}

const sameTheme = (a: FigureTheme, b: FigureTheme): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Calls `onChange` with the new theme whenever the body's or root's class or style changes the
 * theme (and only then: VS Code rewrites the style attribute for unrelated reasons, e.g. a font
 * zoom, and a redraw of every figure is not free).
 */
export function watchTheme(onChange: (theme: FigureTheme) => void, doc: Document = document): ThemeWatcher {
  let current = readTheme(doc);
  const check = (): void => {
    const next = readTheme(doc);
    if (sameTheme(next, current)) return;
    current = next;
    onChange(next);
  };
  const observer = new MutationObserver(check);
  const targets = [doc.documentElement, doc.body].filter((node): node is HTMLElement => node !== null);
  for (const target of targets) observer.observe(target, { attributes: true, attributeFilter: ['class', 'style'] });
  const media = doc.defaultView?.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener('change', check);
  return {
    get current() {
      return current;
    },
    dispose() {
      observer.disconnect();
      media?.removeEventListener('change', check);
    },
  };
}

/** The variables read, for docs/renderer.md and tests. */
export const WATCHED_VARIABLES: readonly string[] = Object.values(THEME_VARIABLES);
