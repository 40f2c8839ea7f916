import type * as vscode from 'vscode';
import { registerNotebookSerializer } from './notebook/registerSerializer';

export function activate(context: vscode.ExtensionContext): void {
  registerNotebookSerializer(context);
}

export function deactivate(): void {}
