import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ValueSummary } from '../../core/language/values';
import { NOTEBOOK_TYPE } from './serializer';
import { DEFAULT_INTERRUPT_GRACE_MS, DEFAULT_KERNEL_SETTINGS, KernelProcess, type KernelSettings } from '../../node/kernel/process';
import type { LoadProgress } from '../../node/kernel/protocol';
import { itemsToNotebookOutput, settingsRestartItems, toNotebookOutput, untrustedOutput } from './outputs';

/**
 * The LossLab notebook kernel: a NotebookController for `losslab` notebooks that runs each
 * notebook's cells in its own kernel (KernelProcess: a separate process, never the extension
 * host's thread), one cell at a time, with execution order, run-all, interrupt and cancellation,
 * time and memory limits read from the settings at execution time, and nothing at all in an
 * untrusted workspace.
 */

const CONTROLLER_ID = 'losslab-kernel';
const LANGUAGE_ID = 'losslab';
export const RESTART_COMMAND = 'losslab.kernel.restart';
export const INTERRUPT_COMMAND = 'losslab.kernel.interrupt';

/** The kernel settings as they are now (losslab.kernel.*), with the documented defaults. */
export function readKernelSettings(): KernelSettings {
  const config = vscode.workspace.getConfiguration('losslab.kernel');
  const positive = (key: string, fallback: number): number => {
    const value = config.get<number>(key);
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    timeLimitMs: positive('timeLimitSeconds', DEFAULT_KERNEL_SETTINGS.timeLimitMs / 1000) * 1000,
    memoryLimitMb: Math.max(64, Math.round(positive('memoryLimitMb', DEFAULT_KERNEL_SETTINGS.memoryLimitMb))),
    elementCap: Math.round(positive('elementCap', DEFAULT_KERNEL_SETTINGS.elementCap)),
    binConvention: vscode.workspace.getConfiguration('losslab.dfl').get<string>('binConvention') === 'ultralytics' ? 'ultralytics' : 'mmdetection',
    interruptGraceMs: nonNegative(config.get<number>('interruptGraceSeconds'), DEFAULT_INTERRUPT_GRACE_MS / 1000) * 1000,
  };
}

/** A setting where 0 is meaningful (no grace: an interrupt terminates the kernel at once). */
function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** The button of the notification that follows a memory-limit stop. */
export const RERUN_ABOVE = 'Re-run Cells Above';

/** The folder `load("x.npz")` resolves against: the notebook's own, else the first workspace folder. */
function notebookFolder(notebook: vscode.NotebookDocument): string | undefined {
  if (notebook.uri.scheme === 'file') return path.dirname(notebook.uri.fsPath);
  const workspace = vscode.workspace.getWorkspaceFolder(notebook.uri) ?? vscode.workspace.workspaceFolders?.[0];
  return workspace?.uri.scheme === 'file' ? workspace.uri.fsPath : undefined;
}

/** The workspace folder holding the notebook, which `load` may read from while the workspace is untrusted. */
function workspaceFolder(notebook: vscode.NotebookDocument): string[] {
  const workspace = vscode.workspace.getWorkspaceFolder(notebook.uri);
  return workspace?.uri.scheme === 'file' ? [workspace.uri.fsPath] : [];
}

/** Shows "loading x.npz" with a progress bar while a large file is read; cancelling interrupts. */
class LoadProgressView {
  private report: ((progress: LoadProgress) => void) | undefined;
  private finish: (() => void) | undefined;
  private shown = 0;

  constructor(private readonly kernel: KernelProcess) {}

  update(progress: LoadProgress): void {
    if (this.report === undefined) {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `LossLab: reading ${progress.path}`, cancellable: true },
        (bar, token) =>
          new Promise<void>((resolve) => {
            token.onCancellationRequested(() => this.kernel.interrupt());
            this.finish = resolve;
            this.report = (p) => {
              const percent = p.totalBytes === 0 ? 100 : (100 * p.loadedBytes) / p.totalBytes;
              bar.report({ increment: percent - this.shown, message: `${(p.loadedBytes / 2 ** 20).toFixed(0)} of ${(p.totalBytes / 2 ** 20).toFixed(0)} MB` });
              this.shown = percent;
              if (p.loadedBytes >= p.totalBytes) this.close();
            };
            this.report(progress);
          }),
      );
      return;
    }
    this.report(progress);
  }

  close(): void {
    this.finish?.();
    this.report = undefined;
    this.finish = undefined;
    this.shown = 0;
  }
}

/** One open notebook's kernel and execution state. */
interface NotebookKernel {
  readonly kernel: KernelProcess;
  executionOrder: number;
  /** Batches of cells run one after another, in the order VS Code asked for them. */
  queue: Promise<void>;
  /** Bumped by an interrupt: cells of earlier batches that have not started are skipped. */
  generation: number;
}

class LossLabKernelController implements vscode.Disposable, KernelVariables {
  private readonly controller: vscode.NotebookController;
  private readonly kernels = new Map<string, NotebookKernel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly variablesChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChangeVariables = this.variablesChanged.event;

  variables(notebookUri: string): Promise<{ name: string; summary: ValueSummary }[]> | undefined {
    return this.kernels.get(notebookUri)?.kernel.variables();
  }

  constructor(private readonly workerFile: string) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'LossLab');
    this.controller.supportedLanguages = [LANGUAGE_ID];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'Runs LossLab cells in a separate process';
    this.updateTrustDetail();
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.interrupt(notebook);
    this.disposables.push(
      this.controller,
      this.variablesChanged,
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.updateTrustDetail();
        for (const { kernel } of this.kernels.values()) kernel.setTrusted(true);
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        const entry = this.kernels.get(notebook.uri.toString());
        this.kernels.delete(notebook.uri.toString());
        void entry?.kernel.dispose();
      }),
      vscode.commands.registerCommand(RESTART_COMMAND, (arg?: { notebookEditor?: { notebookUri?: vscode.Uri } } | vscode.Uri) => this.restart(arg)),
      vscode.commands.registerCommand(INTERRUPT_COMMAND, () => {
        const notebook = vscode.window.activeNotebookEditor?.notebook;
        if (notebook !== undefined) this.interrupt(notebook);
      }),
    );
  }

  dispose(): void {
    for (const { kernel } of this.kernels.values()) void kernel.dispose();
    this.kernels.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private updateTrustDetail(): void {
    this.controller.detail = vscode.workspace.isTrusted ? undefined : 'Restricted Mode: cells do not run until the workspace is trusted';
  }

  private kernelFor(notebook: vscode.NotebookDocument): NotebookKernel {
    const key = notebook.uri.toString();
    let entry = this.kernels.get(key);
    if (entry === undefined) {
      const kernel = new KernelProcess({ workerFile: this.workerFile, folder: notebookFolder(notebook), allowedFolders: workspaceFolder(notebook), trusted: vscode.workspace.isTrusted });
      const created: NotebookKernel = { kernel, executionOrder: 0, queue: Promise.resolve(), generation: 0 };
      // A reset scope starts counting again, as Jupyter does after a restart.
      kernel.onDidReset = () => {
        created.executionOrder = 0;
        this.variablesChanged.fire(notebook.uri);
      };
      this.kernels.set(key, created);
      entry = created;
    }
    return entry;
  }

  private execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    if (!vscode.workspace.isTrusted) return this.refuseUntrusted(cells);
    const entry = this.kernelFor(notebook);
    const generation = entry.generation;
    // Created at once, so that every cell of a run-all shows as queued.
    const executions = cells.flatMap((cell) => {
      try {
        return [this.controller.createNotebookCellExecution(cell)];
      } catch {
        return []; // Already queued or running.
      }
    });
    const batch = entry.queue.then(() => this.runBatch(entry, executions, generation));
    entry.queue = batch.catch(() => undefined);
    return batch;
  }

  /** Runs cells in order; a stop or an error leaves the rest of the batch unrun, as Jupyter does. */
  private async runBatch(entry: NotebookKernel, executions: vscode.NotebookCellExecution[], generation: number): Promise<void> {
    let proceed = true;
    for (const execution of executions) {
      if (!proceed || entry.generation !== generation || execution.token.isCancellationRequested) {
        execution.end(undefined);
        continue;
      }
      proceed = await this.runCell(entry, execution);
    }
  }

  private async runCell(entry: NotebookKernel, execution: vscode.NotebookCellExecution): Promise<boolean> {
    const { kernel } = entry;
    execution.executionOrder = ++entry.executionOrder;
    execution.start(Date.now());
    await execution.clearOutput();
    const progress = new LoadProgressView(kernel);
    const cancel = execution.token.onCancellationRequested(() => {
      entry.generation++;
      kernel.interrupt();
    });
    try {
      const outcome = await kernel.run(execution.cell.document.getText(), readKernelSettings(), (p) => progress.update(p));
      // A restart to apply new settings reset the count before this cell ran.
      if (outcome.kind === 'completed' && outcome.restartedForSettings) execution.executionOrder = ++entry.executionOrder;
      const memoryStop = outcome.kind === 'stopped' && outcome.reason === 'memory-limit' && execution.cell.index > 0;
      const shown = memoryStop ? outcome.outputs.map((output) => (output.kind === 'error' ? { ...output, message: `${output.message} The notification's “${RERUN_ABOVE}” does that in one click.` } : output)) : outcome.outputs;
      const outputs = shown.map((output) => toNotebookOutput(vscode, output));
      if (memoryStop) void this.offerRerunAbove(execution.cell);
      if (outcome.kind === 'completed' && outcome.restartedForSettings) outputs.unshift(itemsToNotebookOutput(vscode, settingsRestartItems()));
      await execution.replaceOutput(outputs);
      const success = outcome.kind === 'completed' && outcome.outputs.every((output) => output.kind !== 'error');
      execution.end(success, Date.now());
      return success;
    } finally {
      progress.close();
      cancel.dispose();
      this.variablesChanged.fire(execution.cell.notebook.uri);
    }
  }

  /**
   * A memory-limit stop reset the scope, and the cells above are what rebuilt it: one click runs
   * them again (a batch, so the first error stops it, as Run All does).
   */
  private async offerRerunAbove(cell: vscode.NotebookCell): Promise<void> {
    const choice = await vscode.window.showErrorMessage(
      `LossLab: cell ${cell.index + 1} needed more memory than the kernel's limit (losslab.kernel.memoryLimitMb); the kernel was restarted and the scope is empty.`,
      RERUN_ABOVE,
    );
    if (choice !== RERUN_ABOVE || cell.notebook.isClosed) return;
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: cell.index }], document: cell.notebook.uri });
  }

  private async refuseUntrusted(cells: vscode.NotebookCell[]): Promise<void> {
    for (const cell of cells) {
      const execution = this.controller.createNotebookCellExecution(cell);
      execution.start(Date.now());
      await execution.replaceOutput([toNotebookOutput(vscode, untrustedOutput())]);
      execution.end(false, Date.now());
    }
    const manage = 'Manage Workspace Trust';
    const choice = await vscode.window.showWarningMessage('LossLab does not run cells in an untrusted workspace.', manage);
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  }

  private interrupt(notebook: vscode.NotebookDocument): void {
    const entry = this.kernels.get(notebook.uri.toString());
    if (entry === undefined) return;
    entry.generation++;
    entry.kernel.interrupt();
  }

  private async restart(arg?: { notebookEditor?: { notebookUri?: vscode.Uri } } | vscode.Uri): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : arg?.notebookEditor?.notebookUri ?? vscode.window.activeNotebookEditor?.notebook.uri;
    const entry = uri === undefined ? undefined : this.kernels.get(uri.toString());
    if (entry === undefined) return;
    entry.generation++;
    await entry.kernel.restart();
    void vscode.window.showInformationMessage('LossLab kernel restarted: the scope is empty; re-run the cells you need.');
  }
}

/**
 * Registers the LossLab notebook kernel. The kernel entry is the bundle dist/kernelWorker.js,
 * next to dist/extension.js (esbuild entry src/node/kernel/worker.ts, Node CJS).
 */
export function registerNotebookKernel(context: vscode.ExtensionContext): KernelVariables {
  const controller = new LossLabKernelController(path.join(__dirname, 'kernelWorker.js'));
  context.subscriptions.push(controller);
  return controller;
}

/** What other features (the variable hover, the Variables view) may ask of the running kernels. */
export interface KernelVariables {
  /** The scope's variables of a notebook's kernel; undefined when that notebook has none yet. */
  variables(notebookUri: string): Promise<{ name: string; summary: ValueSummary }[]> | undefined;
  /** Fires with a notebook's uri after each of its cells ends and after its scope is reset. */
  readonly onDidChangeVariables: vscode.Event<vscode.Uri>;
}
