import type * as vscode from 'vscode';
import { InputError } from '../../core/errors';
import {
  CODE_LANGUAGE,
  MARKDOWN_LANGUAGE,
  parseNotebook,
  serializeNotebook,
  type CellModel,
  type ExecutionModel,
  type JsonObject,
  type JsonValue,
  type NotebookModel,
  type OutputModel,
} from '../../core/notebook/format';
import { applySavePolicy, type SavePolicy } from '../../core/notebook/savePolicy';

/**
 * The VS Code side of the `.lossnb` format: maps the pure model of src/core/notebook/format.ts
 * to and from `vscode.NotebookData`. All parsing, validation and layout live in the core.
 *
 * VS Code has no place for fields the format does not know, so they travel in the metadata of
 * the notebook, cell or output under the reserved key `PRESERVED_KEY` and are taken out again on
 * save. The key is only added when there is something to preserve.
 */

/** The notebook type to register and to name in `contributes.notebooks`. */
export const NOTEBOOK_TYPE = 'losslab';

/** The metadata key that carries unknown fields through VS Code; a file may not use it itself. */
export const PRESERVED_KEY = 'losslab:preserved';

/**
 * The few `vscode` constructors the serializer needs. The extension passes the `vscode` module
 * itself; tests pass a stand-in, so this file never loads `vscode` at run time.
 */
export interface VscodeNotebookApi {
  readonly NotebookCellKind: { readonly Markup: vscode.NotebookCellKind; readonly Code: vscode.NotebookCellKind };
  readonly NotebookData: new (cells: vscode.NotebookCellData[]) => vscode.NotebookData;
  readonly NotebookCellData: new (kind: vscode.NotebookCellKind, value: string, languageId: string) => vscode.NotebookCellData;
  readonly NotebookCellOutput: new (items: vscode.NotebookCellOutputItem[], metadata?: Record<string, unknown>) => vscode.NotebookCellOutput;
  readonly NotebookCellOutputItem: new (data: Uint8Array, mime: string) => vscode.NotebookCellOutputItem;
}

/** What a cell's preserved entry holds: unknown fields of the cell, its execution and timing. */
interface CellPreserved {
  fields?: JsonObject;
  execution?: JsonObject;
  timing?: JsonObject;
}

/** What an output's preserved entry holds: its unknown fields, and each item's by index. */
interface OutputPreserved {
  fields?: JsonObject;
  items?: JsonObject[];
}

/**
 * Reads and writes `.lossnb` files for VS Code. Register it with
 * `vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new LossLabNotebookSerializer(vscode))`.
 *
 * `deserializeNotebook` throws (and VS Code then shows the error instead of opening the
 * notebook) for a file that is not UTF-8, not valid JSON, of an unknown version or malformed;
 * only an empty file opens as a new, empty notebook.
 */
export class LossLabNotebookSerializer implements vscode.NotebookSerializer {
  /**
   * `savePolicy`, read at each save, says what the file keeps of the runs (the extension reads it
   * from the settings); without one, every field is written as the editor holds it.
   */
  constructor(
    private readonly api: VscodeNotebookApi,
    private readonly savePolicy?: () => SavePolicy,
  ) {}

  deserializeNotebook(content: Uint8Array, _token?: vscode.CancellationToken): vscode.NotebookData {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      throw new InputError('deserializeNotebook', 'the file', 'UTF-8 text', 'bytes that are not valid UTF-8');
    }
    return this.toNotebookData(parseNotebook(text));
  }

  serializeNotebook(data: vscode.NotebookData, _token?: vscode.CancellationToken): Uint8Array {
    const model = this.toModel(data);
    return new TextEncoder().encode(serializeNotebook(this.savePolicy === undefined ? model : applySavePolicy(model, this.savePolicy())));
  }

  /** Pure model → VS Code, stashing unknown fields in metadata. */
  toNotebookData(model: NotebookModel): vscode.NotebookData {
    const data = new this.api.NotebookData(model.cells.map((cell, i) => this.toCellData(cell, `cells[${i}]`)));
    data.metadata = withPreserved(model.metadata, 'metadata', nonEmpty({ fields: nonEmpty(model.extra) }));
    return data;
  }

  /** VS Code → pure model, taking the stashed unknown fields back out of metadata. */
  toModel(data: vscode.NotebookData): NotebookModel {
    const [metadata, preserved] = splitPreserved(data.metadata);
    return { metadata, cells: data.cells.map((cell) => this.toCellModel(cell)), extra: objectAt(preserved, 'fields') };
  }

  private toCellData(cell: CellModel, path: string): vscode.NotebookCellData {
    const { Code, Markup } = this.api.NotebookCellKind;
    const data = new this.api.NotebookCellData(cell.kind === 'code' ? Code : Markup, cell.source, cell.language);
    const execution = cell.execution;
    data.metadata = withPreserved(
      cell.metadata,
      `${path}.metadata`,
      nonEmpty({ fields: nonEmpty(cell.extra), execution: nonEmpty(execution?.extra), timing: nonEmpty(execution?.timing?.extra) }),
    );
    data.outputs = cell.outputs.map((output, i) => this.toOutput(output, `${path}.outputs[${i}]`));
    if (execution !== undefined) {
      const { executionOrder, success, timing } = execution;
      data.executionSummary = {
        ...(executionOrder !== undefined && { executionOrder }),
        ...(success !== undefined && { success }),
        ...(timing !== undefined && { timing: { startTime: timing.startTime, endTime: timing.endTime } }),
      };
    }
    return data;
  }

  private toOutput(output: OutputModel, path: string): vscode.NotebookCellOutput {
    const items = output.items.map((item) => new this.api.NotebookCellOutputItem(item.data, item.mime));
    const itemExtras = output.items.some((item) => nonEmpty(item.extra) !== undefined) ? output.items.map((item) => item.extra) : undefined;
    return new this.api.NotebookCellOutput(
      items,
      withPreserved(output.metadata, `${path}.metadata`, nonEmpty({ fields: nonEmpty(output.extra), items: itemExtras })),
    );
  }

  private toCellModel(cell: vscode.NotebookCellData): CellModel {
    const kind = cell.kind === this.api.NotebookCellKind.Code ? 'code' : 'markdown';
    const [metadata, preserved] = splitPreserved(cell.metadata);
    const result: CellModel = {
      kind,
      language: cell.languageId || (kind === 'code' ? CODE_LANGUAGE : MARKDOWN_LANGUAGE),
      source: cell.value,
      metadata,
      outputs: (cell.outputs ?? []).map(toOutputModel),
      extra: objectAt(preserved, 'fields'),
    };
    const execution = toExecutionModel(cell.executionSummary, preserved);
    if (execution !== undefined) result.execution = execution;
    return result;
  }
}

function toOutputModel(output: vscode.NotebookCellOutput): OutputModel {
  const [metadata, preserved] = splitPreserved(output.metadata);
  const itemExtras = Array.isArray(preserved.items) ? preserved.items : [];
  return {
    items: output.items.map((item, i) => ({ mime: item.mime, data: item.data, extra: objectAt(itemExtras, i) })),
    metadata,
    extra: objectAt(preserved, 'fields'),
  };
}

/**
 * VS Code reports a never-run cell as a summary whose fields are all undefined: that is no
 * execution at all, unless unknown execution fields were preserved for it.
 */
function toExecutionModel(summary: vscode.NotebookCellExecutionSummary | undefined, preserved: JsonObject): ExecutionModel | undefined {
  const result: ExecutionModel = { extra: objectAt(preserved, 'execution') };
  if (typeof summary?.executionOrder === 'number' && Number.isFinite(summary.executionOrder)) result.executionOrder = summary.executionOrder;
  if (typeof summary?.success === 'boolean') result.success = summary.success;
  const timing = summary?.timing;
  if (timing !== undefined && Number.isFinite(timing.startTime) && Number.isFinite(timing.endTime)) {
    result.timing = { startTime: timing.startTime, endTime: timing.endTime, extra: objectAt(preserved, 'timing') };
  }
  const empty = result.executionOrder === undefined && result.success === undefined && result.timing === undefined;
  return empty && Object.keys(result.extra).length === 0 ? undefined : result;
}

/** The file's metadata plus the preserved entry; refuses a file that uses the reserved key itself. */
function withPreserved(metadata: JsonObject, path: string, preserved: CellPreserved | OutputPreserved | undefined): JsonObject {
  if (Object.prototype.hasOwnProperty.call(metadata, PRESERVED_KEY)) {
    throw new InputError('deserializeNotebook', `${path}["${PRESERVED_KEY}"]`, 'absent (LossLab reserves this metadata key)', 'present');
  }
  if (preserved === undefined) return metadata;
  return { ...metadata, [PRESERVED_KEY]: preserved as JsonObject };
}

/** VS Code metadata → [the file's metadata as plain JSON, the preserved entry or {}]. */
function splitPreserved(metadata: { [key: string]: unknown } | undefined): [JsonObject, JsonObject] {
  if (metadata === undefined) return [{}, {}];
  // A JSON round trip turns whatever extensions stored (undefined, Dates, class instances) into what the file will hold.
  const plain = JSON.parse(JSON.stringify(metadata)) as JsonObject;
  const preserved = plain[PRESERVED_KEY];
  delete plain[PRESERVED_KEY];
  return [plain, isObject(preserved) ? preserved : {}];
}

function objectAt(container: JsonObject | JsonValue[], key: string | number): JsonObject {
  const value = (container as Record<string | number, JsonValue | undefined>)[key];
  return isObject(value) ? value : {};
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object without its undefined entries, or undefined when nothing is left. */
function nonEmpty<T extends object>(object: T | undefined): T | undefined {
  if (object === undefined) return undefined;
  const keys = Object.keys(object).filter((key) => (object as Record<string, unknown>)[key] !== undefined);
  if (keys.length === 0) return undefined;
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    // defineProperty, because assigning a `__proto__` field would set the prototype instead.
    Object.defineProperty(result, key, { value: (object as Record<string, unknown>)[key], enumerable: true, writable: true, configurable: true });
  }
  return result as T;
}
