import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultTheme, THEME_VARIABLES, themeFromCssVariables } from '../../../src/core/figures/theme';

const reader = (vars: Record<string, string>) => (name: string): string => vars[name] ?? '';

describe('themeFromCssVariables', () => {
  it('maps the VS Code variables onto the theme', () => {
    const theme = themeFromCssVariables(
      reader({
        '--vscode-editor-background': '#101010',
        '--vscode-editor-foreground': '#e0e0e0',
        '--vscode-font-family': 'Fira Sans',
        '--vscode-font-size': '15px',
        '--vscode-charts-lines': '#808080',
        '--vscode-panel-border': '#333333',
        '--vscode-charts-red': '#ff0001',
        '--vscode-charts-blue': '#0000f2',
        '--vscode-charts-yellow': '#ffff03',
        '--vscode-charts-orange': '#ff8004',
        '--vscode-charts-green': '#00ff05',
        '--vscode-charts-purple': '#800086',
      }),
      'dark',
    );
    assert.equal(theme.kind, 'dark');
    assert.equal(theme.background, '#101010');
    assert.equal(theme.foreground, '#e0e0e0');
    assert.equal(theme.fontFamily, 'Fira Sans');
    assert.equal(theme.fontSize, 15);
    assert.equal(theme.lineColor, '#808080');
    assert.equal(theme.gridColor, '#333333');
    assert.deepEqual([theme.red, theme.blue, theme.yellow, theme.orange, theme.green, theme.purple], ['#ff0001', '#0000f2', '#ffff03', '#ff8004', '#00ff05', '#800086']);
    assert.deepEqual(theme.colorway, ['#0000f2', '#ff0001', '#ffff03', '#ff8004', '#00ff05', '#800086']);
  });

  it('prefers charts-foreground for text and trims whitespace', () => {
    const theme = themeFromCssVariables(reader({ '--vscode-editor-foreground': '#111111', '--vscode-charts-foreground': '  #222222 ' }), 'light');
    assert.equal(theme.foreground, '#222222');
  });

  for (const kind of ['light', 'dark', 'high-contrast'] as const) {
    it(`falls back to VS Code's ${kind} defaults when nothing is set`, () => {
      assert.deepEqual(themeFromCssVariables(() => '', kind), defaultTheme(kind));
      assert.deepEqual(themeFromCssVariables(() => '   ', kind), defaultTheme(kind));
    });
  }

  it('reads font sizes in px or bare numbers, and ignores anything else', () => {
    const size = (value: string): number => themeFromCssVariables(reader({ '--vscode-font-size': value }), 'light').fontSize;
    assert.equal(size('13px'), 13);
    assert.equal(size(' 12.5px '), 12.5);
    assert.equal(size('14'), 14);
    assert.equal(size('1em'), defaultTheme('light').fontSize);
    assert.equal(size('0px'), defaultTheme('light').fontSize);
    assert.equal(size('large'), defaultTheme('light').fontSize);
  });

  it('reads only the documented variables', () => {
    const asked: string[] = [];
    themeFromCssVariables((name) => {
      asked.push(name);
      return '';
    }, 'dark');
    const documented = new Set<string>(Object.values(THEME_VARIABLES));
    for (const name of asked) assert.ok(documented.has(name), name);
  });

  it('the default themes are readable: light background is light, dark and high contrast are dark', () => {
    const luminance = (hex: string): number => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const kind of ['light', 'dark', 'high-contrast'] as const) {
      const theme = defaultTheme(kind);
      const contrast = Math.abs(luminance(theme.background) - luminance(theme.foreground));
      assert.ok(contrast > 0.5, `${kind}: foreground/background contrast ${contrast}`);
    }
    assert.ok(luminance(defaultTheme('light').background) > 0.9);
    assert.ok(luminance(defaultTheme('dark').background) < 0.2);
    assert.equal(defaultTheme('high-contrast').background, '#000000');
  });
});
