/**
 * The mined triplets of a measured batch as a projection view needs them: the hardest few to
 * draw, with their distances in the original embedding space, and how many of all of them are
 * easy, semi-hard and hard at every step of a margin slider. One pass over the triplets, storing
 * neither all of them nor their margins: a 1024-row batch of 64 classes has 15.5 million.
 */
import { checkInterrupt } from '../interrupt';
import type { MeasuredBatch } from '../metric/distance';
import type { Triplets } from '../metric/tuples';
import { categoryOfMargin, signedMargin } from '../figures/tripletCategories';
import { seededRandom } from '../seededRandom';

/** The triplets to census: every valid one of the labelled batch, or a miner's list. */
export type TripletSource = { readonly kind: 'all'; readonly labels: Float64Array } | { readonly kind: 'mined'; readonly triplets: Triplets };

/**
 * Which triplets to draw: the hardest (smallest signed margin), or a uniform sample of all of them
 * (reservoir sampling with a fixed seed, so the same batch draws the same triplets), which shows
 * the mix of categories a margin slider moves between.
 */
export type DrawnTriplets = 'hardest' | 'sample';

export interface MinedTripletCensus {
  /** The `maxDrawn` triplets drawn, sorted by signed margin (ties in (a, p, n) order), 0-based rows, with d_ap and d_an (or s_ap, s_an). */
  readonly drawn: { readonly a: Int32Array; readonly p: Int32Array; readonly n: Int32Array; readonly ap: Float64Array; readonly an: Float64Array };
  readonly total: number;
  /** (S) the category counts over all triplets at margins[s]. */
  readonly hard: Int32Array;
  readonly semihard: Int32Array;
  readonly easy: Int32Array;
}

/**
 * @param batch the measured batch: `mat` (B, B) is what pml's miners compare.
 * @param margins (S) ascending slider steps.
 * @param maxDrawn how many triplets to keep for drawing, chosen by `draw` (default the hardest).
 */
export function censusMinedTriplets(batch: MeasuredBatch, source: TripletSource, margins: readonly number[], maxDrawn: number, draw: DrawnTriplets = 'hardest'): MinedTripletCensus {
  const { B, mat } = batch;
  const inverted = batch.distance.isInverted;
  const S = margins.length;
  // A triplet is easy for every step below its signed margin m and has one fixed category from the
  // first step ≥ m on (semi-hard if m > 0, else hard): difference arrays over the steps.
  const easyDiff = new Int32Array(S + 1);
  const hardDiff = new Int32Array(S + 1);
  const semihardDiff = new Int32Array(S + 1);
  const keeper = draw === 'sample' ? new SampleKeeper(maxDrawn) : new HardestKeeper(maxDrawn);
  let total = 0;
  const visit = (a: number, p: number, n: number): void => {
    const ap = mat[a * B + p];
    const an = mat[a * B + n];
    const m = signedMargin(ap, an, inverted);
    const first = firstStepAtLeast(margins, m);
    easyDiff[0]++;
    easyDiff[first]--;
    if (first < S) (categoryOfMargin(m, margins[first]) === 'hard' ? hardDiff : semihardDiff)[first]++;
    keeper.offer(m, total, a, p, n, ap, an);
    total++;
  };
  if (source.kind === 'all') {
    const labels = source.labels;
    for (let a = 0; a < B; a++) {
      checkInterrupt();
      for (let p = 0; p < B; p++) {
        if (p === a || labels[p] !== labels[a]) continue;
        for (let n = 0; n < B; n++) if (labels[n] !== labels[a]) visit(a, p, n);
      }
    }
  } else {
    const { a, p, n } = source.triplets;
    for (let k = 0; k < a.length; k++) {
      if ((k & 0xffff) === 0) checkInterrupt();
      visit(a[k], p[k], n[k]);
    }
  }
  const running = (diff: Int32Array): Int32Array => {
    const out = new Int32Array(S);
    let sum = 0;
    for (let s = 0; s < S; s++) out[s] = sum += diff[s];
    return out;
  };
  return { drawn: keeper.result(), total, hard: running(hardDiff), semihard: running(semihardDiff), easy: running(easyDiff) };
}

/**
 * The first s with margins[s] ≥ m (S when none): the steps before it see the triplet as easy.
 * The slider's steps are (nearly) evenly spaced, so the index is guessed from the spacing and then
 * corrected by comparisons with the stored values, which any ascending list gets exactly right.
 */
function firstStepAtLeast(margins: readonly number[], m: number): number {
  const S = margins.length;
  if (S === 0) return 0;
  const spacing = S > 1 ? (margins[S - 1] - margins[0]) / (S - 1) : 1;
  let s = spacing > 0 ? Math.ceil((m - margins[0]) / spacing) : 0;
  s = Number.isFinite(s) ? Math.min(S, Math.max(0, s)) : m > margins[0] ? S : 0;
  while (s > 0 && margins[s - 1] >= m) s--;
  while (s < S && margins[s] < m) s++;
  return s;
}

interface KeptTriplet {
  readonly m: number;
  readonly order: number;
  readonly a: number;
  readonly p: number;
  readonly n: number;
  readonly ap: number;
  readonly an: number;
}

/** Sorts kept triplets by signed margin, ties by the order they were met. */
const byMargin = (x: KeptTriplet, y: KeptTriplet): number => x.m - y.m || x.order - y.order;

/** Kept triplets as the census's typed arrays, sorted by signed margin. */
function drawnArrays(rows: KeptTriplet[]): MinedTripletCensus['drawn'] {
  rows.sort(byMargin);
  return {
    a: Int32Array.from(rows, (r) => r.a),
    p: Int32Array.from(rows, (r) => r.p),
    n: Int32Array.from(rows, (r) => r.n),
    ap: Float64Array.from(rows, (r) => r.ap),
    an: Float64Array.from(rows, (r) => r.an),
  };
}

/**
 * The `limit` triplets of smallest signed margin (ties: the earlier one): a buffer of twice the
 * limit, sorted and cut back to the limit when full, so the pass costs O(T log limit).
 */
class HardestKeeper {
  private rows: KeptTriplet[] = [];
  /** Once the buffer has been cut, the largest kept margin: a later triplet at or above it cannot enter. */
  private worstKept = Number.POSITIVE_INFINITY;

  constructor(private readonly limit: number) {}

  offer(m: number, order: number, a: number, p: number, n: number, ap: number, an: number): void {
    if (this.limit === 0 || m >= this.worstKept) return;
    this.rows.push({ m, order, a, p, n, ap, an });
    if (this.rows.length >= 2 * this.limit) this.cut();
  }

  private cut(): void {
    this.rows.sort(byMargin);
    if (this.limit > 0 && this.rows.length >= this.limit) {
      this.rows.length = this.limit;
      this.worstKept = this.rows[this.limit - 1].m;
    }
  }

  result(): MinedTripletCensus['drawn'] {
    this.cut();
    return drawnArrays(this.rows);
  }
}

/**
 * A uniform sample of `limit` triplets by Li's algorithm L: once the reservoir is full, the gap to
 * the next triplet that enters is drawn directly (geometric, with a shrinking acceptance W), so
 * the random numbers grow as limit·log(T / limit), not as T. A fixed-seed generator makes the
 * sample repeat.
 */
class SampleKeeper {
  private readonly rows: KeptTriplet[] = [];
  private readonly random = seededRandom(0x2545f491);
  private w = 1;
  /** The order (0-based position among all triplets) of the next one to enter the full reservoir. */
  private next = 0;

  constructor(private readonly limit: number) {}

  /** Uniform in (0, 1]: logarithms stay finite. */
  private open(): number {
    return 1 - this.random();
  }

  private skip(): void {
    this.w *= Math.exp(Math.log(this.open()) / this.limit);
    // W < 1 always; a W that rounds to 1 would give log(0): the next triplet enters.
    const gap = this.w < 1 ? Math.floor(Math.log(this.open()) / Math.log1p(-this.w)) : 0;
    this.next += gap + 1;
  }

  offer(m: number, order: number, a: number, p: number, n: number, ap: number, an: number): void {
    if (this.limit === 0) return;
    if (this.rows.length < this.limit) {
      this.rows.push({ m, order, a, p, n, ap, an });
      if (this.rows.length === this.limit) {
        this.next = order;
        this.skip();
      }
      return;
    }
    if (order !== this.next) return;
    this.rows[Math.floor(this.random() * this.limit)] = { m, order, a, p, n, ap, an };
    this.skip();
  }

  result(): MinedTripletCensus['drawn'] {
    return drawnArrays(this.rows.slice());
  }
}
