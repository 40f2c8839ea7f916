import * as vscode from 'vscode';
import type { CellDiagnostic } from '../../core/language/analysis/diagnostics';
import { analysis } from './lazyAnalysis';
import { earlierCellTexts, isLossLab, notebookOf, rangeOf } from './cellContext';

/** How long typing must pause before a cell is checked again. */
const DEBOUNCE_MS = 250;

/** The checks of a LossLab cell or file, with the cells above it as context. */
export async function cellDiagnostics(document: vscode.TextDocument): Promise<CellDiagnostic[]> {
  const { validateCell } = await analysis();
  return validateCell(document.getText(), earlierCellTexts(document));
}

export function toDiagnostic(document: vscode.TextDocument, d: CellDiagnostic): vscode.Diagnostic {
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const diagnostic = new vscode.Diagnostic(rangeOf(document, d.start, d.end), d.message, severity);
  diagnostic.code = d.code;
  diagnostic.source = 'losslab';
  return diagnostic;
}

/**
 * Keeps a diagnostic collection in step with LossLab cells as they are typed. A cell's checks
 * depend on the definitions above it, so a change re-checks the whole notebook.
 */
export function registerDiagnostics(context: vscode.ExtensionContext): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('losslab');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const check = (document: vscode.TextDocument): void => {
    if (document.isClosed || !isLossLab(document)) return;
    // The text is read now; a check that finishes after the document closed is dropped.
    void cellDiagnostics(document).then((found) => {
      if (!document.isClosed) collection.set(document.uri, found.map((d) => toDiagnostic(document, d)));
    });
  };
  const checkNotebook = (notebook: vscode.NotebookDocument): void => {
    for (const cell of notebook.getCells()) check(cell.document);
  };
  const schedule = (key: string, run: () => void): void => {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      run();
    }, DEBOUNCE_MS));
  };
  const scheduleDocument = (document: vscode.TextDocument): void => {
    if (!isLossLab(document)) return;
    const found = notebookOf(document);
    if (found !== undefined) schedule(found.notebook.uri.toString(), () => checkNotebook(found.notebook));
    else schedule(document.uri.toString(), () => check(document));
  };

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidChangeTextDocument((e) => scheduleDocument(e.document)),
    vscode.workspace.onDidOpenTextDocument(scheduleDocument),
    vscode.workspace.onDidCloseTextDocument((document) => {
      clearTimeout(timers.get(document.uri.toString()));
      collection.delete(document.uri);
    }),
    vscode.workspace.onDidChangeNotebookDocument((e) => {
      if (e.contentChanges.length > 0) schedule(e.notebook.uri.toString(), () => checkNotebook(e.notebook));
    }),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => {
      clearTimeout(timers.get(notebook.uri.toString()));
      for (const cell of notebook.getCells()) collection.delete(cell.document.uri);
    }),
    { dispose: () => timers.forEach((timer) => clearTimeout(timer)) },
  );
  for (const document of vscode.workspace.textDocuments) scheduleDocument(document);
  return collection;
}
