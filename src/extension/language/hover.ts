import * as vscode from 'vscode';
import { callSiteArguments, callSiteRows } from '../../core/formulas/callSite';
import { LIBRARY_TITLES } from '../../core/formulas/catalog';
import { lookupAt, wordAt } from '../../core/formulas/lookup';
import type { ValueSummary } from '../../core/language/values';
import { entryHoverMarkdown, OPEN_IN_LOSSLAB_COMMAND, variableHoverMarkdown } from './hoverContent';
import { MathSvgRenderer } from './mathSvg';
import { notebookOf } from './cellContext';

/**
 * Hovers over loss names: in LossLab cells (`qfl`, `arcface`…), in Python (`QualityFocalLoss`,
 * `F.triplet_margin_loss`, `type='DistributionFocalLoss'`) and in Markdown. The hover shows the
 * rendered formula, the literal arguments the hovered call gives beside their defaults, the
 * parameters, intuition, traps, paper and an "Open in LossLab" link. In LossLab cells a variable
 * of the kernel's scope shows its value.
 */

/**
 * Where the hover reads a notebook's variables from: the kernel of that notebook. Connect it to
 * the kernel controller (KernelProcess.variables() of the notebook's kernel).
 */
export interface VariableSource {
  /**
   * The scope's variables of the notebook whose `NotebookDocument.uri.toString()` is `notebookUri`,
   * with their summaries; undefined when that notebook has no kernel yet (no cell has run).
   */
  variables(notebookUri: string): Promise<{ name: string; summary: ValueSummary }[]> | undefined;
}

export const HOVER_LANGUAGES = ['losslab', 'python', 'markdown'] as const;

export class FormulaHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly images: MathSvgRenderer,
    /** Set by the host once the kernel controller exists; without it there are no variable hovers. */
    public variableSource?: VariableSource,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const text = document.getText();
    const offset = document.offsetAt(position);
    if (document.languageId === 'losslab') {
      const variable = await this.variableHover(document, text, offset);
      if (variable !== undefined || token.isCancellationRequested) return variable;
    }
    const found = lookupAt(text, offset, document.languageId);
    if (found === undefined) return undefined;
    const image = await this.images.image(found.entry.latex);
    if (token.isCancellationRequested) return undefined;
    const args = callSiteArguments(text, found.word, document.languageId) ?? [];
    const callSite = callSiteRows(found.entry, found.conventions, args, document.languageId);
    const library = document.languageId === 'losslab' ? 'losslab' : (found.conventions[0]?.library ?? 'losslab');
    const markdown = new vscode.MarkdownString(entryHoverMarkdown(found.entry, { image, conventions: found.conventions, callSite, callSiteLibrary: LIBRARY_TITLES[library], ...(document.languageId === 'losslab' ? {} : { from: document.uri.toString() }) }));
    markdown.isTrusted = { enabledCommands: [OPEN_IN_LOSSLAB_COMMAND] };
    const range = new vscode.Range(document.positionAt(found.word.start), document.positionAt(found.word.end));
    return new vscode.Hover(markdown, range);
  }

  /** A variable of the cell's notebook's scope, if the word under the cursor is one. */
  private async variableHover(document: vscode.TextDocument, text: string, offset: number): Promise<vscode.Hover | undefined> {
    const word = wordAt(text, offset);
    if (word === undefined || word.qualifier !== undefined || this.variableSource === undefined) return undefined;
    const notebook = notebookOf(document)?.notebook;
    if (notebook === undefined) return undefined;
    const pending = this.variableSource.variables(notebook.uri.toString());
    if (pending === undefined) return undefined;
    const variable = (await pending).find((v) => v.name === word.word);
    if (variable === undefined) return undefined;
    const range = new vscode.Range(document.positionAt(word.start), document.positionAt(word.end));
    return new vscode.Hover(new vscode.MarkdownString(variableHoverMarkdown(variable.name, variable.summary)), range);
  }
}

/**
 * Registers the formula hovers for LossLab cells, Python and Markdown. Returns the provider so the
 * host can set `variableSource` once the kernel controller exists.
 */
export function registerHover(context: vscode.ExtensionContext, variableSource?: VariableSource): FormulaHoverProvider {
  const images = new MathSvgRenderer();
  const provider = new FormulaHoverProvider(images, variableSource);
  context.subscriptions.push(
    images,
    // No scheme: the hovers also serve the Python cells of a Jupyter notebook (vscode-notebook-cell:).
    vscode.languages.registerHoverProvider(
      HOVER_LANGUAGES.map((language) => ({ language })),
      provider,
    ),
  );
  return provider;
}
