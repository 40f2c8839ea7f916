import * as vscode from 'vscode';
import type { KernelVariables } from '../notebook/controller';
import { NOTEBOOK_TYPE } from '../notebook/serializer';
import { variableRows, type VariableRow } from './variableRows';

/**
 * The LossLab Variables view (Explorer): the variables of the active LossLab notebook's kernel,
 * one row each with kind, shape, dtype and min/mean/max, expandable into detail rows. It asks the
 * kernel again after every cell of that notebook ends, after a restart, and when another notebook
 * becomes active. A TreeView, because the notebook variables API is proposed API that a published
 * extension cannot use.
 */
export const VARIABLES_VIEW = 'losslab.variables';
export const SHOW_VARIABLES_COMMAND = 'losslab.variables.show';
export const REFRESH_VARIABLES_COMMAND = 'losslab.variables.refresh';
/** Context key that shows the view while a LossLab notebook is open. */
const NOTEBOOK_OPEN_CONTEXT = 'losslab.notebookOpen';

type Node = { readonly row: VariableRow } | { readonly parent: VariableRow; readonly detail: readonly [string, string] };

const ICONS: Record<string, string> = {
  tensor: 'symbol-array',
  number: 'symbol-number',
  boolean: 'symbol-boolean',
  string: 'symbol-string',
  object: 'symbol-object',
};

class VariablesProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows: VariableRow[] = [];
  /** Bumped by each refresh, so that an older answer arriving late does not overwrite a newer one. */
  private generation = 0;
  notebook: vscode.NotebookDocument | undefined;

  constructor(private readonly kernels: KernelVariables) {}

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const pending = this.notebook === undefined ? undefined : this.kernels.variables(this.notebook.uri.toString());
    const variables = pending === undefined ? [] : await pending.catch(() => []);
    if (generation !== this.generation) return;
    this.rows = variableRows(variables);
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (node === undefined) return this.rows.map((row) => ({ row }));
    return 'row' in node ? node.row.details.map((detail) => ({ parent: node.row, detail })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('detail' in node) {
      const [label, value] = node.detail;
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.description = value;
      item.tooltip = `${node.parent.name}: ${label} ${value}`;
      item.id = `${node.parent.name}\u0000${label}`;
      return item;
    }
    const { row } = node;
    const item = new vscode.TreeItem(row.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.description = row.description;
    item.tooltip = new vscode.MarkdownString(row.tooltip);
    item.iconPath = new vscode.ThemeIcon(ICONS[row.details[0]?.[1] ?? ''] ?? 'symbol-variable');
    item.id = row.name;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerVariablesView(context: vscode.ExtensionContext, kernels: KernelVariables): void {
  const provider = new VariablesProvider(kernels);
  const view = vscode.window.createTreeView(VARIABLES_VIEW, { treeDataProvider: provider });
  const isLossLab = (notebook: vscode.NotebookDocument | undefined): notebook is vscode.NotebookDocument => notebook?.notebookType === NOTEBOOK_TYPE;

  /** Shows the active LossLab notebook's variables; keeps the last one while another editor is active. */
  const follow = (): void => {
    const active = vscode.window.activeNotebookEditor?.notebook;
    if (isLossLab(active)) provider.notebook = active;
    else if (provider.notebook?.isClosed) provider.notebook = undefined;
    view.description = provider.notebook?.uri.path.split('/').pop();
    void provider.refresh();
  };
  const updateContext = (): void => {
    void vscode.commands.executeCommand('setContext', NOTEBOOK_OPEN_CONTEXT, vscode.workspace.notebookDocuments.some(isLossLab));
  };

  context.subscriptions.push(
    provider,
    view,
    vscode.window.onDidChangeActiveNotebookEditor(follow),
    vscode.workspace.onDidOpenNotebookDocument(updateContext),
    vscode.workspace.onDidCloseNotebookDocument(() => {
      updateContext();
      follow();
    }),
    kernels.onDidChangeVariables((uri) => {
      if (uri.toString() === provider.notebook?.uri.toString()) void provider.refresh();
    }),
    view.onDidChangeVisibility(({ visible }) => {
      if (visible) void provider.refresh();
    }),
    vscode.commands.registerCommand(SHOW_VARIABLES_COMMAND, () => vscode.commands.executeCommand(`${VARIABLES_VIEW}.focus`)),
    vscode.commands.registerCommand(REFRESH_VARIABLES_COMMAND, () => provider.refresh()),
  );
  updateContext();
  follow();
}
