import type * as vscode from 'vscode';
import { registerCodeActions } from './language/codeActions';
import { registerCompletion } from './language/completion';
import { registerDiagnostics } from './language/diagnostics';
import { registerSignatureHelp } from './language/signatureHelp';
import { registerNotebookKernel } from './notebook/controller';
import { registerNotebookSerializer } from './notebook/registerSerializer';

export function activate(context: vscode.ExtensionContext): void {
  registerNotebookSerializer(context);
  registerNotebookKernel(context);
  registerCompletion(context);
  registerSignatureHelp(context);
  registerDiagnostics(context);
  registerCodeActions(context);
}

export function deactivate(): void {}
