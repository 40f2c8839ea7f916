import type { NotebookMemo } from './checkMemo';
import { definitionsIn, type Definition } from './definitions';
import { NameIndex, suggestFromIndexes } from './nameIndex';
import { checkCell, type CellDiagnostic } from './diagnostics';
import { builtinFunctions, LOSSLAB_FUNCTIONS, userFunction, type CellScope, type KnownFunction } from './symbols';

let builtinPlaces: ReadonlyMap<string, number> | undefined;
let losslabIndex: NameIndex | undefined;

/** Each built-in function's place in a fresh function table (mathjs's, then LossLab's), and LossLab's names indexed at their places. */
function builtinSuggestions(): { places: ReadonlyMap<string, number>; losslab: NameIndex } {
  builtinPlaces ??= new Map([...builtinFunctions().keys()].map((name, place) => [name, place]));
  if (losslabIndex === undefined) {
    losslabIndex = new NameIndex();
    for (const f of LOSSLAB_FUNCTIONS) losslabIndex.add(f.name, builtinPlaces.get(f.name) as number);
  }
  return { places: builtinPlaces, losslab: losslabIndex };
}

/**
 * The names a notebook's cells define, carried forward cell by cell, so that each cell is checked
 * against its prefix without reading the cells above it again. The editor checks every cell on
 * each edit on the extension host's thread; reading the prefix per cell made that quadratic in the
 * cells (issue 16), which froze hovers and completion in a large or hostile notebook.
 */
export class NotebookPrefix {
  /** Built-in functions, then each function an added cell defines; the later definition wins, as at run time. */
  private readonly functions = builtinFunctions();
  private readonly defined = new Set<string>();
  private readonly variables = new Set<string>();
  /**
   * The functions the cells define that are not LossLab's, at their places in `functions`' order;
   * indexed only once a cell asks for a suggestion, as most checks never do.
   */
  private readonly userNames: [string, number][] = [];
  private readonly userNameSet = new Set<string>();
  private readonly userIndex = new NameIndex();
  private indexed = 0;
  private appended = 0;

  /**
   * The scope of the next cell, given its own definitions (its `definitionsIn`), in time linear in
   * those: the prefix is shared, not copied.
   */
  scopeOf(own: readonly Definition[]): CellScope {
    const ownFunctions = new Map<string, KnownFunction>();
    for (const d of own) if (d.kind === 'function') ownFunctions.set(d.name, userFunction(d, true));
    const ownNames = new Set(own.map((d) => d.name));
    const ownVariables = new Set(own.filter((d) => d.kind === 'variable').map((d) => d.name));
    const prefix = this.functions;
    const get = (name: string): KnownFunction | undefined => ownFunctions.get(name) ?? prefix.get(name);
    let ownIndex: NameIndex | undefined;
    return {
      functions: { get, has: (name) => get(name) !== undefined },
      own,
      isDefined: (name) => ownNames.has(name) || this.defined.has(name),
      isVariable: (name) => ownVariables.has(name) || this.variables.has(name),
      suggestFunctions: (name) => {
        ownIndex ??= this.ownIndex(ownFunctions);
        return suggestFromIndexes(name, [builtinSuggestions().losslab, this.indexedUserNames(), ownIndex]);
      },
    };
  }

  /** The index of the functions the cells added so far define, brought up to date. */
  private indexedUserNames(): NameIndex {
    for (; this.indexed < this.userNames.length; this.indexed++) this.userIndex.add(...this.userNames[this.indexed]);
    return this.userIndex;
  }

  /**
   * The cell's own functions that the table does not hold as non-mathjs ones yet, at the places a
   * whole table gives them: a mathjs name keeps its place, a new name follows the earlier cells' ones.
   */
  private ownIndex(ownFunctions: ReadonlyMap<string, KnownFunction>): NameIndex {
    const { places, losslab } = builtinSuggestions();
    const index = new NameIndex();
    let next = places.size + this.appended;
    for (const name of ownFunctions.keys()) {
      if (!losslab.has(name) && !this.userNameSet.has(name)) index.add(name, places.get(name) ?? next++);
    }
    return index;
  }

  /** Adds the next cell's definitions (those `scopeOf` was given), in time linear in them. */
  add(own: readonly Definition[]): void {
    for (const d of own) {
      this.defined.add(d.name);
      if (d.kind === 'variable') this.variables.add(d.name);
      else {
        this.functions.set(d.name, userFunction(d, false));
        const { places, losslab } = builtinSuggestions();
        if (!losslab.has(d.name) && !this.userNameSet.has(d.name)) {
          this.userNameSet.add(d.name);
          this.userNames.push([d.name, places.get(d.name) ?? places.size + this.appended++]);
        }
      }
    }
  }
}

/**
 * The diagnostics of every cell of a notebook, one cell at a time, in order: cell k's are
 * `validateCell(cells[k], cells.slice(0, k))`'s, in one pass over the cells. A generator, so that
 * the editor can hand its thread back between cells of a long notebook. With a `memo` kept from
 * one check to the next, a cell whose text and answers from the cells above are unchanged is not
 * read again; the caller ends the memo's round once the check is through.
 */
export function* notebookDiagnostics(cells: readonly string[], memo?: NotebookMemo): Generator<CellDiagnostic[], void, undefined> {
  const prefix = new NotebookPrefix();
  for (const [cell, text] of cells.entries()) {
    const own = memo === undefined ? definitionsIn(text, cell) : memo.definitions.of(text, cell);
    const scope = prefix.scopeOf(own);
    yield memo === undefined ? checkCell(text, scope) : memo.checks.check(text, scope, checkCell);
    prefix.add(own);
  }
}

/** The diagnostics of every cell of a notebook, in order (see `notebookDiagnostics`). */
export function validateNotebook(cells: readonly string[], memo?: NotebookMemo): CellDiagnostic[][] {
  return [...notebookDiagnostics(cells, memo)];
}
