import * as vscode from 'vscode';
import { analysis, rememberedDefinitions } from './lazyAnalysis';
import { earlierCellTexts, LOSSLAB_SELECTOR } from './cellContext';

/** Parameter hints while a call is typed; the option object is the last parameter. */
export class LossLabSignatureHelpProvider implements vscode.SignatureHelpProvider {
  async provideSignatureHelp(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.SignatureHelp | undefined> {
    const { signatureHelpAt } = await analysis();
    const definitionsOf = await rememberedDefinitions(document);
    const result = signatureHelpAt(document.getText(), document.offsetAt(position), earlierCellTexts(document), definitionsOf);
    if (result === undefined) return undefined;
    const help = new vscode.SignatureHelp();
    help.signatures = result.signatures.map((s) => {
      const signature = new vscode.SignatureInformation(s.label, new vscode.MarkdownString(s.documentation));
      signature.parameters = s.parameters.map((p) => new vscode.ParameterInformation([p.start, p.end], p.documentation === '' ? undefined : new vscode.MarkdownString(p.documentation)));
      return signature;
    });
    help.activeSignature = result.activeSignature;
    help.activeParameter = result.activeParameter;
    return help;
  }
}

export function registerSignatureHelp(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.languages.registerSignatureHelpProvider(LOSSLAB_SELECTOR, new LossLabSignatureHelpProvider(), {
      triggerCharacters: ['(', ','],
      retriggerCharacters: ['{', ')'],
    }),
  );
}
