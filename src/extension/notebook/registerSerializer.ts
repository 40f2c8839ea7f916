import * as vscode from 'vscode';
import { DEFAULT_SAVE_POLICY, SAVE_OUTPUTS, type SaveOutputs, type SavePolicy } from '../../core/notebook/savePolicy';
import { LossLabNotebookSerializer, NOTEBOOK_TYPE } from './serializer';

/** Opens and saves `*.lossnb` files as LossLab notebooks. */
export function registerNotebookSerializer(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new LossLabNotebookSerializer(vscode, readSavePolicy), {
      transientOutputs: false,
    }),
  );
}

/** What a save keeps (settings losslab.notebook.saveOutputs and losslab.notebook.saveTimings), read at each save. */
export function readSavePolicy(): SavePolicy {
  const config = vscode.workspace.getConfiguration('losslab.notebook');
  const outputs = config.get<string>('saveOutputs');
  const timings = config.get<boolean>('saveTimings');
  return {
    outputs: SAVE_OUTPUTS.includes(outputs as SaveOutputs) ? (outputs as SaveOutputs) : DEFAULT_SAVE_POLICY.outputs,
    timings: typeof timings === 'boolean' ? timings : DEFAULT_SAVE_POLICY.timings,
  };
}
