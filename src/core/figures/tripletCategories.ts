/**
 * Easy, semi-hard and hard triplets at a margin, by pytorch-metric-learning's convention
 * (`TripletMarginMiner`, miners/triplet_margin_miner.py). With the signed margin
 * m = d_an − d_ap of a triplet (for a similarity such as cosine, m = s_ap − s_an):
 *
 * - easy: m > margin;
 * - semi-hard: 0 < m ≤ margin;
 * - hard: m ≤ 0 (and m ≤ margin), so d_an = d_ap is hard.
 *
 * pml's "all" is every triplet that is not easy. LossLab's own census (src/core/mining.ts) puts
 * d_an = d_ap in semi-hard instead; this file follows pml, as the miners of src/core/metric do.
 * Pure and small, so the renderer recolours a projection with it as its margin slider moves.
 */

export type TripletCategory = 'easy' | 'semihard' | 'hard';

/** The three categories in the order figures list them: the ones that carry loss first. */
export const TRIPLET_CATEGORIES: readonly TripletCategory[] = ['hard', 'semihard', 'easy'];

/** pml's signed margin of a triplet: d_an − d_ap for a distance, s_ap − s_an for a similarity. */
export function signedMargin(ap: number, an: number, inverted: boolean): number {
  return inverted ? ap - an : an - ap;
}

/** The category of a triplet with signed margin m at `margin` (see the file comment). */
export function categoryOfMargin(m: number, margin: number): TripletCategory {
  if (m > margin) return 'easy';
  return m > 0 ? 'semihard' : 'hard';
}

/** The category of a triplet from its anchor–positive and anchor–negative distances (or similarities). */
export function tripletCategory(ap: number, an: number, margin: number, inverted: boolean): TripletCategory {
  return categoryOfMargin(signedMargin(ap, an, inverted), margin);
}

export type TripletCounts = Readonly<Record<TripletCategory, number>>;
