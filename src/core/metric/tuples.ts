/**
 * Index tuples of a labelled batch, in pml's terms (`utils/loss_and_miner_utils.py`): a positive
 * pair (a, p) has label a = label p and a ≠ p; a negative pair (a, n) has label a ≠ label n; a
 * triplet (a, p, n) is a positive and a negative pair sharing the anchor. Indices are 0-based rows
 * here (a cell shows them from 1). Every miner returns its tuples in lexicographic order: triplets
 * by (a, p, n), positive pairs by (a, p), negative pairs by (a, n), each list sorted on its own.
 */
import { InputError } from '../errors';
import { requireFinite, requireIntegers, requireShape, type Tensor } from '../tensor';

/** Triplets (a[k], p[k], n[k]). */
export interface Triplets {
  readonly a: Int32Array;
  readonly p: Int32Array;
  readonly n: Int32Array;
}

/** Positive pairs (a1[k], p[k]) and negative pairs (a2[k], n[k]). */
export interface Pairs {
  readonly a1: Int32Array;
  readonly p: Int32Array;
  readonly a2: Int32Array;
  readonly n: Int32Array;
}

/** A growable Int32 list: miners do not know their count in advance (up to B·(B−1)·(B−1) triplets). */
export class IndexList {
  private data = new Int32Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Collects triplets as a miner finds them. */
export class TripletBuilder {
  private readonly a = new IndexList();
  private readonly p = new IndexList();
  private readonly n = new IndexList();

  add(anchor: number, positive: number, negative: number): void {
    this.a.push(anchor);
    this.p.push(positive);
    this.n.push(negative);
  }

  toTriplets(): Triplets {
    return { a: this.a.toArray(), p: this.p.toArray(), n: this.n.toArray() };
  }
}

/**
 * Row i's negatives (columns of another label) into `negatives` and sign·mat[i, ·] of each into
 * `values`, contiguous and ascending, for loops that run every positive over them; returns how
 * many. Branch-free: each column is written and kept by moving the cursor.
 */
export function gatherNegatives(mat: Float64Array, labels: Float64Array, i: number, sign: number, negatives: Int32Array, values: Float64Array): number {
  const B = labels.length;
  const row = i * B;
  const own = labels[i];
  let nn = 0;
  for (let k = 0; k < B; k++) {
    negatives[nn] = k;
    values[nn] = sign * mat[row + k];
    nn += +(labels[k] !== own);
  }
  return nn;
}

/** A validated (B, d) batch with (B) integer labels. */
export interface LabelledBatch {
  readonly B: number;
  readonly d: number;
  readonly embeddings: Float64Array;
  readonly labels: Float64Array;
}

export function requireLabelledBatch(fn: string, embeddings: Tensor, labels: Tensor): LabelledBatch {
  const dims = requireShape(fn, 'embeddings', embeddings, ['B', 'd']);
  requireShape(fn, 'labels', labels, ['B'], dims);
  requireFinite(fn, 'embeddings', embeddings);
  requireIntegers(fn, 'labels', labels, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  return { B: dims.get('B') as number, d: dims.get('d') as number, embeddings: embeddings.data, labels: labels.data };
}

/** (B) how many rows share each row's label, itself included. */
export function sameLabelCounts(labels: Float64Array): Int32Array {
  const B = labels.length;
  const counts = new Map<number, number>();
  for (let i = 0; i < B; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  const same = new Int32Array(B);
  for (let i = 0; i < B; i++) same[i] = counts.get(labels[i]) as number;
  return same;
}

/**
 * Every positive pair (a1, p), lexicographic: allPairs' positive lists without its 1M-entry
 * negative ones, for the all-pairs losses that run their negatives along the rows.
 */
export function allPositivePairs(labels: Float64Array): { readonly a1: Int32Array; readonly p: Int32Array } {
  const B = labels.length;
  const { members, start, end } = classGroups(labels);
  let total = 0;
  for (let i = 0; i < B; i++) total += end[i] - start[i] - 1;
  const a1 = new Int32Array(total);
  const p = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < B; i++) {
    for (let t = start[i]; t < end[i]; t++) {
      if (members[t] === i) continue;
      a1[k] = i;
      p[k++] = members[t];
    }
  }
  return { a1, p };
}

/** How many positive and negative pairs the batch has (the lengths of allPairs' lists). */
export function allPairCounts(labels: Float64Array): { readonly positives: number; readonly negatives: number } {
  const B = labels.length;
  const same = sameLabelCounts(labels);
  let positives = 0;
  for (let i = 0; i < B; i++) positives += same[i] - 1;
  return { positives, negatives: B * B - B - positives };
}

/**
 * Pairs written straight into Int32Arrays sized for every positive and negative pair of the batch
 * (one spare slot each, for a branch-free writer that stores before testing), the cursors kept by
 * the miner. A miner over 1M pairs spent more time growing lists one push at a time than comparing.
 */
export class PairWriter {
  readonly a1: Int32Array;
  readonly p: Int32Array;
  readonly a2: Int32Array;
  readonly n: Int32Array;

  constructor(labels: Float64Array) {
    const same = sameLabelCounts(labels);
    const B = labels.length;
    let pos = 0;
    for (let i = 0; i < B; i++) pos += same[i] - 1;
    const neg = B * B - pos - B;
    this.a1 = new Int32Array(pos + 1);
    this.p = new Int32Array(pos + 1);
    this.a2 = new Int32Array(neg + 1);
    this.n = new Int32Array(neg + 1);
  }

  /**
   * The first `positives` and `negatives` pairs written. The miners fill the arrays in functions
   * of typed arrays and numbers: with the writer object in the loop's function, V8 discarded the
   * optimised loop at every call (no type feedback yet for the writer's use after the loop).
   */
  toPairs(positives: number, negatives: number): Pairs {
    // A list that fills most of its room is returned as a view, without a copy (multi-similarity
    // keeps ~99 % of a random batch's 1M negative pairs: two 4 MB copies saved); a sparse one is
    // copied so that the unused room is freed.
    const cut = (list: Int32Array, count: number): Int32Array => (4 * count >= 3 * (list.length - 1) ? list.subarray(0, count) : list.slice(0, count));
    return { a1: cut(this.a1, positives), p: cut(this.p, positives), a2: cut(this.a2, negatives), n: cut(this.n, negatives) };
  }
}

/**
 * The rows grouped by label: members lists every row, grouped by label and ascending within a
 * group; row i's group is members[start[i] … end[i]), its later rows members[after[i] … end[i]).
 */
export interface ClassGroups {
  readonly members: Int32Array;
  readonly start: Int32Array;
  readonly after: Int32Array;
  readonly end: Int32Array;
}

export function classGroups(labels: Float64Array): ClassGroups {
  const B = labels.length;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < B; i++) {
    const group = groups.get(labels[i]);
    if (group === undefined) groups.set(labels[i], [i]);
    else group.push(i);
  }
  const members = new Int32Array(B);
  const start = new Int32Array(B);
  const after = new Int32Array(B);
  const end = new Int32Array(B);
  let at = 0;
  for (const group of groups.values()) {
    const [first, stop] = [at, at + group.length];
    for (const row of group) {
      members[at] = row;
      start[row] = first;
      after[row] = ++at;
      end[row] = stop;
    }
  }
  return { members, start, after, end };
}

/**
 * Pairs collected one block of rows at a time by a miner that visits the upper triangle of the
 * batch's matrix in ascending (i, j) order: `first` and `second` hold a block's pairs (the
 * caller's arrays), `append` moves them to the list. Read back as unordered pairs kept both ways
 * (toLists: each row's partners ascending, since row r's partners below r arrive before its own
 * pairs (r, j)) or as directed (row, column) entries (toDirected: each row's in list order).
 */
export class BlockPairList {
  readonly first: Int32Array;
  readonly second: Int32Array;
  private i = new Int32Array(64);
  private j = new Int32Array(64);
  private length = 0;

  /** first and second: room for one block's pairs (their contents are not read before written). */
  constructor(first: Int32Array, second: Int32Array) {
    this.first = first;
    this.second = second;
  }

  /** Appends the first `count` pairs of first/second. */
  append(count: number): void {
    if (this.length + count > this.i.length) {
      const size = Math.max(2 * this.i.length, this.length + count);
      const [i, j] = [new Int32Array(size), new Int32Array(size)];
      i.set(this.i.subarray(0, this.length));
      j.set(this.j.subarray(0, this.length));
      [this.i, this.j] = [i, j];
    }
    this.i.set(this.first.subarray(0, count), this.length);
    this.j.set(this.second.subarray(0, count), this.length);
    this.length += count;
  }

  /**
   * The pairs as directed (row, column) entries, grouped by row in a stable counting sort: row r's
   * columns keep their order in the list. Returns (start (B + 1), columns).
   */
  toDirected(B: number): [Int32Array, Int32Array] {
    const start = new Int32Array(B + 1);
    for (let k = 0; k < this.length; k++) start[this.i[k] + 1]++;
    for (let r = 0; r < B; r++) start[r + 1] += start[r];
    const cursor = start.slice();
    const columns = new Int32Array(this.length);
    for (let k = 0; k < this.length; k++) columns[cursor[this.i[k]]++] = this.j[k];
    return [start, columns];
  }

  /** (rows, partners): both directions of every pair, lexicographic (a counting sort by row). */
  toLists(B: number): [Int32Array, Int32Array] {
    const start = new Int32Array(B + 1);
    for (let k = 0; k < this.length; k++) {
      start[this.i[k] + 1]++;
      start[this.j[k] + 1]++;
    }
    for (let r = 0; r < B; r++) start[r + 1] += start[r];
    const rows = new Int32Array(2 * this.length);
    const partners = new Int32Array(2 * this.length);
    for (let r = 0; r < B; r++) rows.fill(r, start[r], start[r + 1]);
    scatterPairs(this.i, this.j, this.length, start, partners);
    return [rows, partners];
  }
}

/** Each pair's two directions into partners at their row's cursor (typed arrays only). */
function scatterPairs(first: Int32Array, second: Int32Array, count: number, cursor: Int32Array, partners: Int32Array): void {
  for (let k = 0; k < count; k++) {
    const a = first[k];
    const b = second[k];
    partners[cursor[a]++] = b;
    partners[cursor[b]++] = a;
  }
}

/** Every positive and negative pair of the batch (pml `get_all_pairs_indices`), lexicographic. */
export function allPairs(labels: Float64Array): Pairs {
  const pairs = new PairWriter(labels);
  const counts = new Int32Array(2);
  writeAllPairs(labels, pairs.a1, pairs.p, pairs.a2, pairs.n, counts);
  return pairs.toPairs(counts[0], counts[1]);
}

/** Every pair into a1, p and a2, n, their counts into counts[0..1] (typed arrays only: see PairWriter). */
function writeAllPairs(labels: Float64Array, a1: Int32Array, p: Int32Array, a2: Int32Array, n: Int32Array, counts: Int32Array): void {
  const B = labels.length;
  let pc = 0;
  let nc = 0;
  for (let i = 0; i < B; i++) {
    const own = labels[i];
    const [p0, n0] = [pc, nc];
    for (let j = 0; j < B; j++) {
      if (labels[j] !== own) n[nc++] = j;
      else if (j !== i) p[pc++] = j;
    }
    a1.fill(i, p0, pc);
    a2.fill(i, n0, nc);
  }
  counts[0] = pc;
  counts[1] = nc;
}

/**
 * Every valid triplet of the batch (pml `get_all_triplets_indices`), lexicographic. Counted first
 * and written into exact-size arrays: a 1024-row batch of 64 classes has 15.5 million.
 */
export function allTriplets(labels: Float64Array): Triplets {
  const B = labels.length;
  const same = sameLabelCounts(labels);
  let total = 0;
  for (let i = 0; i < B; i++) total += (same[i] - 1) * (B - same[i]);
  const a = new Int32Array(total);
  const p = new Int32Array(total);
  const n = new Int32Array(total);
  const negatives = new Int32Array(B);
  let k = 0;
  for (let i = 0; i < B; i++) {
    let nn = 0;
    for (let j = 0; j < B; j++) if (labels[j] !== labels[i]) negatives[nn++] = j;
    for (let j = 0; j < B; j++) {
      if (j === i || labels[j] !== labels[i]) continue;
      a.fill(i, k, k + nn);
      p.fill(j, k, k + nn);
      n.set(negatives.subarray(0, nn), k);
      k += nn;
    }
  }
  return { a, p, n };
}

/** Checks given index arrays: equal lengths (per group), integer rows in [0, B). */
export function requireIndexGroup(fn: string, argument: string, group: Readonly<Record<string, Int32Array>>, B: number): void {
  const entries = Object.entries(group);
  const length = entries[0][1].length;
  for (const [key, values] of entries) {
    if (values.length !== length) throw new InputError(fn, `${argument}.${key}`, `of length ${length} like ${argument}.${entries[0][0]}`, `of length ${values.length}`);
    for (let k = 0; k < values.length; k++) {
      if (!(values[k] >= 0 && values[k] < B)) throw new InputError(fn, `${argument}.${key}`, `a row of embeddings, in [0, ${B - 1}]`, String(values[k]), [k]);
    }
  }
}
