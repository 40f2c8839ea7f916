import type * as vscode from 'vscode';
import { registerExportHtml } from './commands/exportHtml';
import { registerOpenInLossLab } from './commands/openInLossLab';
import { registerCodeActions } from './language/codeActions';
import { registerCompletion } from './language/completion';
import { registerDiagnostics } from './language/diagnostics';
import { registerHover } from './language/hover';
import { registerSignatureHelp } from './language/signatureHelp';
import { registerNotebookKernel } from './notebook/controller';
import { registerNotebookSerializer } from './notebook/registerSerializer';
import { registerRendererMessaging } from './renderer/messaging';
import { registerVariablesView } from './variables/variablesView';

export function activate(context: vscode.ExtensionContext): void {
  registerNotebookSerializer(context);
  const kernels = registerNotebookKernel(context);
  registerHover(context, kernels);
  registerOpenInLossLab(context);
  registerRendererMessaging(context);
  registerCompletion(context);
  registerSignatureHelp(context);
  registerDiagnostics(context);
  registerCodeActions(context);
  registerVariablesView(context, kernels);
  registerExportHtml(context);
}

export function deactivate(): void {}
