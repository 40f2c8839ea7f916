import { isFigureSpec } from '../core/figures/spec';
import { render, type RenderedFigure } from './render';
import { watchTheme } from './themeWatcher';

/**
 * The figure renderer of the standalone HTML report (`losslab run --html`): the CLI inlines this
 * bundle (plotly included, nothing fetched) into the page, and it draws every
 * `<script type="application/json" class="losslab-figure">` in place of the markdown fallback
 * next to it. Sliders recompute in the page as they do in VS Code; exports download.
 */
export async function renderReportFigures(doc: Document): Promise<RenderedFigure[]> {
  const theme = watchTheme((next) => {
    for (const figure of figures) void figure.setTheme(next);
  }, doc);
  const figures: RenderedFigure[] = [];
  for (const script of Array.from(doc.querySelectorAll('script.losslab-figure'))) {
    let spec: unknown;
    try {
      spec = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    if (!isFigureSpec(spec)) continue;
    const container = doc.createElement('div');
    container.className = 'losslab-report-figure';
    script.after(container);
    try {
      figures.push(await render({ container, spec, theme: theme.current }));
      // The fallback stays for viewers without scripts; once drawn it would only repeat the figure.
      const fallback = script.parentElement?.querySelector('.losslab-fallback');
      if (fallback instanceof HTMLElement) fallback.hidden = true;
    } catch (error) {
      container.textContent = `This figure could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  doc.documentElement.dataset.losslabFigures = String(figures.length);
  return figures;
}

// Inlined as a classic script at the end of the report: draw once the document is parsed.
if (typeof document !== 'undefined') {
  const start = (): void => void renderReportFigures(document);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}
