/**
 * Where "Open in LossLab" puts the plot of a formula hovered outside a LossLab notebook: a
 * `.lossnb` beside the Jupyter notebook or Python file. Name logic only, without `vscode`, so it
 * is tested in Node; openInLossLab.ts resolves the URIs.
 */

/**
 * The name of the `.lossnb` beside a hovered file: `model.ipynb` → `model.lossnb`,
 * `train.py` → `train.lossnb`; undefined for a file it should not sit beside (a `.lossnb`, which
 * the command appends to directly, or an untitled document without a name).
 */
export function lossnbNameBeside(fileName: string): string | undefined {
  const match = /^(.+)\.(ipynb|py)$/i.exec(fileName);
  return match === null ? undefined : `${match[1]}.lossnb`;
}
