import type { NotebookModel } from '../../core/notebook/format';
import { readFigureScript } from '../../node/report/figureScript';
import { renderReport, reportTitle } from '../../node/report/html';

/**
 * The HTML export's page, built by the runner's report code with the renderer's report bundle
 * inlined, so that its figures draw offline. A lazy bundle (dist/htmlReport.js, see
 * scripts/build.mjs): markdown-it loads on the first export, not at activation.
 */
export function notebookReport(model: NotebookModel, fileName: string): { html: string; figuresDrawn: boolean } {
  const script = readFigureScript();
  return { html: renderReport(model, reportTitle(model, fileName), script), figuresDrawn: script !== undefined };
}
