import type * as vscode from 'vscode';
import { registerNotebookKernel } from './notebook/controller';
import { registerNotebookSerializer } from './notebook/registerSerializer';

export function activate(context: vscode.ExtensionContext): void {
  registerNotebookSerializer(context);
  registerNotebookKernel(context);
}

export function deactivate(): void {}
