import { suggestionBudget, suggestNames } from '../suggest';

/**
 * Names looked up by the strings that two deletions make of them (lower-cased), so that the names
 * within two edits of a misspelt one are found without comparing it with every name: two strings
 * within k edits (insertions, deletions, substitutions, swaps of neighbours) share a string that
 * at most k deletions make of each. A notebook whose cells each define a function and call an
 * unknown one made the "did you mean" of the editor's checks quadratic in the cells (issue 16).
 */
export class NameIndex {
  private readonly byVariant = new Map<string, string[]>();
  /** Names too long to index (their variants grow with the square of the length), with their lower-cased length: scanned. */
  private readonly long: [string, number][] = [];
  /** Each name's place in the list the suggestions are taken from, which breaks their ties. */
  private readonly places = new Map<string, number>();

  has(name: string): boolean {
    return this.places.has(name);
  }

  /** Adds a name at a place in the list; a name already in keeps its place. */
  add(name: string, place: number): void {
    if (this.places.has(name)) return;
    this.places.set(name, place);
    const lower = name.toLowerCase();
    if (lower.length > MAX_INDEXED) {
      this.long.push([name, lower.length]);
      return;
    }
    for (const variant of deletionVariants(lower, 2)) {
      const names = this.byVariant.get(variant);
      if (names === undefined) this.byVariant.set(variant, [name]);
      else names.push(name);
    }
  }

  /** Adds to `into` (name → place) every name of the index that may be within `budget` edits of `lower`, and more. */
  collect(lower: string, budget: number, into: Map<string, number>): void {
    if (lower.length <= MAX_INDEXED + budget) {
      for (const variant of deletionVariants(lower, budget)) {
        for (const name of this.byVariant.get(variant) ?? []) into.set(name, this.places.get(name) as number);
      }
    }
    for (const [name, length] of this.long) {
      if (Math.abs(length - lower.length) <= budget) into.set(name, this.places.get(name) as number);
    }
  }
}

/** Names longer than this (lower-cased) are not indexed: 32 characters make 529 variants. */
const MAX_INDEXED = 32;

/** The strings that up to `depth` deletions of single characters make of `text`, `text` included. */
function deletionVariants(text: string, depth: number): Set<string> {
  const all = new Set([text]);
  let level = [text];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const s of level) {
      for (let i = 0; i < s.length; i++) {
        const variant = s.slice(0, i) + s.slice(i + 1);
        if (!all.has(variant)) {
          all.add(variant);
          next.push(variant);
        }
      }
    }
    level = next;
  }
  return all;
}

/**
 * `suggestNames(name, list)` for the list the indexes hold together, each name at its place:
 * the candidates they give, in the list's order, scored as `suggestNames` scores them.
 */
export function suggestFromIndexes(name: string, indexes: readonly NameIndex[]): string[] {
  const candidates = new Map<string, number>();
  for (const index of indexes) index.collect(name.toLowerCase(), suggestionBudget(name), candidates);
  const inOrder = [...candidates].sort((a, b) => a[1] - b[1]).map(([candidate]) => candidate);
  return suggestNames(name, inOrder);
}
