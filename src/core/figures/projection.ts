/**
 * What a projection figure (`kind: 'projection'`) shows at a margin: its drawn triplets'
 * categories and the counts over every mined triplet. The renderer calls these as the margin
 * slider moves (no kernel round trip); the plotly builder calls them for the first draw.
 */
import type { ProjectionFigure } from './spec';
import { TRIPLET_CATEGORIES, tripletCategory, type TripletCategory, type TripletCounts } from './tripletCategories';

/** The category of each drawn triplet at the figure's margin. */
export function drawnCategories(spec: ProjectionFigure): TripletCategory[] {
  const { ap, an } = spec.triplets;
  return ap.map((d, k) => tripletCategory(d, an[k], spec.margin, spec.inverted));
}

/** How many drawn triplets fall in each category at the figure's margin. */
export function drawnCounts(spec: ProjectionFigure): TripletCounts {
  const counts = { hard: 0, semihard: 0, easy: 0 };
  for (const category of drawnCategories(spec)) counts[category]++;
  return counts;
}

/**
 * The counts over all mined triplets at the figure's margin: the tabulated slider step nearest to
 * it (the slider only takes those values; the core computed each from every triplet).
 */
export function totalCounts(spec: ProjectionFigure): TripletCounts {
  const { margins } = spec.counts;
  let nearest = 0;
  for (let s = 1; s < margins.length; s++) if (Math.abs(margins[s] - spec.margin) < Math.abs(margins[nearest] - spec.margin)) nearest = s;
  const at = (category: TripletCategory): number => spec.counts[category][nearest] ?? 0;
  return { hard: at('hard'), semihard: at('semihard'), easy: at('easy') };
}

/** The figure at another margin (what the slider draws): only `margin` and the slider's value change. */
export function projectionAtMargin(spec: ProjectionFigure, margin: number): ProjectionFigure {
  const sliders = spec.sliders?.map((slider) => (slider.name === 'margin' ? { ...slider, value: margin } : slider));
  return { ...spec, margin, ...(sliders === undefined ? {} : { sliders }) };
}

/** The categories' names as figures and markdown write them. */
export const CATEGORY_NAMES: Readonly<Record<TripletCategory, string>> = { hard: 'hard', semihard: 'semi-hard', easy: 'easy' };

/** `hard 12 · semi-hard 30 · easy 80 of 122 at margin 0.2`: the counts line of title and markdown. */
export function countsLine(spec: ProjectionFigure, format: (x: number) => string): string {
  const counts = totalCounts(spec);
  return `${TRIPLET_CATEGORIES.map((c) => `${CATEGORY_NAMES[c]} ${counts[c]}`).join(' · ')} of ${spec.total} at margin ${format(spec.margin)}`;
}
