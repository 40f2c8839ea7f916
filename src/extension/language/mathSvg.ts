import * as vscode from 'vscode';
import type { FormulaImageCache } from './texToSvg';

/**
 * Formula images for hovers, in the colour of the current theme. The MathJax part (texToSvg.ts) is
 * imported on the first request, so activation does not pay for it; its images are cached by
 * (TeX, colour), and a theme change re-renders the formulas shown so far in the new colour.
 */

/** The text colour of each theme kind: the default editor foreground of VS Code's own themes. */
export function themeForeground(kind: vscode.ColorThemeKind): string {
  switch (kind) {
    case vscode.ColorThemeKind.Light:
      return '#3b3b3b';
    case vscode.ColorThemeKind.HighContrastLight:
      return '#000000';
    case vscode.ColorThemeKind.HighContrast:
      return '#ffffff';
    case vscode.ColorThemeKind.Dark:
    default:
      return '#cccccc';
  }
}

export class MathSvgRenderer implements vscode.Disposable {
  private cache: Promise<FormulaImageCache> | undefined;
  private colour = themeForeground(vscode.window.activeColorTheme.kind);
  private readonly themeListener = vscode.window.onDidChangeActiveColorTheme((theme) => {
    this.colour = themeForeground(theme.kind);
    const colour = this.colour;
    void this.cache?.then((cache) => cache.rerender(colour));
  });

  /** The formula as a `data:image/svg+xml` URI in the theme's colour; undefined if it does not render. */
  async image(tex: string): Promise<string | undefined> {
    const cache = await this.load();
    try {
      return cache.dataUri(tex, this.colour);
    } catch {
      return undefined;
    }
  }

  private load(): Promise<FormulaImageCache> {
    this.cache ??= import('./texToSvg').then(({ FormulaImageCache: Cache }) => new Cache());
    return this.cache;
  }

  dispose(): void {
    this.themeListener.dispose();
  }
}
