import { binDistribution } from '../../distributions';
import { FIGURE_SPEC_VERSION, type DistributionGridFigure, type DistributionPanel } from '../../figures/spec';
import { dflPoint } from '../../losses/dfl';

/*
 * One anchor's four side distributions, shared by `sides` on a single-level export and on a raw
 * head's result.
 */

/**
 * The panels l, t, r, b of one anchor from its 4·bins logits (side-major), each the softmax over
 * its bins; for a positive, with its GT distance in bins (raw, and clamped as the head trains it),
 * its two bins, weights, DFL and floor. A clamped distance is named `l (gt 17.2 → 15.9)`.
 */
export function sidePanels(logits: ArrayLike<number>, bins: number, target?: { raw: ArrayLike<number>; clamped: ArrayLike<number> }): DistributionPanel[] {
  return ['l', 't', 'r', 'b'].map((name, s) => {
    const side = Array.from({ length: bins }, (_, b) => logits[s * bins + b]);
    const { probabilities, expectation } = binDistribution(side);
    if (target === undefined) return { name, probabilities, expectation };
    const [raw, y] = [target.raw[s], target.clamped[s]];
    const point = dflPoint(side, y);
    const shown = Number(raw.toPrecision(4));
    return {
      name: raw === y ? `${name} (gt ${shown})` : `${name} (gt ${shown} → ${Number(y.toPrecision(4))})`,
      probabilities,
      expectation,
      target: { y, left: point.left, right: point.right, weightLeft: point.weightLeft, weightRight: point.weightRight },
      loss: point.value,
      entropyFloor: point.entropyFloor,
    };
  });
}

/** Side panels two to a row, on the bin axis in stride units. */
export function sideGrid(panels: readonly DistributionPanel[], title: string, rowLabels?: readonly string[]): DistributionGridFigure {
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'distribution-grid',
    panels,
    columns: 2,
    xLabel: 'bin (stride units)',
    ...(rowLabels === undefined ? {} : { rowLabels }),
    title,
  };
}
