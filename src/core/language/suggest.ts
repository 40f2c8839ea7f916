/** Edit distance with a cap, for "did you mean" suggestions on misspelt names. */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  // A swap reaches back two rows, so keep the row before the previous one too.
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      // A swap of two neighbours (qlf for qfl) counts as one edit.
      const transposition =
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? beforePrevious[j - 2] + 1 : Infinity;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution, transposition);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > cap) return cap + 1;
    beforePrevious = previous;
    previous = current;
  }
  return Math.min(previous[b.length], cap + 1);
}

/** How many edits a suggestion for `name` may be away: fewer for short names. */
export const suggestionBudget = (name: string): number => (name.length <= 3 ? 1 : 2);

/** The known names closest to `name` (at most two edits, fewer for short names), best first. */
export function suggestNames(name: string, known: Iterable<string>, limit = 3): string[] {
  const budget = suggestionBudget(name);
  const scored: [string, number][] = [];
  for (const candidate of new Set(known)) {
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase(), budget);
    if (distance <= budget) scored.push([candidate, distance]);
  }
  return scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([candidate]) => candidate);
}
