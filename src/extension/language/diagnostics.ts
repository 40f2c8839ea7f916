import * as vscode from 'vscode';
import type { CellDiagnostic } from '../../core/language/analysis/diagnostics';
import { analysis, forgetNotebookMemo, notebookMemo, rememberedDefinitions } from './lazyAnalysis';
import { earlierCellTexts, isLossLab, losslabCells, notebookOf, rangeOf } from './cellContext';

/** How long typing must pause before a cell is checked again. */
const DEBOUNCE_MS = 250;
/**
 * How long a notebook's check holds the extension host's thread before it lets other work
 * (hovers, completion, other extensions) run: a check of 10⁴ cells takes over a second.
 */
const SLICE_MS = 30;

const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The checks of a LossLab cell or file, with the cells above it as context. */
export async function cellDiagnostics(document: vscode.TextDocument): Promise<CellDiagnostic[]> {
  const { validateCell } = await analysis();
  const definitionsOf = await rememberedDefinitions(document);
  return validateCell(document.getText(), earlierCellTexts(document), definitionsOf);
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
 * depend on the definitions above it, so a change re-checks the whole notebook, in one pass that
 * carries the definitions forward (`notebookDiagnostics`), in slices of the host's thread; a newer
 * check of the same notebook stops an older one.
 */
export function registerDiagnostics(context: vscode.ExtensionContext): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('losslab');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Each notebook's latest check: an older one that sees a newer number stops. */
  const generations = new Map<string, number>();

  const check = (document: vscode.TextDocument): void => {
    if (document.isClosed || !isLossLab(document)) return;
    // The text is read now; a check that finishes after the document closed is dropped.
    void cellDiagnostics(document).then((found) => {
      if (!document.isClosed) collection.set(document.uri, found.map((d) => toDiagnostic(document, d)));
    });
  };
  const checkNotebook = async (notebook: vscode.NotebookDocument): Promise<void> => {
    const key = notebook.uri.toString();
    const generation = (generations.get(key) ?? 0) + 1;
    generations.set(key, generation);
    // The texts are read now, as one snapshot of the notebook.
    const cells = losslabCells(notebook).map((cell) => ({ document: cell.document, text: cell.document.getText() }));
    const { notebookDiagnostics } = await analysis();
    const memo = await notebookMemo(key);
    if (generations.get(key) !== generation) return;
    const found = notebookDiagnostics(cells.map((cell) => cell.text), memo);
    let sliceStart = Date.now();
    for (const { document } of cells) {
      const next = found.next();
      if (next.done === true) break;
      if (!document.isClosed) collection.set(document.uri, next.value.map((d) => toDiagnostic(document, d)));
      if (Date.now() - sliceStart < SLICE_MS) continue;
      await yieldToHost();
      if (generations.get(key) !== generation || notebook.isClosed) return;
      sliceStart = Date.now();
    }
    memo.endRound();
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
    if (found !== undefined) schedule(found.notebook.uri.toString(), () => void checkNotebook(found.notebook));
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
      if (e.contentChanges.length > 0) schedule(e.notebook.uri.toString(), () => void checkNotebook(e.notebook));
    }),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => {
      clearTimeout(timers.get(notebook.uri.toString()));
      generations.delete(notebook.uri.toString());
      forgetNotebookMemo(notebook.uri.toString());
      for (const cell of notebook.getCells()) collection.delete(cell.document.uri);
    }),
    { dispose: () => timers.forEach((timer) => clearTimeout(timer)) },
  );
  for (const document of vscode.workspace.textDocuments) scheduleDocument(document);
  return collection;
}
