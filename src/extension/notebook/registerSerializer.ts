import * as vscode from 'vscode';
import { LossLabNotebookSerializer, NOTEBOOK_TYPE } from './serializer';

/** Opens and saves `*.lossnb` files as LossLab notebooks. */
export function registerNotebookSerializer(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new LossLabNotebookSerializer(vscode), {
      transientOutputs: false,
    }),
  );
}
