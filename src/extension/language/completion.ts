import * as vscode from 'vscode';
import type { CompletionEntry } from '../../core/language/analysis/completion';
import { analysis, rememberedDefinitions } from './lazyAnalysis';
import { earlierCellTexts, LOSSLAB_SELECTOR, rangeOf } from './cellContext';

const KINDS: Readonly<Record<CompletionEntry['kind'], vscode.CompletionItemKind>> = {
  function: vscode.CompletionItemKind.Function,
  variable: vscode.CompletionItemKind.Variable,
  option: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
};

/** Completion in LossLab cells: functions with snippets, variables defined above, option keys and values. */
export class LossLabCompletionProvider implements vscode.CompletionItemProvider {
  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const { completeAt } = await analysis();
    const definitionsOf = await rememberedDefinitions(document);
    const result = completeAt(document.getText(), document.offsetAt(position), earlierCellTexts(document), definitionsOf);
    const range = rangeOf(document, result.start, result.end);
    return result.items.map((entry) => {
      const item = new vscode.CompletionItem(entry.label, KINDS[entry.kind]);
      item.insertText = entry.snippet ? new vscode.SnippetString(entry.insertText) : entry.insertText;
      item.detail = entry.detail;
      item.documentation = new vscode.MarkdownString(entry.documentation);
      item.sortText = entry.sortText;
      item.range = range;
      // After `key: ` the allowed values are the next thing to choose.
      if (entry.valuesFollow === true) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
      return item;
    });
  }
}

export function registerCompletion(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.languages.registerCompletionItemProvider(LOSSLAB_SELECTOR, new LossLabCompletionProvider(), '{', ','));
}
