import { definitionsIn, type Definition } from './definitions';
import type { CellDiagnostic } from './diagnostics';
import type { CellScope, KnownFunction } from './symbols';

/**
 * A cell's diagnostics remembered with what its check asked of the cells above it, so that the next
 * check of the notebook reuses them while the cell's text is the same and the same questions get
 * the same answers: an edit then costs a full check of the edited cell and a replay of the others'
 * questions, not a re-parse of the whole notebook (issue 16).
 */
interface RememberedCheck {
  /** Each question the check asked of its scope, in order, with the answer it got. */
  readonly questions: readonly Question[];
  readonly diagnostics: CellDiagnostic[];
}

type Question = readonly ['function' | 'defined' | 'variable' | 'suggestions', string, unknown];

/**
 * What of a function a cell's check reads, as a value that compares with `===`: a built-in one is
 * the same object in every check; a user's is rebuilt each time, and its signature says what the
 * check reads of it (its name and parameter count; its options are none).
 */
function functionAnswer(fn: KnownFunction | undefined): unknown {
  return fn?.origin === 'user' ? `user:${fn.signatures[0]}` : fn;
}

function answer(scope: CellScope, question: Question): unknown {
  const [kind, name] = question;
  if (kind === 'function') return functionAnswer(scope.functions.get(name));
  if (kind === 'defined') return scope.isDefined(name);
  if (kind === 'variable') return scope.isVariable(name);
  return scope.suggestFunctions(name).join('\n');
}

/** A scope that writes down every question asked of it. */
function recording(scope: CellScope, questions: Question[]): CellScope {
  const get = (name: string): KnownFunction | undefined => {
    const fn = scope.functions.get(name);
    questions.push(['function', name, functionAnswer(fn)]);
    return fn;
  };
  return {
    functions: { get, has: (name) => get(name) !== undefined },
    own: scope.own,
    isDefined: (name) => {
      const found = scope.isDefined(name);
      questions.push(['defined', name, found]);
      return found;
    },
    isVariable: (name) => {
      const found = scope.isVariable(name);
      questions.push(['variable', name, found]);
      return found;
    },
    suggestFunctions: (name) => {
      const names = scope.suggestFunctions(name);
      questions.push(['suggestions', name, names.join('\n')]);
      return names;
    },
  };
}

const MAX_PER_TEXT = 8;

/**
 * Cells' diagnostics by text, from one check of a notebook to the next. It keeps the checks of the
 * current and the last round (`endRound`), so deleted cells are forgotten after two rounds.
 */
export class CheckMemo {
  private previous = new Map<string, RememberedCheck[]>();
  private current = new Map<string, RememberedCheck[]>();

  /** `check(text, scope)`, or the remembered result of a check of the same text whose questions `scope` answers alike. */
  check(text: string, scope: CellScope, check: (text: string, scope: CellScope) => CellDiagnostic[]): CellDiagnostic[] {
    const candidates = [...(this.current.get(text) ?? []), ...(this.previous.get(text) ?? [])];
    let found = candidates.find((c) => c.questions.every((q) => answer(scope, q) === q[2]));
    if (found === undefined) {
      const questions: Question[] = [];
      found = { diagnostics: check(text, recording(scope, questions)), questions };
    }
    const kept = this.current.get(text) ?? [];
    if (!kept.includes(found)) {
      // A text repeated in many places with different answers keeps only its latest few checks, so the search stays short.
      if (kept.length >= MAX_PER_TEXT) kept.shift();
      kept.push(found);
    }
    this.current.set(text, kept);
    return found.diagnostics;
  }

  endRound(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

/** What the editor keeps of a check for the next: each cell text's definitions and diagnostics. */
export class NotebookMemo {
  readonly definitions = new DefinitionMemo();
  readonly checks = new CheckMemo();

  endRound(): void {
    this.definitions.endRound();
    this.checks.endRound();
  }
}

/**
 * `definitionsIn` remembered by cell text from one check to the next, so that a check after an edit
 * reads again only the cells whose text changed. It keeps the texts of the current and the last
 * round (`endRound`), so a notebook's deleted cells are forgotten after two checks.
 */
export class DefinitionMemo {
  private previous = new Map<string, readonly Definition[]>();
  private current = new Map<string, readonly Definition[]>();

  readonly of = (text: string, cell: number): Definition[] => {
    let found = this.current.get(text) ?? this.previous.get(text);
    if (found === undefined) found = definitionsIn(text, cell);
    this.current.set(text, found);
    // The same text may be another cell's: the definitions say which cell they are in.
    return found.map((d) => (d.cell === cell ? d : { ...d, cell }));
  };

  endRound(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}
