import * as vscode from 'vscode';
import { cellDiagnostics, toDiagnostic } from './diagnostics';
import { LOSSLAB_SELECTOR, rangeOf } from './cellContext';

/** Quick fixes for the diagnostics that have an obvious correction: a misspelt function, option or value. */
export class LossLabCodeActionProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    // Recomputed rather than looked up: diagnostics reach this provider as copies without the fixes.
    for (const d of await cellDiagnostics(document)) {
      if (d.fixes.length === 0 || rangeOf(document, d.start, d.end).intersection(range) === undefined) continue;
      d.fixes.forEach((fix, i) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, rangeOf(document, fix.start, fix.end), fix.newText);
        action.diagnostics = [toDiagnostic(document, d)];
        action.isPreferred = i === 0;
        actions.push(action);
      });
    }
    return actions;
  }
}

export function registerCodeActions(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(LOSSLAB_SELECTOR, new LossLabCodeActionProvider(), {
      providedCodeActionKinds: LossLabCodeActionProvider.providedCodeActionKinds,
    }),
  );
}
