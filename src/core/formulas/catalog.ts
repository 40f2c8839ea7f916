/**
 * The formula catalog behind LossLab's tooltips: for every loss, miner and helper, its formula
 * (LaTeX for the rendered image, Unicode for everywhere else), its parameters with LossLab's
 * defaults, how each library names it and what its defaults are there, the intuition, the traps,
 * the paper, and a notebook cell that plots it. Pure data: no rendering, no `vscode`.
 *
 * LossLab's defaults are not written here: FORMULA_CATALOG fills them in from the builtins'
 * options (src/core/language/builtins/defaults.ts). The tests check them against the core's
 * behaviour and run every `notebookCell` through a Session, so neither can drift silently.
 */

/** Where a name comes from. `paper` names are the acronyms prose uses (QFL, GIoU, ArcFace). */

import { OPTIONS_BY_BUILTIN } from '../language/builtins/defaults';
export type Library =
  | 'losslab'
  | 'mmdetection'
  | 'ultralytics'
  | 'torchvision'
  | 'pytorch'
  | 'pytorch-metric-learning'
  | 'insightface'
  | 'tensorflow-addons'
  | 'paper';

export const LIBRARY_TITLES: Readonly<Record<Library, string>> = {
  losslab: 'LossLab',
  mmdetection: 'mmdetection',
  ultralytics: 'ultralytics',
  torchvision: 'torchvision',
  pytorch: 'PyTorch',
  'pytorch-metric-learning': 'pytorch-metric-learning',
  insightface: 'insightface (arcface_torch)',
  'tensorflow-addons': 'TensorFlow Addons',
  paper: 'paper',
};

/** One argument as a library spells it, with that library's default (`required` when none). */
export interface LibraryParameter {
  readonly name: string;
  readonly default: string;
  readonly note?: string;
}

/** How one library exposes a formula: its names for it, its arguments, and what differs. */
export interface LibraryConvention {
  readonly library: Library;
  /** Classes, functions and config `type` strings, exactly as written (matching is case-sensitive). */
  readonly aliases: readonly string[];
  readonly parameters: readonly LibraryParameter[];
  /** How this library's version differs from the formula, in a sentence or two. */
  readonly note?: string;
}

/** A parameter of the formula, as LossLab names it. */
export interface FormulaParameter {
  /** The symbol in the formula, in Unicode (β, α, s). */
  readonly symbol: string;
  /** LossLab's option name (`beta`), or undefined when LossLab has no such option. */
  readonly key?: string;
  readonly meaning: string;
  /** LossLab's default; undefined when the argument is required or not a LossLab option. */
  readonly default?: number | boolean | string;
}

export interface Paper {
  readonly title: string;
  readonly authors: string;
  readonly year: number;
  readonly venue?: string;
  /** arXiv identifier, e.g. 2006.04388. */
  readonly arxiv: string;
}

/** What `reg_max` means in one library: how many bins, and where targets are clamped. */
export interface BinConvention {
  readonly library: 'mmdetection' | 'ultralytics';
  readonly regMax: number;
  readonly bins: number;
  /** The largest regression target, in bins, after the library's clamp. */
  readonly targetMax: number;
  readonly note: string;
}

export interface FormulaEntry {
  /** Stable id, used by the `losslab.openInLossLab` command. */
  readonly id: string;
  readonly title: string;
  readonly category: 'loss' | 'mining' | 'helper';
  /** Display-mode TeX using only the base and AMS packages. */
  readonly latex: string;
  /** The same formula in plain Unicode, for places without the image. */
  readonly unicode: string;
  readonly parameters: readonly FormulaParameter[];
  readonly libraries: readonly LibraryConvention[];
  /** One or two sentences: why the formula looks the way it does. */
  readonly intuition: string;
  /** What bites people: conventions that differ, limits, silent NaNs. */
  readonly traps: readonly string[];
  readonly papers: readonly Paper[];
  readonly binConventions?: readonly BinConvention[];
  /** A LossLab cell that plots the formula with its gradient and sliders for its parameters. */
  readonly notebookCell: string;
}

const TOOD_PAPER: Paper = {
  title: 'TOOD: Task-aligned One-stage Object Detection',
  authors: 'Chengjian Feng, Yujie Zhong, Yu Gao, Matthew R. Scott, Weilin Huang',
  year: 2021,
  venue: 'ICCV',
  arxiv: '2108.07755',
};

const GFL_PAPER: Paper = {
  title: 'Generalized Focal Loss: Learning Qualified and Distributed Bounding Boxes for Dense Object Detection',
  authors: 'Xiang Li, Wenhai Wang, Lijun Wu, Shuo Chen, Xiaolin Hu, Jun Li, Jinhui Tang, Jian Yang',
  year: 2020,
  venue: 'NeurIPS',
  arxiv: '2006.04388',
};
const FOCAL_PAPER: Paper = {
  title: 'Focal Loss for Dense Object Detection',
  authors: 'Tsung-Yi Lin, Priya Goyal, Ross Girshick, Kaiming He, Piotr Dollár',
  year: 2017,
  venue: 'ICCV',
  arxiv: '1708.02002',
};
const GIOU_PAPER: Paper = {
  title: 'Generalized Intersection over Union: A Metric and A Loss for Bounding Box Regression',
  authors: 'Hamid Rezatofighi, Nathan Tsoi, JunYoung Gwak, Amir Sadeghian, Ian Reid, Silvio Savarese',
  year: 2019,
  venue: 'CVPR',
  arxiv: '1902.09630',
};
const DIOU_PAPER: Paper = {
  title: 'Distance-IoU Loss: Faster and Better Learning for Bounding Box Regression',
  authors: 'Zhaohui Zheng, Ping Wang, Wei Liu, Jinze Li, Rongguang Ye, Dongwei Ren',
  year: 2020,
  venue: 'AAAI',
  arxiv: '1911.08287',
};
const ARCFACE_PAPER: Paper = {
  title: 'ArcFace: Additive Angular Margin Loss for Deep Face Recognition',
  authors: 'Jiankang Deng, Jia Guo, Niannan Xue, Stefanos Zafeiriou',
  year: 2019,
  venue: 'CVPR',
  arxiv: '1801.07698',
};
const COSFACE_PAPER: Paper = {
  title: 'CosFace: Large Margin Cosine Loss for Deep Face Recognition',
  authors: 'Hao Wang, Yitong Wang, Zheng Zhou, Xing Ji, Dihong Gong, Jingchao Zhou, Zhifeng Li, Wei Liu',
  year: 2018,
  venue: 'CVPR',
  arxiv: '1801.09414',
};
const SPHEREFACE_PAPER: Paper = {
  title: 'SphereFace: Deep Hypersphere Embedding for Face Recognition',
  authors: 'Weiyang Liu, Yandong Wen, Zhiding Yu, Ming Li, Bhiksha Raj, Le Song',
  year: 2017,
  venue: 'CVPR',
  arxiv: '1704.08063',
};
const FACENET_PAPER: Paper = {
  title: 'FaceNet: A Unified Embedding for Face Recognition and Clustering',
  authors: 'Florian Schroff, Dmitry Kalenichenko, James Philbin',
  year: 2015,
  venue: 'CVPR',
  arxiv: '1503.03832',
};
const TRIPLET_DEFENSE_PAPER: Paper = {
  title: 'In Defense of the Triplet Loss for Person Re-Identification',
  authors: 'Alexander Hermans, Lucas Beyer, Bastian Leibe',
  year: 2017,
  arxiv: '1703.07737',
};
const MULTI_SIMILARITY_PAPER: Paper = {
  title: 'Multi-Similarity Loss with General Pair Weighting for Deep Metric Learning',
  authors: 'Xun Wang, Xintong Han, Weilin Huang, Dengke Dong, Matthew R. Scott',
  year: 2019,
  venue: 'CVPR',
  arxiv: '1904.06627',
};
const PML_PAPER: Paper = {
  title: 'PyTorch Metric Learning',
  authors: 'Kevin Musgrave, Serge Belongie, Ser-Nam Lim',
  year: 2020,
  arxiv: '2008.09164',
};
const VARIFOCAL_PAPER: Paper = {
  title: 'VarifocalNet: An IoU-aware Dense Object Detector',
  authors: 'Haoyang Zhang, Ying Wang, Feras Dayoub, Niko Sünderhauf',
  year: 2021,
  venue: 'CVPR',
  arxiv: '2008.13367',
};
const FCOS_PAPER: Paper = {
  title: 'FCOS: Fully Convolutional One-Stage Object Detection',
  authors: 'Zhi Tian, Chunhua Shen, Hao Chen, Tong He',
  year: 2019,
  venue: 'ICCV',
  arxiv: '1904.01355',
};

/** reg_max = 16 in the two codebases: the off-by-one that shifts every decoded distance. */
const REG_MAX_CONVENTIONS: readonly BinConvention[] = [
  {
    library: 'mmdetection',
    regMax: 16,
    bins: 17,
    targetMax: 15.9,
    note: 'bins 0…reg_max (reg_max + 1 of them); bbox2distance clamps targets to reg_max − 0.1',
  },
  {
    library: 'ultralytics',
    regMax: 16,
    bins: 16,
    targetMax: 14.99,
    note: 'bins 0…reg_max − 1 (reg_max of them); bbox2dist / DFLoss clamp targets to reg_max − 1 − 0.01',
  },
];

const REDUCTION: FormulaParameter = {
  symbol: 'reduction',
  key: 'reduction',
  meaning: "'mean' (weighted mean, or sum / avg_factor), 'sum', or 'none' (per element)",
  default: 'mean',
};

const MARGIN_SLIDER_NOTE = 'loss against one other class at angle φ: −log softmax = softplus(s·cos φ − s·f(θ))';

const ENTRIES: readonly FormulaEntry[] = [
  {
    id: 'focal',
    title: 'Sigmoid focal loss',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathrm{FL}(p_t) = -\alpha_t\,(1 - p_t)^{\gamma}\log p_t\\ p_t = \begin{cases} p & y = 1\\ 1 - p & y = 0\end{cases},\quad \alpha_t = \begin{cases} \alpha & y = 1\\ 1 - \alpha & y = 0\end{cases}\end{gathered}`,
    unicode: 'FL(p_t) = −α_t·(1 − p_t)^γ·log p_t, with p = σ(x); p_t = p, α_t = α where y = 1 and p_t = 1 − p, α_t = 1 − α where y = 0',
    parameters: [
      { symbol: 'α', key: 'alpha', meaning: 'weight of the positives (negatives get 1 − α); −1 turns the weighting off' },
      { symbol: 'γ', key: 'gamma', meaning: 'focusing exponent of (1 − p_t)^γ; 0 gives α-weighted BCE' },
      REDUCTION,
    ],
    libraries: [
      { library: 'losslab', aliases: ['focal'], parameters: [] },
      {
        library: 'torchvision',
        aliases: ['sigmoid_focal_loss'],
        parameters: [
          { name: 'alpha', default: '0.25' },
          { name: 'gamma', default: '2' },
          { name: 'reduction', default: "'none'", note: 'per element: sum or average it yourself' },
        ],
      },
      {
        library: 'mmdetection',
        aliases: ['FocalLoss', 'sigmoid_focal_loss', 'py_sigmoid_focal_loss'],
        parameters: [
          { name: 'use_sigmoid', default: 'True' },
          { name: 'gamma', default: '2.0' },
          { name: 'alpha', default: '0.25' },
          { name: 'reduction', default: "'mean'" },
          { name: 'loss_weight', default: '1.0' },
          { name: 'activated', default: 'False' },
        ],
        note: 'Heads pass avg_factor = the number of positives, so the sum is divided by it, not by the element count.',
      },
    ],
    intuition:
      'Down-weights easy, well-classified examples by (1 − p_t)^γ, so the many easy negatives of a dense detector no longer drown the few hard ones.',
    traps: [
      "torchvision's sigmoid_focal_loss defaults to reduction='none'; mmdetection divides the sum by the number of positives (avg_factor), LossLab's 'mean' averages over all N·C elements.",
      'α weights the positives, so α = 0.25 down-weights them: the paper pairs it with γ = 2; changing γ alone shifts the balance.',
      'With γ = 0 and α = −1 it is exactly binary cross-entropy (a good sanity check).',
    ],
    papers: [FOCAL_PAPER],
    notebookCell: [
      'alpha = 0.25',
      'gamma = 2',
      'plot([focal(p, 1, alpha, gamma), focal(p, 0, alpha, gamma)], p, 0.01, 0.99, {grad: true, names: ["y = 1", "y = 0"], sliders: {alpha: [0, 1], gamma: [0, 5]}, x_label: "p = σ(x)"})',
    ].join('\n'),
  },
  {
    id: 'qfl',
    title: 'Quality Focal Loss (QFL)',
    category: 'loss',
    latex: String.raw`\mathrm{QFL}(\sigma) = -\lvert y - \sigma\rvert^{\beta}\,\big((1 - y)\log(1 - \sigma) + y\log\sigma\big)`,
    unicode: 'QFL(σ) = −|y − σ|^β·((1 − y)·log(1 − σ) + y·log σ), σ = sigmoid(x), y ∈ [0, 1] the IoU of the predicted box with its ground truth (0 for negatives)',
    parameters: [
      { symbol: 'β', key: 'beta', meaning: 'exponent of the modulating factor |y − σ|^β' },
      { symbol: 'activated', key: 'activated', meaning: 'pred already holds probabilities σ instead of logits' },
      { symbol: 'background', key: 'background', meaning: "background label: 'last' = C (mmdetection), 'first' = 0", default: 'last' },
      REDUCTION,
    ],
    libraries: [
      { library: 'losslab', aliases: ['qfl'], parameters: [] },
      {
        library: 'mmdetection',
        aliases: ['QualityFocalLoss', 'quality_focal_loss', 'quality_focal_loss_with_prob', 'quality_focal_loss_tensor_target'],
        parameters: [
          { name: 'use_sigmoid', default: 'True', note: 'only True is implemented' },
          { name: 'beta', default: '2.0' },
          { name: 'reduction', default: "'mean'" },
          { name: 'loss_weight', default: '1.0' },
          { name: 'activated', default: 'False' },
        ],
        note: 'The target is the pair (label, score) with background label = num_classes; GFLHead passes avg_factor = number of positives.',
      },
      { library: 'paper', aliases: ['QFL'], parameters: [] },
    ],
    intuition:
      'Focal loss with a soft target: the class score is trained toward the IoU of its box, so one number ranks detections by both class and localisation quality; |y − σ|^β focuses on scores far from their target.',
    traps: [
      'Non-integer β needs |y − σ|: a hand-written (y − σ) ** β is NaN wherever σ > y.',
      'The background label differs: mmdetection uses num_classes (the last index), other code uses 0; a shifted label trains the wrong class without any error.',
      "mmdetection normalises by the number of positives (avg_factor), LossLab's 'mean' by the element count; a batch with no positives divides by max(1, 0) = 1.",
    ],
    papers: [GFL_PAPER],
    notebookCell: [
      'beta = 2',
      'y = 0.5',
      'plot(qfl(s, y, beta), s, 0.01, 0.99, {grad: true, sliders: {beta: [0, 4], y: [0, 1]}, x_label: "σ (predicted score)"})',
    ].join('\n'),
  },
  {
    id: 'dfl',
    title: 'Distribution Focal Loss (DFL)',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathrm{DFL}(\mathcal{S}_i, \mathcal{S}_{i+1}) = -\big((y_{i+1} - y)\log\mathcal{S}_i + (y - y_i)\log\mathcal{S}_{i+1}\big)\\ y_i = \lfloor y\rfloor,\quad y_{i+1} = y_i + 1,\quad \mathcal{S} = \operatorname{softmax}(z)\end{gathered}`,
    unicode: 'DFL = −((y_{i+1} − y)·log S_i + (y − y_i)·log S_{i+1}), y_i = ⌊y⌋, y_{i+1} = y_i + 1, S = softmax(z) over the bins',
    parameters: [
      { symbol: 'n', key: 'bins', meaning: 'number of bins (default: the width of pred)' },
      { symbol: 'reg_max', key: 'reg_max', meaning: "with convention: 'mmdetection' means reg_max + 1 bins, 'ultralytics' reg_max bins (no default: naming it is the point)" },
      REDUCTION,
    ],
    libraries: [
      { library: 'losslab', aliases: ['dfl'], parameters: [] },
      {
        library: 'mmdetection',
        aliases: ['DistributionFocalLoss', 'distribution_focal_loss'],
        parameters: [
          { name: 'reduction', default: "'mean'" },
          { name: 'loss_weight', default: '1.0', note: 'GFLHead configures 0.25' },
          { name: 'reg_max (GFLHead)', default: '16', note: '17 bins; targets clamped to reg_max − 0.1 = 15.9' },
        ],
      },
      {
        library: 'ultralytics',
        aliases: ['DFLoss'],
        parameters: [{ name: 'reg_max', default: '16', note: '16 bins; targets clamped to reg_max − 1 − 0.01 = 14.99' }],
        note: 'Returns the mean over the four sides per anchor; BboxLoss weights it by the target scores.',
      },
      { library: 'paper', aliases: ['DFL'], parameters: [] },
    ],
    intuition:
      'A box side is predicted as a distribution over integer bins; DFL pushes the mass onto the two bins around the continuous target, in the proportions that make their expectation equal the target.',
    traps: [
      "The minimum is not 0: it is the entropy of the interpolation weights, H(y − ⌊y⌋), up to ln 2 ≈ 0.693 at half-integers. LossLab's `excess` field is the part above that floor.",
      'reg_max = 16 is 17 bins in mmdetection but 16 bins in ultralytics: say which (`{reg_max: 16, convention: "mmdetection"}`).',
      'A target at or beyond the last bin has no right neighbour (mmdetection would index past the end), hence the library clamps; LossLab clamps and counts them in report.clampedTargets.',
      'Targets are distances in stride units (pixels / stride), not pixels.',
    ],
    papers: [GFL_PAPER],
    binConventions: REG_MAX_CONVENTIONS,
    notebookCell: [
      'z1 = 1',
      'plot(dfl([0, z1, 2, 1, 0], y), y, 0, 4, {grad: true, sliders: {z1: [-2, 4]}, x_label: "target y (bins)", y_label: "DFL of logits [0, z1, 2, 1, 0]"})',
      'dist([0, z1, 2, 1, 0], 2.4)',
    ].join('\n'),
  },
  {
    id: 'gfl',
    title: 'Generalized Focal Loss head (GFL)',
    category: 'loss',
    latex: String.raw`\mathcal{L} = \frac{1}{N_{pos}}\sum_{z}\mathcal{L}_{\mathcal{Q}} + \frac{1}{N_{pos}}\sum_{z}\mathbf{1}_{\{c^{*}_{z} > 0\}}\big(\lambda_0\,\mathcal{L}_{\mathcal{B}} + \lambda_1\,\mathcal{L}_{\mathcal{D}}\big)`,
    unicode: 'L = (1/N_pos)·Σ_z QFL + (1/N_pos)·Σ_{positive z} (λ₀·L_GIoU + λ₁·DFL), λ₀ = 2 and λ₁ = 0.25 in mmdetection',
    parameters: [
      { symbol: 'stride', key: 'stride', meaning: "the level's stride in pixels (required)" },
      { symbol: 'reg_max', key: 'reg_max', meaning: 'mmdetection reg_max: reg_max + 1 bins per side' },
      { symbol: 'β', key: 'beta', meaning: 'QFL exponent' },
      { symbol: 'λ', key: 'loss_weight', meaning: 'multipliers {cls: 1, bbox: 2, dfl: 0.25}' },
      { symbol: 'background', key: 'background', meaning: "background label: 'last' = C, 'first' = 0", default: 'last' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['gfl'], parameters: [] },
      {
        library: 'mmdetection',
        aliases: ['GFL'],
        parameters: [
          { name: 'reg_max', default: '16', note: '17 bins' },
          { name: 'loss_cls', default: "dict(type='QualityFocalLoss', beta=2.0, loss_weight=1.0)" },
          { name: 'loss_bbox', default: "dict(type='GIoULoss', loss_weight=2.0)" },
          { name: 'loss_dfl', default: "dict(type='DistributionFocalLoss', loss_weight=0.25)" },
        ],
        note: 'GIoU and DFL are weighted by the detached max class score of each positive and normalised by the sum of those weights.',
      },
      {
        library: 'ultralytics',
        aliases: ['BboxLoss'],
        parameters: [{ name: 'reg_max', default: '16', note: '16 bins' }],
        note: 'The box part only: CIoU (not GIoU) loss plus DFL, both weighted by the target scores and divided by their sum; classification is BCE.',
      },
      { library: 'paper', aliases: ['GFL'], parameters: [] },
    ],
    intuition:
      'One head, three losses: QFL merges the class score with the predicted IoU, DFL learns each box side as a distribution over bins, and GIoU trains the decoded box.',
    traps: [
      'A batch with no positives: N_pos is clamped to 1, the GIoU and DFL terms are 0, and only the negatives of QFL train.',
      'GIoU and DFL are normalised by the sum of the class-score weights, not by N_pos; DFL is also averaged over the four sides.',
      'Regression targets are in stride units, and reg_max means a different bin count in mmdetection (17) and ultralytics (16).',
    ],
    papers: [GFL_PAPER],
    binConventions: REG_MAX_CONVENTIONS,
    notebookCell: [
      'beta = 2',
      'score = 0.8',
      'plot([qfl(s, score, beta), qfl(s, 0, beta)], s, 0.01, 0.99, {grad: true, names: ["positive: target = IoU", "negative"], sliders: {beta: [0, 4], score: [0, 1]}, x_label: "σ"})',
      'g = gfl({cls: [[2, -1], [-3, -2]], reg: [[0, 3, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], points: [[8, 8], [16, 16]], labels: [0, 2], gt_boxes: [[0, 0, 16, 16], [0, 0, 0, 0]]}, {stride: 8, reg_max: 2})',
    ].join('\n'),
  },
  {
    id: 'gfl_head',
    title: 'GFL head from raw outputs (mmdetection GFLHead.loss_by_feat)',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathcal{L} = \mathcal{L}_{cls} + \mathcal{L}_{bbox} + \mathcal{L}_{dfl}\\ \mathcal{L}_{cls} = \frac{\lambda_c \sum_{a,c} \mathrm{QFL}}{\sum_i \max(P_i, 1) + \epsilon}\\ \mathcal{L}_{bbox} = \frac{\lambda_b \sum_{pos} w\,(1 - \mathrm{GIoU})}{(1+\epsilon)\,W}\\ \mathcal{L}_{dfl} = \frac{\lambda_d \sum_{pos} w \sum_k \mathrm{DFL}_k}{(4+\epsilon)\,W}\\ W = \max\Big(\sum_{pos} w,\ 1\Big),\qquad w = \max_c \sigma(x_c)\end{gathered}`,
    unicode:
      'L = λc·Σ QFL / (Σ_i max(P_i, 1) + ε) + λb·Σ_pos w·(1 − GIoU) / ((1 + ε)·W) + λd·Σ_pos Σ_sides w·DFL / ((4 + ε)·W), W = max(Σ_pos w, 1), w = max_c σ(cls), ε = 2⁻²³; positives by ATSS',
    parameters: [
      { symbol: 'strides', key: 'strides', meaning: 'one stride per FPN level: [8, 16, 32, 64, 128]' },
      { symbol: 'reg_max', key: 'reg_max', meaning: 'mmdetection reg_max: reg_max + 1 bins per side' },
      { symbol: 'k', key: 'topk', meaning: 'ATSS candidates per level and GT: the k anchors nearest its centre' },
      { symbol: 'β', key: 'beta', meaning: 'QFL exponent' },
      { symbol: 'λ', key: 'loss_weight', meaning: 'multipliers {cls: 1, bbox: 2, dfl: 0.25}' },
      { symbol: 'octave', key: 'octave_base_scale', meaning: "the anchors' side in strides: an 8s square on each grid corner" },
      { symbol: 'ε_GIoU', key: 'giou_eps', meaning: "GIoULoss's floor of the union and the enclosing area" },
    ],
    libraries: [
      { library: 'losslab', aliases: ['gfl_head'], parameters: [] },
      {
        library: 'mmdetection',
        aliases: ['GFLHead', 'loss_by_feat', 'ATSSAssigner'],
        parameters: [
          { name: 'num_classes', default: 'required' },
          { name: 'reg_max', default: '16', note: '17 bins' },
          { name: "anchor_generator=dict(octave_base_scale=…, strides=…)", default: '8, [8, 16, 32, 64, 128]' },
          { name: 'train_cfg.assigner', default: "dict(type='ATSSAssigner', topk=9)" },
          { name: 'loss_cls', default: "dict(type='QualityFocalLoss', beta=2.0, loss_weight=1.0)" },
          { name: 'loss_bbox', default: "dict(type='GIoULoss', loss_weight=2.0)" },
          { name: 'loss_dfl', default: "dict(type='DistributionFocalLoss', loss_weight=0.25)" },
        ],
        note: "The logged loss_cls, loss_bbox and loss_dfl are each the sum of the five levels' losses. ε = 2⁻²³ is weight_reduce_loss's guard against a zero avg_factor; it shifts loss_bbox by 1.2e-7 relative.",
      },
      { library: 'paper', aliases: ['GFL'], parameters: [] },
    ],
    intuition:
      'ATSS picks, per GT, the anchors whose IoU beats the mean + std of its nearest candidates; those learn the box (weighted by their own max class score) and a QFL target equal to the IoU of their decoded box, while every other anchor learns background.',
    traps: [
      'Anchors sit on the grid corners (j·s, i·s), not on the cell centres as in ultralytics: an export decoded with the other convention is off by half a stride.',
      'loss_cls is normalised by the positives per image, each image counting at least 1; loss_bbox and loss_dfl by the sum of the positives’ detached max class scores.',
      'The QFL target of a positive is the IoU of its own decoded box with its GT, computed without gradient: a head that predicts boxes badly also lowers its classification target.',
      'An image without GT still adds 1 to the classification normaliser, and every one of its anchors is a negative.',
    ],
    papers: [GFL_PAPER],
    binConventions: REG_MAX_CONVENTIONS,
    notebookCell: [
      '# A positive learns QFL toward the IoU of its own decoded box; a negative toward 0.',
      'beta = 2',
      'iou = 0.7',
      'plot([qfl(s, iou, beta), qfl(s, 0, beta)], s, 0.01, 0.99, {grad: true, names: ["positive: target = IoU", "negative"], sliders: {beta: [0, 4], iou: [0, 1]}, x_label: "σ"})',
      '# One level of a raw head (zero logits) and one GT box: ATSS picks the positives.',
      'h = gfl_head({cls_scores: [zeros(1, 2, 4, 4)], bbox_preds: [zeros(1, 68, 4, 4)], gt_bboxes: [[[2, 2, 20, 18]]], gt_labels: [[1]], img_shape: [32, 32]}, {strides: [8]})',
      'table({loss_cls: [h.loss_cls], loss_bbox: [h.loss_bbox], loss_dfl: [h.loss_dfl], num_pos: [h.num_pos]})',
    ].join('\n'),
  },
  {
    id: 'yolov8_loss',
    title: 'YOLOv8 detection loss from raw outputs (ultralytics v8DetectionLoss)',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathcal{L} = N\,\big(\lambda_{box}\,\mathcal{L}_{box} + \lambda_{cls}\,\mathcal{L}_{cls} + \lambda_{dfl}\,\mathcal{L}_{dfl}\big)\\ T = \max\Big(\sum_{a,c} t_{a,c},\ 1\Big)\\ \mathcal{L}_{box} = \frac{\sum_{pos} t\,(1 - \mathrm{CIoU})}{T},\quad \mathcal{L}_{cls} = \frac{\sum_{a,c} \mathrm{BCE}(x_{a,c}, t_{a,c})}{T}\\ \mathcal{L}_{dfl} = \frac{\sum_{pos} t\,\overline{\mathrm{DFL}}}{T}\\ t = \frac{m \max_{pos} \mathrm{CIoU}}{\max_{pos} m},\qquad m = \sigma^{\alpha}\,\mathrm{CIoU}^{\beta}\end{gathered}`,
    unicode:
      'L = N·(λbox·Σ_pos t·(1 − CIoU)/T + λcls·Σ BCE(x, t)/T + λdfl·Σ_pos t·mean_sides DFL/T), T = max(Σ t, 1), t = m·max CIoU / max m over each GT’s positives, m = σ^α·CIoU^β (task-aligned assigner)',
    parameters: [
      { symbol: 'strides', key: 'strides', meaning: 'one stride per level: [8, 16, 32]' },
      { symbol: 'reg_max', key: 'reg_max', meaning: 'ultralytics reg_max: reg_max bins per side (0 … 15)' },
      { symbol: 'λbox', key: 'box', meaning: 'gain of the box loss (hyp.box)' },
      { symbol: 'λcls', key: 'cls', meaning: 'gain of the class loss (hyp.cls)' },
      { symbol: 'λdfl', key: 'dfl', meaning: 'gain of the DFL (hyp.dfl)' },
      { symbol: 'k', key: 'topk', meaning: 'positives per GT: the k anchors inside it with the largest metric' },
      { symbol: 'α', key: 'alpha', meaning: 'exponent of the class score in the alignment metric m' },
      { symbol: 'β', key: 'beta', meaning: 'exponent of the CIoU in the alignment metric m' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['yolov8_loss'], parameters: [] },
      {
        library: 'ultralytics',
        aliases: ['v8DetectionLoss', 'TaskAlignedAssigner'],
        parameters: [
          { name: 'hyp.box, hyp.cls, hyp.dfl', default: '7.5, 0.5, 1.5' },
          { name: 'TaskAlignedAssigner(topk, num_classes, alpha, beta)', default: '10, C, 0.5, 6.0' },
          { name: 'reg_max', default: '16', note: '16 bins; targets clamped to 14.99' },
        ],
        note: 'loss_items (what the progress bar and results.csv show) are the three terms after their gains; the returned loss, which is backpropagated, is their sum times the batch size.',
      },
      { library: 'paper', aliases: ['TOOD'], parameters: [] },
    ],
    intuition:
      'Each GT takes the anchors inside it whose predicted class score and box agree best with it (the alignment metric), and their soft class targets grow with that agreement, so classification learns to rank boxes by quality.',
    traps: [
      'Anchor points sit on the cell centres ((j + 0.5)·s), not on the grid corners as in mmdetection.',
      'The logged box_loss, cls_loss and dfl_loss are divided by the sum of the target scores, not by the number of positives, and the loss that is backpropagated is their sum × batch size.',
      'reg_max = 16 means 16 bins (0 … 15) here and 17 in mmdetection; the DFL targets are clamped to 14.99.',
      "CIoU's α and everything the assigner decides are constants for the gradient: the assignment does not move with the prediction it was made from.",
    ],
    papers: [TOOD_PAPER],
    binConventions: REG_MAX_CONVENTIONS,
    notebookCell: [
      '# The class loss of one anchor against its soft target t (the alignment score), with its gradient.',
      't = 0.6',
      'plot([-(t * logsigmoid(x) + (1 - t) * logsigmoid(-x))], x, -6, 6, {grad: true, names: ["BCE(x, t)"], sliders: {t: [0, 1]}, x_label: "logit x"})',
      '# One level of raw maps and one GT box: the task-aligned assigner picks the positives.',
      'y = yolov8_loss({feats: [reshape(map(1:1056, sin), [1, 66, 4, 4])], gt_bboxes: [[[2, 2, 20, 18]]], gt_labels: [[1]]}, {strides: [8]})',
      'table({box_loss: [y.box_loss], cls_loss: [y.cls_loss], dfl_loss: [y.dfl_loss], num_pos: [y.num_pos]})',
    ].join('\n'),
  },
  {
    id: 'giou',
    title: 'GIoU loss',
    category: 'loss',
    latex: String.raw`\mathcal{L}_{GIoU} = 1 - \mathrm{IoU} + \frac{\lvert C \setminus (A \cup B)\rvert}{\lvert C\rvert},\qquad \mathrm{IoU} = \frac{\lvert A \cap B\rvert}{\lvert A \cup B\rvert}`,
    unicode: 'L_GIoU = 1 − IoU + |C \\ (A ∪ B)| / |C|, IoU = |A ∩ B| / |A ∪ B|, C the smallest box enclosing A and B',
    parameters: [{ symbol: 'ε', key: 'eps', meaning: 'lower bound of the union and of the enclosing area' }, REDUCTION],
    libraries: [
      { library: 'losslab', aliases: ['giou'], parameters: [] },
      {
        library: 'mmdetection',
        aliases: ['GIoULoss', 'giou_loss'],
        parameters: [
          { name: 'eps', default: '1e-6', note: 'the GIoULoss module; the bare giou_loss function uses 1e-7' },
          { name: 'reduction', default: "'mean'" },
          { name: 'loss_weight', default: '1.0', note: 'GFL configures 2.0' },
        ],
      },
      {
        library: 'torchvision',
        aliases: ['generalized_box_iou_loss'],
        parameters: [
          { name: 'reduction', default: "'none'" },
          { name: 'eps', default: '1e-7' },
        ],
      },
      { library: 'paper', aliases: ['GIoU'], parameters: [] },
    ],
    intuition:
      'IoU has no gradient once the boxes stop overlapping; the enclosing-box penalty keeps pulling a disjoint prediction toward its target.',
    traps: [
      'Boxes are (x1, y1, x2, y2); passing (cx, cy, w, h) gives a plausible-looking but wrong loss.',
      'When one box contains the other, the penalty vanishes and GIoU = IoU: convergence slows (what DIoU/CIoU address).',
      'eps differs: mmdetection GIoULoss 1e-6, giou_loss 1e-7 (LossLab follows giou_loss).',
    ],
    papers: [GIOU_PAPER],
    notebookCell: [
      'w = 2',
      'overlap(x) = max(0, min(x + w, 2) - max(x, 0)) * 2',
      'joint(x) = 2 * w + 4 - overlap(x)',
      'hull(x) = (max(x + w, 2) - min(x, 0)) * 2',
      'giou_curve(x) = 1 - overlap(x) / joint(x) + (hull(x) - joint(x)) / hull(x)',
      'iou_curve(x) = 1 - overlap(x) / joint(x)',
      'plot([giou_curve(x), iou_curve(x)], x, -5, 5, {grad: true, names: ["GIoU loss", "IoU loss"], sliders: {w: [0.5, 4]}, x_label: "offset of a w × 2 box from a 2 × 2 target"})',
      'giou([[0, 0, 2, 2]], [[1, 1, 3, 3]])',
    ].join('\n'),
  },
  {
    id: 'iou',
    title: 'IoU, GIoU, DIoU and CIoU overlaps',
    category: 'helper',
    latex: String.raw`\begin{gathered}\mathrm{IoU} = \frac{\lvert A\cap B\rvert}{\lvert A\cup B\rvert},\qquad \mathrm{GIoU} = \mathrm{IoU} - \frac{\lvert C\setminus(A\cup B)\rvert}{\lvert C\rvert}\\ \mathrm{DIoU} = \mathrm{IoU} - \frac{\rho^2(b, b^{gt})}{c^2},\qquad \mathrm{CIoU} = \mathrm{DIoU} - \alpha v\\ v = \frac{4}{\pi^2}\Big(\arctan\frac{w^{gt}}{h^{gt}} - \arctan\frac{w}{h}\Big)^2\end{gathered}`,
    unicode: 'IoU = |A ∩ B| / |A ∪ B|; GIoU = IoU − |C \\ (A ∪ B)| / |C|; DIoU = IoU − ρ²(b, b_gt) / c²; CIoU = DIoU − α·v, v = (4/π²)·(atan(w_gt/h_gt) − atan(w/h))²',
    parameters: [
      { symbol: 'mode', key: 'mode', meaning: "'iou', 'giou', 'diou' or 'ciou'", default: 'iou' },
      { symbol: 'ε', key: 'eps', meaning: 'lower bound of the union' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['iou'], parameters: [] },
      {
        library: 'mmdetection',
        aliases: ['bbox_overlaps', 'BboxOverlaps2D'],
        parameters: [
          { name: 'mode', default: "'iou'" },
          { name: 'is_aligned', default: 'False', note: 'False gives the (n, m) matrix; LossLab is aligned' },
          { name: 'eps', default: '1e-6' },
        ],
      },
      {
        library: 'torchvision',
        aliases: ['box_iou', 'generalized_box_iou', 'distance_box_iou', 'complete_box_iou'],
        parameters: [],
        note: 'Pairwise (n, m) matrices of (x1, y1, x2, y2) boxes.',
      },
      {
        library: 'ultralytics',
        aliases: ['bbox_iou'],
        parameters: [
          { name: 'xywh', default: 'True', note: 'boxes are (cx, cy, w, h) unless xywh=False' },
          { name: 'GIoU, DIoU, CIoU', default: 'False' },
          { name: 'eps', default: '1e-7' },
        ],
      },
      { library: 'paper', aliases: ['IoU', 'DIoU', 'CIoU'], parameters: [] },
    ],
    intuition:
      'IoU measures overlap; GIoU adds the empty part of the enclosing box, DIoU the distance between centres, CIoU also the aspect ratio, so that a gradient exists before the boxes overlap.',
    traps: [
      "ultralytics' bbox_iou takes (cx, cy, w, h) boxes by default (xywh=True); mmdetection and torchvision take corners.",
      'Aligned (n) versus pairwise (n, m): mmdetection bbox_overlaps is pairwise unless is_aligned=True.',
    ],
    papers: [GIOU_PAPER, DIOU_PAPER],
    notebookCell: [
      'w = 2',
      'overlap(x) = max(0, min(x + w, 2) - max(x, 0)) * 2',
      'joint(x) = 2 * w + 4 - overlap(x)',
      'hull(x) = (max(x + w, 2) - min(x, 0)) * 2',
      'plot([overlap(x) / joint(x), overlap(x) / joint(x) - (hull(x) - joint(x)) / hull(x)], x, -5, 5, {grad: true, names: ["IoU", "GIoU"], sliders: {w: [0.5, 4]}, x_label: "offset of a w × 2 box from a 2 × 2 target"})',
      'iou([[0, 0, 2, 2], [0, 0, 2, 2]], [[1, 1, 3, 3], [4, 0, 6, 2]], {mode: "giou"})',
    ].join('\n'),
  },
  {
    id: 'integral',
    title: 'Integral (expected distance)',
    category: 'helper',
    latex: String.raw`\hat{y} = \sum_{i=0}^{n-1} P(y_i)\,y_i = \sum_{i=0}^{n-1} \operatorname{softmax}(z)_i\; i`,
    unicode: 'ŷ = Σ_i P(y_i)·y_i = Σ_i softmax(z)_i · i, over the n bins',
    parameters: [],
    libraries: [
      { library: 'losslab', aliases: ['integral'], parameters: [] },
      {
        library: 'mmdetection',
        aliases: ['Integral'],
        parameters: [{ name: 'reg_max', default: '16', note: 'projects onto linspace(0, reg_max, reg_max + 1): 17 bins' }],
      },
      {
        library: 'ultralytics',
        aliases: ['DFL'],
        parameters: [{ name: 'c1', default: '16', note: 'a frozen 1×1 conv with weights 0…c1 − 1: 16 bins' }],
        note: "ultralytics' DFL module is this Integral (the decoder), not the loss; the loss is DFLoss.",
      },
    ],
    intuition: 'Decodes a distribution over bins into one distance: its expectation, which is differentiable, unlike the arg-max.',
    traps: [
      "ultralytics names this decoder DFL; the loss is DFLoss. In mmdetection it is Integral.",
      'The result is in bins (stride units): multiply by the stride for pixels.',
      'A bimodal distribution decodes to a distance between its modes, where neither mode put mass.',
    ],
    papers: [GFL_PAPER],
    binConventions: REG_MAX_CONVENTIONS,
    notebookCell: [
      'z1 = 2',
      'expected(t) = (exp(t) + 2 + 3 * exp(-1)) / (2 + exp(t) + exp(-1))',
      'plot(expected(t), t, -4, 6, {grad: true, x_label: "logit of bin 1 in [0, t, 0, −1]", y_label: "expected bin Σ softmax_i · i"})',
      'integral([[0, z1, 0, -1]])',
    ].join('\n'),
  },
  {
    id: 'arcface',
    title: 'ArcFace (additive angular margin), with combined margins',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathcal{L} = -\log\frac{e^{s\cos(\theta_{y} + m)}}{e^{s\cos(\theta_{y} + m)} + \sum_{j\neq y} e^{s\cos\theta_j}}\\ \text{combined: } f(\theta_y) = \cos(m_1\theta_y + m_2) - m_3\end{gathered}`,
    unicode: 'L = −log( e^{s·cos(θ_y + m)} / (e^{s·cos(θ_y + m)} + Σ_{j≠y} e^{s·cos θ_j}) ); combined margins: target logit s·(cos(m₁·θ_y + m₂) − m₃)',
    parameters: [
      { symbol: 's', key: 's', meaning: 'scale of the logits (the radius of the hypersphere)' },
      { symbol: 'm', key: 'm', meaning: 'additive angular margin, in radians' },
      { symbol: 'easy_margin', key: 'easy_margin', meaning: 'apply the margin only where cos θ > 0' },
      { symbol: 'form', key: 'form', meaning: "'insightface' (cos(θ + m) with the fallback beyond π − m), 'paper', or 'combined'", default: 'insightface' },
      { symbol: 'm₁', key: 'm1', meaning: 'SphereFace multiplicative margin (combined form)' },
      { symbol: 'm₂', key: 'm2', meaning: 'ArcFace additive angular margin (combined form)' },
      { symbol: 'm₃', key: 'm3', meaning: 'CosFace additive cosine margin (combined form)' },
      {
        symbol: 'outputs',
        key: 'outputs',
        meaning: "'all' (default) or 'loss': the loss and its gradients only, over class tiles without the (B, C) logits and cosines (10⁵-class heads)",
      },
      REDUCTION,
    ],
    libraries: [
      { library: 'losslab', aliases: ['arcface', 'arcface_logit'], parameters: [] },
      {
        library: 'insightface',
        aliases: ['ArcFace', 'CombinedMarginLoss'],
        parameters: [
          { name: 's', default: '64.0' },
          { name: 'margin', default: '0.5', note: 'ArcFace, radians' },
          { name: 'm1, m2, m3', default: 'required', note: 'CombinedMarginLoss; configs use margin_list = (1.0, 0.5, 0.0)' },
          { name: 'interclass_filtering_threshold', default: '0' },
        ],
        note: 'The current arcface_torch applies the margin inside torch.no_grad(): the forward uses cos(θ + m), the backward that of s·cos θ.',
      },
      {
        library: 'pytorch-metric-learning',
        aliases: ['ArcFaceLoss'],
        parameters: [
          { name: 'margin', default: '28.6', note: 'degrees (≈ 0.5 rad)' },
          { name: 'scale', default: '64' },
        ],
        note: 'Takes (embeddings, labels) and owns the class-centre matrix W (num_classes, embedding_size).',
      },
      { library: 'paper', aliases: ['ArcFace'], parameters: [] },
    ],
    intuition:
      'Adding m to the angle of the true class makes the network separate classes by a geodesic margin on the hypersphere: a sample is only "correct enough" when it is m radians closer to its centre than needed.',
    traps: [
      "insightface's current ArcFace/CombinedMarginLoss apply the margin without gradient (torch.no_grad()): the gradient is that of s·cos θ evaluated at the margin's probabilities. LossLab differentiates cos(θ + m) exactly.",
      'pytorch-metric-learning gives margins in degrees (28.6), insightface and LossLab in radians (0.5).',
      'cos(θ + m) turns back up beyond θ > π − m; insightface falls back to cos θ − m·sin m there (easy_margin instead keeps cos θ where cos θ ≤ 0).',
      'At cos θ = ±1 the derivative of acos is infinite: LossLab clamps and counts it in report.clampedCosines.',
      'A large s with few classes saturates the softmax: the loss is ~0 or huge and the gradient vanishes.',
    ],
    papers: [ARCFACE_PAPER],
    notebookCell: [
      'm = 0.5',
      's = 64',
      'phi = 1.2',
      `plot(softplus(s * cos(phi) - s * arcface_logit(theta, m)), theta, 0, 3.1, {grad: true, sliders: {m: [0, 1.5], s: [1, 64], phi: [0, 3.1]}, x_label: "θ_y (rad)", y_label: "${MARGIN_SLIDER_NOTE}"})`,
      'plot([arcface_logit(theta, m), cos(theta)], theta, 0, 3.1, {grad: true, names: ["cos(θ + m)", "cos θ"], sliders: {m: [0, 1.5]}})',
    ].join('\n'),
  },
  {
    id: 'cosface',
    title: 'CosFace (additive cosine margin)',
    category: 'loss',
    latex: String.raw`\mathcal{L} = -\log\frac{e^{s(\cos\theta_{y} - m)}}{e^{s(\cos\theta_{y} - m)} + \sum_{j\neq y} e^{s\cos\theta_j}}`,
    unicode: 'L = −log( e^{s·(cos θ_y − m)} / (e^{s·(cos θ_y − m)} + Σ_{j≠y} e^{s·cos θ_j}) )',
    parameters: [
      { symbol: 's', key: 's', meaning: 'scale of the logits', default: 64 },
      { symbol: 'm', key: 'm3', meaning: "cosine margin: in LossLab arcface(x, W, labels, {m1: 1, m2: 0, m3: 0.35}) (the paper's m = 0.35)" },
    ],
    libraries: [
      {
        library: 'insightface',
        aliases: ['CosFace', 'CombinedMarginLoss'],
        parameters: [
          { name: 's', default: '64.0' },
          { name: 'm', default: '0.40', note: 'CosFace class; CombinedMarginLoss with margin_list = (1.0, 0.0, 0.4)' },
        ],
      },
      {
        library: 'pytorch-metric-learning',
        aliases: ['CosFaceLoss'],
        parameters: [
          { name: 'margin', default: '0.35', note: 'a cosine, not an angle' },
          { name: 'scale', default: '64' },
        ],
      },
      { library: 'paper', aliases: ['CosFace'], parameters: [] },
    ],
    intuition: 'Subtracts a constant from the true class cosine: the margin is uniform in cosine, so it is larger in angle near θ = 0 than ArcFace’s.',
    traps: [
      'The margin is on the cosine, not the angle: m = 0.35 is not comparable with ArcFace’s 0.5 rad.',
      "insightface's CombinedMarginLoss maps CosFace to margin_list (1.0, 0.0, m3); here the margin has a gradient (it is a constant shift).",
    ],
    papers: [COSFACE_PAPER],
    notebookCell: [
      'm = 0.35',
      's = 64',
      'phi = 1.2',
      `plot(softplus(s * cos(phi) - s * (cos(theta) - m)), theta, 0, 3.1, {grad: true, sliders: {m: [0, 1], s: [1, 64], phi: [0, 3.1]}, x_label: "θ_y (rad)", y_label: "${MARGIN_SLIDER_NOTE}"})`,
      'arcface([[1, 2, 3]], [[1, 4], [2, 5], [3, 6]], [0], {m1: 1, m2: 0, m3: m, s: s})',
    ].join('\n'),
  },
  {
    id: 'sphereface',
    title: 'SphereFace (multiplicative angular margin)',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathcal{L} = -\log\frac{e^{\lVert x\rVert\psi(\theta_{y})}}{e^{\lVert x\rVert\psi(\theta_{y})} + \sum_{j\neq y} e^{\lVert x\rVert\cos\theta_j}}\\ \psi(\theta) = (-1)^k\cos(m\theta) - 2k,\quad \theta\in\Big[\frac{k\pi}{m}, \frac{(k+1)\pi}{m}\Big]\end{gathered}`,
    unicode: 'L = −log( e^{‖x‖·ψ(θ_y)} / (e^{‖x‖·ψ(θ_y)} + Σ_{j≠y} e^{‖x‖·cos θ_j}) ), ψ(θ) = (−1)^k·cos(m·θ) − 2k for θ ∈ [kπ/m, (k+1)π/m]',
    parameters: [{ symbol: 'm', key: 'm1', meaning: "integer angular multiplier (the paper's m = 4); in LossLab arcface(..., {m1: m, m2: 0, m3: 0})" }],
    libraries: [
      {
        library: 'pytorch-metric-learning',
        aliases: ['SphereFaceLoss', 'LargeMarginSoftmaxLoss'],
        parameters: [
          { name: 'margin', default: '4', note: 'an integer multiplier' },
          { name: 'scale', default: '1', note: 'logits are also scaled by ‖x‖' },
        ],
      },
      {
        library: 'insightface',
        aliases: ['CombinedMarginLoss'],
        parameters: [{ name: 'm1', default: 'required', note: 'multiplicative margin of cos(m1·θ + m2) − m3' }],
      },
      { library: 'paper', aliases: ['SphereFace'], parameters: [] },
    ],
    intuition: 'Multiplies the angle of the true class by m, so it must be m times smaller than any other angle to win.',
    traps: [
      'cos(mθ) is not monotonic beyond π/m: the paper uses the piecewise ψ; LossLab’s combined form uses cos(m₁θ + m₂) as is.',
      'The paper anneals from plain softmax (λ) because training with m = 4 from the start diverges.',
    ],
    papers: [SPHEREFACE_PAPER],
    notebookCell: [
      'm = 4',
      'psi(t) = (-1)^floor(m * t / pi) * cos(m * t) - 2 * floor(m * t / pi)',
      'plot([psi(theta), cos(m * theta), cos(theta)], theta, 0, 3.1, {grad: true, names: ["ψ(θ)", "cos(mθ)", "cos θ"], sliders: {m: [1, 4, 1]}, x_label: "θ_y (rad)"})',
    ].join('\n'),
  },
  {
    id: 'margin_head',
    title: 'Margin heads at parity: pml ArcFace / CosFace / SphereFace / sub-centre ArcFace, insightface CombinedMarginLoss',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathcal{L} = \frac{1}{B}\sum_i -\log\frac{e^{s\,f(\cos\theta_{y_i})}}{e^{s\,f(\cos\theta_{y_i})} + \sum_{j\neq y_i} e^{s\cos\theta_{ij}}}\\ f_{\text{arc}} = \begin{cases}\cos(\theta + m) & \theta \le \pi - m\\ \cos\theta - m\sin m & \text{else}\end{cases}\\ f_{\text{cos}} = \cos\theta - m,\quad f_{\text{sphere}} = (-1)^k\cos(m\theta) - 2k\end{gathered}`,
    unicode:
      'L = mean_i −log( e^{s·f(cos θ_y)} / (e^{s·f(cos θ_y)} + Σ_{j≠y} e^{s·cos θ_j}) ); ArcFace f = cos(θ + m) while θ ≤ π − m, else cos θ − m·sin m; CosFace f = cos θ − m; SphereFace f = (−1)^k·cos(mθ) − 2k, k = ⌊θm/π⌋, with s·‖x‖; insightface combined: m3 > 0 → cos θ − m3, else cos(θ + m2)',
    parameters: [
      { symbol: 'head', key: 'head', meaning: "'arcface', 'cosface', 'sphereface', 'subcenter_arcface' or 'combined' (insightface)" },
      { symbol: 'convention', key: 'convention', meaning: "'pml' (W (d, C·k), margins in pml's units) or 'insightface' (W (C, d), radians)" },
      { symbol: 'm', key: 'margin', meaning: 'pml: degrees (ArcFace 28.6), a cosine (CosFace 0.35), an integer (SphereFace 4)' },
      { symbol: 's', key: 'scale', meaning: 'logit scale: 64 (SphereFace: 1, times ‖x‖)' },
      { symbol: 'k', key: 'sub_centers', meaning: 'sub-centres per class (SubCenterArcFaceLoss)' },
      { symbol: 's', key: 's', meaning: "CombinedMarginLoss's scale" },
      { symbol: 'm₁', key: 'm1', meaning: 'must be 1 unless m3 > 0' },
      { symbol: 'm₂', key: 'm2', meaning: 'ArcFace angle (radians), ignored when m3 > 0' },
      { symbol: 'm₃', key: 'm3', meaning: 'CosFace offset; m3 > 0 takes the CosFace branch' },
      { symbol: 't', key: 'interclass_filtering_threshold', meaning: 'non-target cosines strictly above t are zeroed (0: off)' },
      { symbol: 'arc_form', key: 'arc_form', meaning: "'paper' (insightface HEAD) or 'threshold' (5ef98047)" },
    ],
    libraries: [
      { library: 'losslab', aliases: ['margin_head'], parameters: [] },
      {
        library: 'pytorch-metric-learning',
        aliases: ['ArcFaceLoss', 'CosFaceLoss', 'SphereFaceLoss', 'SubCenterArcFaceLoss', 'LargeMarginSoftmaxLoss'],
        parameters: [
          { name: 'margin', default: '28.6 / 0.35 / 4', note: 'ArcFace degrees (np.radians: 0.49916 rad) / CosFace cosine / SphereFace int()' },
          { name: 'scale', default: '64 / 64 / 1', note: 'SphereFaceLoss also multiplies every logit by the raw ‖x‖' },
          { name: 'sub_centers', default: '3', note: 'W (d, C·k) class-major; the best sub-centre per class is used' },
        ],
        note: 'W is (embedding_size, num_classes), one column per class; CosineSimilarity and MeanReducer by default. ArcFace keeps cos(θ + m) while θ ≤ π − m (inclusive).',
      },
      {
        library: 'insightface',
        aliases: ['CombinedMarginLoss', 'ArcMarginProduct', 'ArcFace', 'CosFace'],
        parameters: [
          { name: 's', default: '64.0' },
          { name: 'm1, m2, m3', default: 'required', note: 'configs: margin_list (1.0, 0.5, 0.0)' },
          { name: 'interclass_filtering_threshold', default: '0' },
        ],
        note: 'weight is (num_classes, embedding_size), one row per class; cosines are clamped to [−1, 1]; DistCrossEntropy floors p_y at 1e-30.',
      },
      { library: 'paper', aliases: ['ArcFace', 'CosFace', 'SphereFace', 'Sub-center ArcFace'], parameters: [] },
    ],
    intuition:
      'One head, the four ways the libraries put a margin on the target logit: the option names the library, so a number from a training log can be reproduced exactly, and the report says when the library’s own backward is not the gradient of its loss.',
    traps: [
      'pml takes the ArcFace margin in degrees (28.6 ≈ 0.4992 rad, not 0.5); insightface takes radians.',
      'pml switches to cos θ − m·sin m when θ > π − m (θ = π − m keeps cos(θ + m)); insightface 5ef98047 switches when cos θ ≤ cos(π − m) (strict on the other side); insightface HEAD has no switch: cos(θ + m2) turns back up past π − m2.',
      "insightface HEAD computes the ArcFace margin under torch.no_grad: its backward is that of s·cos θ, not of its loss. LossLab returns the true gradient and report.gradient_is_true = false.",
      'CombinedMarginLoss takes the CosFace branch whenever m3 > 0 and then ignores m2 (and m1): (1, 0.3, 0.2) is CosFace 0.2. m1 ≠ 1 with m3 = 0 raises: it has no SphereFace branch.',
      "insightface's DistCrossEntropy floors p_y at 1e-30 (a row costs at most 69.08) and its backward ignores the floor; LossLab's gradient is 0 on such a row (report.floored_rows).",
      'SphereFaceLoss scales every logit by the raw ‖x‖ (not the weight norm) and the margin is truncated to an integer.',
      'The W layouts differ: pml (d, C·k) columns, insightface (C, d) rows.',
    ],
    papers: [ARCFACE_PAPER, COSFACE_PAPER, SPHEREFACE_PAPER],
    notebookCell: [
      'm = 28.6',
      'plot([cos(theta + m * pi / 180), cos(theta) - m * pi / 180 * sin(m * pi / 180), cos(theta)], theta, 0, 3.1, {grad: true, names: ["cos(θ + m)", "cos θ − m·sin m (past π − m)", "cos θ"], sliders: {m: [0, 90]}, x_label: "θ_y (rad)"})',
      'h = margin_head([[1, 2, 3], [3, 1, 0]], [[1, 0, 2], [0, 1, 1], [1, 1, 0]], [0, 2], {head: "arcface", margin: m})',
    ].join('\n'),
  },
  {
    id: 'varifocal',
    title: 'Varifocal loss (VFL)',
    category: 'loss',
    latex: String.raw`\mathrm{VFL}(p, q) = \begin{cases} -q\big(q\log p + (1 - q)\log(1 - p)\big) & q > 0\\ -\alpha\,p^{\gamma}\log(1 - p) & q = 0\end{cases}`,
    unicode: 'VFL(p, q) = −q·(q·log p + (1 − q)·log(1 − p)) where q > 0 (q = IoU target), −α·p^γ·log(1 − p) where q = 0',
    parameters: [
      { symbol: 'α', meaning: 'weight of the negatives (not a LossLab function: plot it from the cell)' },
      { symbol: 'γ', meaning: 'focusing exponent on the negatives only' },
    ],
    libraries: [
      {
        library: 'mmdetection',
        aliases: ['VarifocalLoss', 'varifocal_loss'],
        parameters: [
          { name: 'alpha', default: '0.75' },
          { name: 'gamma', default: '2.0' },
          { name: 'iou_weighted', default: 'True', note: 'weights positives by q' },
          { name: 'reduction', default: "'mean'" },
          { name: 'loss_weight', default: '1.0' },
        ],
      },
      {
        library: 'ultralytics',
        aliases: ['VarifocalLoss'],
        parameters: [
          { name: 'gamma', default: '2.0' },
          { name: 'alpha', default: '0.75' },
        ],
        note: 'BCE-with-logits weighted by α·σ^γ·(1 − label) + q·label, averaged over classes and summed over anchors.',
      },
      { library: 'paper', aliases: ['VFL', 'Varifocal'], parameters: [] },
    ],
    intuition: 'Like QFL it trains the score toward the IoU, but asymmetrically: positives keep their full weight (scaled by q), only negatives are focused.',
    traps: [
      'Unlike QFL, positives are not down-weighted as p approaches q: the two losses rank hard positives differently.',
      'Older ultralytics versions take alpha and gamma in forward(), newer ones in the constructor.',
    ],
    papers: [VARIFOCAL_PAPER],
    notebookCell: [
      'alpha = 0.75',
      'gamma = 2',
      'q = 0.8',
      'vfl_pos(p) = -q * (q * log(p) + (1 - q) * log(1 - p))',
      'vfl_neg(p) = -alpha * p^gamma * log(1 - p)',
      'plot([vfl_pos(p), vfl_neg(p), qfl(p, q, 2)], p, 0.01, 0.99, {grad: true, names: ["VFL positive (q)", "VFL negative", "QFL β = 2"], sliders: {alpha: [0, 1], gamma: [0, 4], q: [0.01, 1]}, x_label: "p"})',
    ].join('\n'),
  },
  {
    id: 'triplet',
    title: 'Triplet margin loss',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathcal{L}(a, p, n) = \max\big(d(a, p) - d(a, n) + \alpha,\ 0\big)\\ d(x, y) = \lVert x - y + \epsilon\rVert_p\end{gathered}`,
    unicode: 'L(a, p, n) = max(d(a, p) − d(a, n) + α, 0), d(x, y) = ‖x − y + ε‖_p',
    parameters: [
      { symbol: 'α', key: 'margin', meaning: 'margin between positive and negative distances' },
      { symbol: 'p', key: 'p', meaning: 'order of the p-norm' },
      { symbol: 'ε', key: 'eps', meaning: 'added to every coordinate of the difference, as PyTorch does' },
      { symbol: 'swap', key: 'swap', meaning: 'use min(d(a, n), d(p, n)) as the negative distance' },
      { symbol: 'soft', key: 'soft', meaning: 'softplus(d_ap − d_an) instead of the hinge' },
      REDUCTION,
    ],
    libraries: [
      { library: 'losslab', aliases: ['triplet', 'triplet_hinge'], parameters: [] },
      {
        library: 'pytorch',
        aliases: ['TripletMarginLoss', 'triplet_margin_loss', 'TripletMarginWithDistanceLoss', 'triplet_margin_with_distance_loss'],
        parameters: [
          { name: 'margin', default: '1.0' },
          { name: 'p', default: '2.0' },
          { name: 'eps', default: '1e-06' },
          { name: 'swap', default: 'False' },
          { name: 'reduction', default: "'mean'" },
          { name: 'distance_function', default: 'None', note: 'WithDistanceLoss only; None means pairwise_distance' },
        ],
        note: 'Takes explicit (anchor, positive, negative) batches.',
      },
      {
        library: 'pytorch-metric-learning',
        aliases: ['TripletMarginLoss'],
        parameters: [
          { name: 'margin', default: '0.05' },
          { name: 'swap', default: 'False' },
          { name: 'smooth_loss', default: 'False', note: 'True is the soft margin' },
          { name: 'triplets_per_anchor', default: "'all'" },
          { name: 'distance', default: 'LpDistance(normalize_embeddings=True)' },
        ],
        note: 'Takes (embeddings, labels): without a miner it forms every valid triplet and averages over the non-zero ones (batch-all) on L2-normalised embeddings.',
      },
    ],
    intuition: 'Pulls the anchor toward the positive and pushes it from the negative until the negative is at least α farther; then the triplet stops contributing.',
    traps: [
      'The same class name, two losses: torch.nn.TripletMarginLoss (explicit triplets, margin 1.0) and pytorch_metric_learning.losses.TripletMarginLoss (all triplets of a labelled batch, normalised embeddings, margin 0.05).',
      'eps is added to the difference: identical embeddings give d = ε·√D, not 0.',
      'Once d_an > d_ap + α the triplet gives no gradient at all: hence mining (batch-hard, semi-hard).',
    ],
    papers: [FACENET_PAPER],
    notebookCell: [
      'margin = 1',
      'd_an = 1.5',
      'plot([triplet_hinge(d_ap, d_an, margin), softplus(d_ap - d_an)], d_ap, 0, 3, {grad: true, names: ["hinge", "soft margin"], sliders: {margin: [0, 2], d_an: [0, 3]}, x_label: "d(a, p)"})',
      'triplet([[0, 0]], [[0, 1]], [[2, 0]], {margin: margin})',
    ].join('\n'),
  },
  {
    id: 'batch_hard',
    title: 'Batch-hard triplet loss',
    category: 'mining',
    latex: String.raw`\mathcal{L}_{BH} = \frac{1}{PK}\sum_{a}\Big[\alpha + \max_{p:\,y_p = y_a} d(a, p) - \min_{n:\,y_n \neq y_a} d(a, n)\Big]_{+}`,
    unicode: 'L_BH = (1/PK)·Σ_a [α + max_{p: y_p = y_a} d(a, p) − min_{n: y_n ≠ y_a} d(a, n)]₊',
    parameters: [
      { symbol: 'α', key: 'margin', meaning: 'margin of the hinge' },
      { symbol: 'soft', key: 'soft', meaning: 'softplus(d_ap − d_an) instead of the hinge (the paper’s choice)' },
      { symbol: 'distance', key: 'distance', meaning: "'euclidean', 'squared-euclidean' or 'cosine'", default: 'euclidean' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['batch_hard'], parameters: [] },
      {
        library: 'pytorch-metric-learning',
        aliases: ['BatchHardMiner'],
        parameters: [{ name: 'distance', default: 'LpDistance(normalize_embeddings=True)' }],
        note: 'Returns the hardest triplet per anchor; the loss (e.g. TripletMarginLoss, margin 0.05) is applied afterwards.',
      },
      { library: 'tensorflow-addons', aliases: ['TripletHardLoss', 'triplet_hard_loss'], parameters: [{ name: 'margin', default: '1.0' }, { name: 'soft', default: 'False' }] },
    ],
    intuition: 'For each anchor, only its farthest positive and nearest negative in the batch: the triplet that currently violates the margin most.',
    traps: [
      'A batch with no positives (every identity once) has no valid anchor: the loss is 0 with no gradient. Sample P identities × K images.',
      'Collapsed embeddings (all equal) give loss = α and a zero gradient: LossLab reports `collapsed`.',
      'The hardest positive is often a label error; Hermans et al. use the soft margin.',
    ],
    papers: [TRIPLET_DEFENSE_PAPER],
    notebookCell: [
      'margin = 0.3',
      'd_an = 1',
      'plot([triplet_hinge(d_ap, d_an, margin), softplus(d_ap - d_an)], d_ap, 0, 2, {grad: true, names: ["hinge", "soft"], sliders: {margin: [0, 1], d_an: [0, 2]}, x_label: "hardest d(a, p)"})',
      'h = batch_hard([[0, 0], [0, 1], [3, 0], [3, 1]], [0, 0, 1, 1], {margin: margin})',
    ].join('\n'),
  },
  {
    id: 'batch_all',
    title: 'Batch-all triplet loss',
    category: 'mining',
    latex: String.raw`\begin{gathered}\mathcal{L}_{BA} = \frac{1}{\lvert\{(a, p, n) : \ell_{apn} > 0\}\rvert}\sum_{a, p, n}\ell_{apn}\\ \ell_{apn} = \big[\alpha + d(a, p) - d(a, n)\big]_{+}\end{gathered}`,
    unicode: 'L_BA = Σ_{a,p,n} ℓ_apn / #{ℓ_apn > 0}, ℓ_apn = [α + d(a, p) − d(a, n)]₊ over every valid triplet of the batch',
    parameters: [
      { symbol: 'α', key: 'margin', meaning: 'margin of the hinge' },
      { symbol: 'soft', key: 'soft', meaning: 'softplus(d_ap − d_an) instead of the hinge' },
      { symbol: 'distance', key: 'distance', meaning: "'euclidean', 'squared-euclidean' or 'cosine'", default: 'euclidean' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['batch_all'], parameters: [] },
      {
        library: 'pytorch-metric-learning',
        aliases: ['AvgNonZeroReducer'],
        parameters: [{ name: 'margin (TripletMarginLoss)', default: '0.05' }],
        note: 'TripletMarginLoss without a miner is this loss: all triplets, AvgNonZeroReducer, normalised embeddings.',
      },
    ],
    intuition: 'Uses every valid triplet but averages only over those that still violate the margin, so easy triplets do not dilute the gradient.',
    traps: [
      'The denominator is the number of positive-loss triplets: the loss can rise while training improves. Watch `fraction_positive`.',
      'A batch with no positives has no valid triplet: LossLab returns 0, naive code divides by zero.',
      'The number of triplets grows as B³.',
    ],
    papers: [TRIPLET_DEFENSE_PAPER],
    notebookCell: [
      'margin = 0.3',
      'd_an = 1',
      'plot(triplet_hinge(d_ap, d_an, margin), d_ap, 0, 2, {grad: true, sliders: {margin: [0, 1], d_an: [0, 2]}, x_label: "d(a, p)"})',
      'a = batch_all([[0, 0], [0, 1], [3, 0], [3, 1]], [0, 0, 1, 1], {margin: margin})',
    ].join('\n'),
  },
  {
    id: 'semi_hard',
    title: 'Semi-hard triplet mining',
    category: 'mining',
    latex: String.raw`n^{*}(a, p) = \operatorname*{arg\,min}_{n:\ d(a, p) < d(a, n) < d(a, p) + \alpha} d(a, n)`,
    unicode: 'n*(a, p) = argmin_n d(a, n) over negatives with d(a, p) < d(a, n) < d(a, p) + α',
    parameters: [
      { symbol: 'α', key: 'margin', meaning: 'margin of the hinge and of the semi-hard band' },
      { symbol: 'distance', key: 'distance', meaning: "'euclidean', 'squared-euclidean' or 'cosine'", default: 'euclidean' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['semi_hard'], parameters: [] },
      { library: 'tensorflow-addons', aliases: ['TripletSemiHardLoss', 'triplet_semihard_loss'], parameters: [{ name: 'margin', default: '1.0' }] },
    ],
    intuition: 'Negatives farther than the positive but inside the margin: hard enough to teach, not so hard that they collapse the embedding early in training.',
    traps: [
      'When a positive pair has no semi-hard negative, implementations differ (FaceNet: skip; TF Addons: take the farthest negative). LossLab counts these as dropped_pairs.',
    ],
    papers: [FACENET_PAPER],
    notebookCell: [
      'margin = 1',
      'd_ap = 0.5',
      'plot(triplet_hinge(d_ap, d_an, margin), d_an, 0, 3, {grad: true, sliders: {margin: [0, 2], d_ap: [0, 2]}, x_label: "d(a, n): semi-hard between d_ap and d_ap + margin"})',
      's = semi_hard([[0, 0], [0, 1], [0.5, 0], [3, 1]], [0, 0, 1, 1], {margin: margin})',
    ].join('\n'),
  },
  {
    id: 'census',
    title: 'Triplet census (easy / semi-hard / hard)',
    category: 'mining',
    latex: String.raw`(a, p, n)\ \text{is}\ \begin{cases}\text{easy} & d(a, n) > d(a, p) + \alpha\\ \text{semi-hard} & d(a, p) \le d(a, n) \le d(a, p) + \alpha\\ \text{hard} & d(a, n) < d(a, p)\end{cases}`,
    unicode: 'easy: d(a, n) > d(a, p) + α; semi-hard: d(a, p) ≤ d(a, n) ≤ d(a, p) + α; hard: d(a, n) < d(a, p)',
    parameters: [{ symbol: 'α', key: 'margin', meaning: 'margin of the categories (third argument)', default: 0.3 }],
    libraries: [
      { library: 'losslab', aliases: ['census'], parameters: [] },
      {
        library: 'pytorch-metric-learning',
        aliases: ['TripletMarginMiner'],
        parameters: [
          { name: 'margin', default: '0.2' },
          { name: 'type_of_triplets', default: "'all'", note: "'all' = every margin violator (hard + semi-hard); also 'hard', 'semihard', 'easy'" },
        ],
      },
    ],
    intuition: 'How much of the batch still teaches anything: only hard and semi-hard triplets have a non-zero hinge.',
    traps: ['A batch with no positives has no valid triplets at all: every count is 0.', 'The categories depend on the margin; compare censuses at the margin you train with.'],
    papers: [FACENET_PAPER],
    notebookCell: [
      'margin = 0.3',
      'd_ap = 1',
      'plot(triplet_hinge(d_ap, d_an, margin), d_an, 0, 2, {grad: true, sliders: {margin: [0, 1], d_ap: [0, 2]}, x_label: "d(a, n)"})',
      'census([[0, 0], [0, 1], [0.5, 0], [3, 1]], [0, 0, 1, 1], margin)',
    ].join('\n'),
  },
  {
    id: 'sigmoid',
    title: 'Sigmoid',
    category: 'helper',
    latex: String.raw`\sigma(x) = \frac{1}{1 + e^{-x}},\qquad \sigma'(x) = \sigma(x)\,\sigma(-x)`,
    unicode: 'σ(x) = 1 / (1 + e^(−x)), σ′(x) = σ(x)·σ(−x)',
    parameters: [],
    libraries: [
      { library: 'losslab', aliases: ['sigmoid'], parameters: [] },
      { library: 'pytorch', aliases: ['sigmoid', 'Sigmoid'], parameters: [] },
    ],
    intuition: 'Turns a logit into a probability; the sigmoid losses (focal, QFL) apply it per class instead of a softmax over classes.',
    traps: ['log(sigmoid(x)) is −∞ for x ≲ −745 in float64 (−104 in float32): use logsigmoid or BCE-with-logits.'],
    papers: [],
    notebookCell: 'plot([sigmoid(x), logsigmoid(x)], x, -10, 10, {grad: true, names: ["σ(x)", "log σ(x)"]})',
  },
  {
    id: 'softplus',
    title: 'Softplus',
    category: 'helper',
    latex: String.raw`\operatorname{softplus}(x) = \log(1 + e^{x}) = \max(x, 0) + \log\big(1 + e^{-\lvert x\rvert}\big)`,
    unicode: 'softplus(x) = log(1 + e^x) = max(x, 0) + log(1 + e^(−|x|))',
    parameters: [],
    libraries: [
      { library: 'losslab', aliases: ['softplus'], parameters: [] },
      {
        library: 'pytorch',
        aliases: ['softplus', 'Softplus'],
        parameters: [
          { name: 'beta', default: '1' },
          { name: 'threshold', default: '20', note: 'above β·x > 20 it returns x exactly' },
        ],
      },
    ],
    intuition: 'A smooth hinge: the soft-margin triplet loss, and −log σ(−x), the BCE of a logit.',
    traps: ['log(1 + exp(x)) overflows for x > 709; the max form is exact everywhere.'],
    papers: [],
    notebookCell: 'plot([softplus(x), max(x, 0)], x, -6, 6, {grad: true, names: ["softplus", "hinge"]})',
  },
  {
    id: 'logsigmoid',
    title: 'Log-sigmoid',
    category: 'helper',
    latex: String.raw`\log\sigma(x) = -\operatorname{softplus}(-x)`,
    unicode: 'log σ(x) = −softplus(−x)',
    parameters: [],
    libraries: [
      { library: 'losslab', aliases: ['logsigmoid'], parameters: [] },
      { library: 'pytorch', aliases: ['logsigmoid', 'LogSigmoid'], parameters: [] },
    ],
    intuition: 'The log-probability of a logit, finite for every finite x.',
    traps: ['Computed as log(sigmoid(x)) it is −∞ (and its gradient NaN) for very negative x.'],
    papers: [],
    notebookCell: 'plot(logsigmoid(x), x, -20, 20, {grad: true})',
  },
  {
    id: 'softmax',
    title: 'Softmax',
    category: 'helper',
    latex: String.raw`\operatorname{softmax}(z)_i = \frac{e^{z_i - \max_j z_j}}{\sum_k e^{z_k - \max_j z_j}}`,
    unicode: 'softmax(z)_i = e^(z_i − max z) / Σ_k e^(z_k − max z)',
    parameters: [],
    libraries: [
      { library: 'losslab', aliases: ['softmax'], parameters: [] },
      { library: 'pytorch', aliases: ['softmax', 'Softmax', 'log_softmax', 'LogSoftmax'], parameters: [{ name: 'dim', default: 'required' }] },
    ],
    intuition: 'Turns bin or class logits into a distribution; subtracting the maximum changes nothing but keeps every exponential ≤ 1.',
    traps: ['Softmax over the wrong dim still sums to 1 along it: the bug is silent. DFL needs the bins of one side, not all 4·n.'],
    papers: [],
    notebookCell: ['z1 = 1', 'plot(exp(t) / (1 + exp(t) + exp(2)), t, -5, 8, {grad: true, x_label: "z₁ in [0, z₁, 2]", y_label: "softmax(z)₁"})', 'softmax([0, z1, 2])'].join('\n'),
  },
  {
    id: 'entropy',
    title: 'Entropy',
    category: 'helper',
    latex: String.raw`H(p) = -\sum_i p_i\log p_i`,
    unicode: 'H(p) = −Σ_i p_i·log p_i (nats)',
    parameters: [],
    libraries: [{ library: 'losslab', aliases: ['entropy'], parameters: [] }],
    intuition: 'Cross-entropy = entropy + KL, so the entropy of a target distribution is the least any cross-entropy to it can be: the DFL floor.',
    traps: ['0·log 0 is taken as 0; computing p·log(p) directly gives NaN at p = 0.'],
    papers: [],
    notebookCell: 'plot(entropy([w, 1 - w]), w, 0.001, 0.999, {x_label: "weight of the left bin", y_label: "DFL floor H(w, 1 − w)"})',
  },
  {
    id: 'distance2bbox',
    title: 'distance2bbox (decode distances to a box)',
    category: 'helper',
    latex: String.raw`(x_1, y_1, x_2, y_2) = (p_x - l,\ p_y - t,\ p_x + r,\ p_y + b)`,
    unicode: '(x1, y1, x2, y2) = (px − l, py − t, px + r, py + b)',
    parameters: [],
    libraries: [
      { library: 'losslab', aliases: ['distance2bbox'], parameters: [] },
      { library: 'mmdetection', aliases: ['distance2bbox', 'DistancePointBBoxCoder'], parameters: [{ name: 'max_shape', default: 'None', note: 'clips to the image when given' }] },
      { library: 'ultralytics', aliases: ['dist2bbox'], parameters: [{ name: 'xywh', default: 'True', note: 'returns (cx, cy, w, h) unless xywh=False' }] },
    ],
    intuition: 'An anchor-free head predicts the distances from an anchor point to the four sides; this turns them back into corners.',
    traps: ["ultralytics' dist2bbox returns (cx, cy, w, h) by default.", 'Distances from the head are in stride units: multiply by the stride before decoding in pixels.'],
    papers: [FCOS_PAPER],
    notebookCell: ['l = 2', 'plot(l + 4, l, 0, 8, {grad: true, x_label: "left distance l", y_label: "box width l + r (r = 4)"})', 'distance2bbox([[10, 10]], [[l, 3, 4, 5]])'].join('\n'),
  },
  {
    id: 'bbox2distance',
    title: 'bbox2distance (encode a box as distances)',
    category: 'helper',
    latex: String.raw`\begin{gathered}(l, t, r, b) = \operatorname{clip}\big(\delta,\ 0,\ d_{max} - \epsilon\big)\\ \delta = (p_x - x_1,\ p_y - y_1,\ x_2 - p_x,\ y_2 - p_y)\end{gathered}`,
    unicode: '(l, t, r, b) = clip((px − x1, py − y1, x2 − px, y2 − py), 0, max_dis − eps)',
    parameters: [
      { symbol: 'max_dis', meaning: 'upper clamp (mmdetection passes reg_max)' },
      { symbol: 'ε', key: 'eps', meaning: 'keeps targets below the last bin (fourth argument)', default: 0.1 },
    ],
    libraries: [
      { library: 'losslab', aliases: ['bbox2distance'], parameters: [] },
      { library: 'mmdetection', aliases: ['bbox2distance'], parameters: [{ name: 'max_dis', default: 'None' }, { name: 'eps', default: '0.1' }] },
      { library: 'ultralytics', aliases: ['bbox2dist'], parameters: [{ name: 'reg_max', default: 'required', note: 'called with reg_max − 1 = 15: clamps to 14.99' }] },
    ],
    intuition: 'The DFL regression target: distances from the anchor to the sides, kept strictly inside the bin range so the two-bin interpolation exists.',
    traps: ['The clamp silently caps large boxes at (reg_max − eps)·stride pixels; the cap differs between mmdetection (15.9) and ultralytics (14.99).'],
    papers: [GFL_PAPER],
    binConventions: REG_MAX_CONVENTIONS,
    notebookCell: ['x2 = 14', 'plot(x2 - 10, x2, 10, 40, {grad: true, x_label: "right edge x2", y_label: "unclamped right distance"})', 'bbox2distance([[10, 10]], [[8, 7, x2, 15]], 16)'].join('\n'),
  },
  {
    id: 'bins',
    title: 'bins (what reg_max means)',
    category: 'helper',
    latex: String.raw`n_{bins} = \begin{cases} \mathrm{reg\_max} + 1 & \text{mmdetection}\\ \mathrm{reg\_max} & \text{ultralytics}\end{cases}`,
    unicode: 'bins = reg_max + 1 (mmdetection) or reg_max (ultralytics)',
    parameters: [{ symbol: 'reg_max', meaning: "with the convention, 'mmdetection' or 'ultralytics'" }],
    libraries: [
      { library: 'losslab', aliases: ['bins'], parameters: [] },
      { library: 'mmdetection', aliases: ['reg_max'], parameters: [{ name: 'reg_max', default: '16', note: '17 bins' }] },
      { library: 'ultralytics', aliases: ['reg_max'], parameters: [{ name: 'reg_max', default: '16', note: '16 bins' }] },
    ],
    intuition: 'The two codebases count the bins of a box side differently; one bin of difference shifts every decoded distance.',
    traps: ['Loading ultralytics weights into an mmdetection-style head (or the reverse) still runs: the bin count is off by one and every distance is wrong.'],
    papers: [GFL_PAPER],
    binConventions: REG_MAX_CONVENTIONS,
    notebookCell: ['bins(16, "mmdetection")', 'bins(16, "ultralytics")'].join('\n'),
  },
  {
    id: 'mine',
    title: "pytorch-metric-learning's miners",
    category: 'mining',
    latex: String.raw`\begin{gathered}m_{apn} = d(a, n) - d(a, p)\quad(\text{cosine: } s_{ap} - s_{an})\\ \text{easy: } m > \alpha,\quad \text{all: } m \le \alpha\\ \text{hard: } m \le \min(\alpha, 0),\quad \text{semihard: } 0 < m \le \alpha\end{gathered}`,
    unicode: 'TripletMarginMiner: m = d(a, n) − d(a, p) (cosine: s_ap − s_an); easy m > α, all m ≤ α, hard m ≤ min(α, 0), semihard 0 < m ≤ α. BatchHardMiner: argmax_p d(a, p), argmin_n d(a, n). MultiSimilarityMiner: keep s_ap − ε < max_n s_an and s_an + ε > min_p s_ap. PairMarginMiner: d_ap > pos_margin, d_an < neg_margin.',
    parameters: [
      { symbol: 'miner', key: 'miner', meaning: "'triplet_margin', 'batch_hard', 'batch_easy_hard', 'multi_similarity' or 'pair_margin' (else the one whose options are given)" },
      { symbol: 'α', key: 'margin', meaning: 'TripletMarginMiner margin' },
      { symbol: 'type', key: 'type_of_triplets', meaning: "TripletMarginMiner: 'all', 'hard', 'semihard' or 'easy'" },
      { symbol: 'ε', key: 'epsilon', meaning: 'MultiSimilarityMiner slack' },
      { symbol: 'pos_margin', key: 'pos_margin', meaning: 'PairMarginMiner: positives farther than this' },
      { symbol: 'neg_margin', key: 'neg_margin', meaning: 'PairMarginMiner: negatives nearer than this' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['mine', 'triplet_projection'], parameters: [], note: "triplet_projection colours its triplets by TripletMarginMiner's categories (hard m ≤ 0, semi-hard 0 < m ≤ α, easy m > α) from their original-space distances, on the batch's principal axes; a slider moves α in the figure." },
      {
        library: 'pytorch-metric-learning',
        aliases: ['TripletMarginMiner'],
        parameters: [
          { name: 'margin', default: '0.2' },
          { name: 'type_of_triplets', default: "'all'" },
          { name: 'distance', default: 'LpDistance(normalize_embeddings=True)' },
        ],
        note: "'hard' includes d_an = d_ap and 'all' is every triplet that is not easy; LossLab's census counts d_an = d_ap as semi-hard.",
      },
      { library: 'pytorch-metric-learning', aliases: ['BatchHardMiner'], parameters: [{ name: 'distance', default: 'LpDistance(normalize_embeddings=True)' }], note: 'One triplet per anchor with a positive and a negative; ties go to the lowest index.' },
      {
        library: 'pytorch-metric-learning',
        aliases: ['BatchEasyHardMiner'],
        parameters: [
          { name: 'pos_strategy', default: "'easy'" },
          { name: 'neg_strategy', default: "'semihard'" },
          { name: 'allowed_pos_range', default: 'None' },
          { name: 'allowed_neg_range', default: 'None' },
        ],
        note: 'Returns pairs (a1, p, a2, n). semihard picks the other side first and keeps candidates strictly on its side; semihard with all, or on both sides, is refused.',
      },
      { library: 'pytorch-metric-learning', aliases: ['MultiSimilarityMiner'], parameters: [{ name: 'epsilon', default: '0.1' }, { name: 'distance', default: 'CosineSimilarity()' }], note: 'Returns each anchor’s pairs in sorted-similarity order; LossLab lists them lexicographically.' },
      { library: 'pytorch-metric-learning', aliases: ['PairMarginMiner'], parameters: [{ name: 'pos_margin', default: '0.2' }, { name: 'neg_margin', default: '0.8' }, { name: 'distance', default: 'LpDistance(normalize_embeddings=True)' }] },
    ],
    intuition: 'A miner chooses which tuples of a batch the loss sees: those that violate the margin (hard, semi-hard) carry the gradient, easy ones only dilute it.',
    traps: [
      'pml normalises embeddings by default (LpDistance(normalize_embeddings=True)): distances are then at most 2, and a margin meant for raw embeddings selects almost nothing or everything.',
      'With CosineSimilarity every comparison flips: the hardest positive is the least similar, and the margin is on s_ap − s_an.',
      'Tuples in a cell are positions from 1; pml and the core count from 0.',
    ],
    papers: [PML_PAPER, FACENET_PAPER],
    notebookCell: [
      'margin = 0.2',
      'd_ap = 0.8',
      'plot(triplet_hinge(d_ap, d_an, margin), d_an, 0, 2, {grad: true, sliders: {margin: [0, 1], d_ap: [0, 2]}, x_label: "d(a, n): hard below d_ap, semihard up to d_ap + margin"})',
      'm = mine([[0, 0], [0, 1], [1, 0], [1, 1.2]], [0, 0, 1, 1], {type_of_triplets: "semihard", margin: margin})',
    ].join('\n'),
  },
  {
    id: 'metric_loss',
    title: "pytorch-metric-learning's TripletMarginLoss",
    category: 'loss',
    latex: String.raw`\begin{gathered}\ell_{apn} = \big[d(a, p) - d(a, n) + \alpha\big]_{+}\\ \text{or}\quad \ell_{apn} = \operatorname{softplus}\big(d(a, p) - d(a, n) + \alpha\big)\\ \mathcal{L} = \frac{1}{\lvert\{\ell_{apn} > 0\}\rvert}\sum_{a, p, n}\ell_{apn}\end{gathered}`,
    unicode: 'ℓ_apn = [d(a, p) − d(a, n) + α]₊ (smooth_loss: softplus), over every valid triplet or the mined ones; L = mean over the ℓ > 0 (AvgNonZeroReducer). With swap, d(a, n) becomes min(d(a, n), d(p, n)).',
    parameters: [
      { symbol: 'loss', key: 'loss', meaning: "'triplet_margin', 'contrastive' or 'multi_similarity' (else the one whose options are given)" },
      { symbol: 'α', key: 'margin', meaning: 'TripletMarginLoss margin' },
      { symbol: 'swap', key: 'swap', meaning: 'use the closer of d(a, n) and d(p, n)' },
      { symbol: 'smooth', key: 'smooth_loss', meaning: 'softplus instead of the hinge (PyTorch’s: x itself above 20)' },
      { symbol: 'pos_margin', key: 'pos_margin', meaning: 'ContrastiveLoss: positives cost [d − pos_margin]₊' },
      { symbol: 'neg_margin', key: 'neg_margin', meaning: 'ContrastiveLoss: negatives cost [neg_margin − d]₊' },
      { symbol: 'α_ms', key: 'alpha', meaning: 'MultiSimilarityLoss positive scale' },
      { symbol: 'β', key: 'beta', meaning: 'MultiSimilarityLoss negative scale' },
      { symbol: 'λ', key: 'base', meaning: 'MultiSimilarityLoss similarity offset' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['metric_loss'], parameters: [] },
      {
        library: 'pytorch-metric-learning',
        aliases: ['TripletMarginLoss'],
        parameters: [
          { name: 'margin', default: '0.05' },
          { name: 'swap', default: 'False' },
          { name: 'smooth_loss', default: 'False' },
          { name: 'triplets_per_anchor', default: "'all'" },
          { name: 'reducer', default: 'AvgNonZeroReducer()' },
          { name: 'distance', default: 'LpDistance(normalize_embeddings=True)' },
        ],
        note: 'Without a miner, every valid triplet of the labelled batch; with cosine the violation is s_an − s_ap + α.',
      },
    ],
    intuition: 'The triplet hinge over a whole labelled batch: each violating triplet pulls its positive in and pushes its negative out, and the average is over the violators only so that easy triplets do not dilute the gradient.',
    traps: [
      'Not torch.nn.TripletMarginLoss: pml’s takes (embeddings, labels), normalises them and uses margin 0.05.',
      'AvgNonZeroReducer divides by the number of violating triplets: the loss can rise while fewer triplets violate.',
      'The number of triplets grows as B³ (15.5 million at 1024 × 64 classes): mine first for large batches.',
    ],
    papers: [PML_PAPER, FACENET_PAPER],
    notebookCell: [
      'margin = 0.05',
      'd_an = 0.6',
      'plot([triplet_hinge(d_ap, d_an, margin), log(1 + exp(d_ap - d_an + margin))], d_ap, 0, 2, {grad: true, names: ["hinge", "smooth_loss"], sliders: {margin: [0, 1], d_an: [0, 2]}, x_label: "d(a, p)"})',
      'l = metric_loss([[0, 0], [0, 1], [1, 0], [1, 1.2]], [0, 0, 1, 1], {margin: margin})',
    ].join('\n'),
  },
  {
    id: 'contrastive',
    title: "pytorch-metric-learning's ContrastiveLoss",
    category: 'loss',
    latex: String.raw`\mathcal{L} = \frac{\sum_{(a, p)}\big[d_{ap} - m_{+}\big]_{+}}{\lvert\{\cdot > 0\}\rvert} + \frac{\sum_{(a, n)}\big[m_{-} - d_{an}\big]_{+}}{\lvert\{\cdot > 0\}\rvert}`,
    unicode: 'L = mean_{>0} over positive pairs of [d_ap − m₊]₊ + mean_{>0} over negative pairs of [m₋ − d_an]₊ (cosine: [m₊ − s]₊ and [s − m₋]₊)',
    parameters: [
      { symbol: 'm₊', meaning: 'pos_margin of metric_loss (pml default 0)' },
      { symbol: 'm₋', meaning: 'neg_margin of metric_loss (pml default 1)' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['metric_loss'], parameters: [] },
      {
        library: 'pytorch-metric-learning',
        aliases: ['ContrastiveLoss'],
        parameters: [
          { name: 'pos_margin', default: '0' },
          { name: 'neg_margin', default: '1' },
          { name: 'reducer', default: 'AvgNonZeroReducer() per side' },
          { name: 'distance', default: 'LpDistance(normalize_embeddings=True)' },
        ],
        note: 'The two sides are reduced separately and summed. When each of a1, p, a2, n has at most one element the loss is 0 (GenericPairLoss), even if a pair violates its margin.',
      },
    ],
    intuition: 'Positive pairs are pulled inside pos_margin and negative pairs pushed beyond neg_margin; pairs already on the right side cost nothing.',
    traps: ['With normalised embeddings d ≤ 2, so neg_margin ≥ 2 pushes every negative pair forever.'],
    papers: [PML_PAPER],
    notebookCell: [
      'pos_margin = 0',
      'neg_margin = 1',
      'plot([triplet_hinge(d, pos_margin, 0), triplet_hinge(neg_margin, d, 0)], d, 0, 2, {grad: true, names: ["positive pair", "negative pair"], sliders: {pos_margin: [0, 1], neg_margin: [0, 2]}, x_label: "d"})',
      'metric_loss([[0, 0], [0, 1], [1, 0], [1, 1.2]], [0, 0, 1, 1], {loss: "contrastive", neg_margin: neg_margin}).loss',
    ].join('\n'),
  },
  {
    id: 'multi_similarity',
    title: 'Multi-similarity loss',
    category: 'loss',
    latex: String.raw`\begin{gathered}\mathcal{L} = \frac{1}{B}\sum_{i}\Big[\frac{1}{\alpha}\log\Big(1 + \sum_{p \in P_i} e^{-\alpha (s_{ip} - \lambda)}\Big)\\ + \frac{1}{\beta}\log\Big(1 + \sum_{n \in N_i} e^{\beta (s_{in} - \lambda)}\Big)\Big]\end{gathered}`,
    unicode: 'L = (1/B)·Σ_i [(1/α)·log(1 + Σ_{p∈P_i} exp(−α(s_ip − λ))) + (1/β)·log(1 + Σ_{n∈N_i} exp(β(s_in − λ)))]',
    parameters: [
      { symbol: 'α', meaning: 'alpha of metric_loss (pml default 2)' },
      { symbol: 'β', meaning: 'beta of metric_loss (pml default 50)' },
      { symbol: 'λ', meaning: 'base of metric_loss (pml default 0.5)' },
      { symbol: 'ε', meaning: 'epsilon of the MultiSimilarityMiner (mine, pml default 0.1)' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['metric_loss'], parameters: [] },
      {
        library: 'pytorch-metric-learning',
        aliases: ['MultiSimilarityLoss', 'MultiSimilarityMiner'],
        parameters: [
          { name: 'alpha', default: '2' },
          { name: 'beta', default: '50' },
          { name: 'base', default: '0.5' },
          { name: 'epsilon (miner)', default: '0.1' },
          { name: 'distance', default: 'CosineSimilarity()' },
        ],
        note: 'The mean is over all B rows (MeanReducer); an anchor without positives keeps its negative term.',
      },
    ],
    intuition: 'Soft versions of the hardest positive and negative per anchor: the log-sum-exp weights each pair by how badly it sits relative to λ, with β much sharper than α.',
    traps: ['β = 50 makes exp(β(s − λ)) overflow a naive float32 sum near s = 1; LossLab shifts the log-sum-exp.', 'The paper pairs it with its miner (ε = 0.1); without one, every pair counts.'],
    papers: [MULTI_SIMILARITY_PAPER],
    notebookCell: [
      'alpha = 2',
      'beta = 50',
      'base = 0.5',
      'plot([log(1 + exp(alpha * (base - s))) / alpha, log(1 + exp(beta * (s - base))) / beta], s, -1, 1, {grad: true, names: ["one positive", "one negative"], sliders: {alpha: [0.5, 10], beta: [1, 100], base: [0, 1]}, x_label: "similarity s"})',
      'metric_loss([[0, 0], [0, 1], [1, 0], [1, 1.2]], [0, 0, 1, 1], {loss: "multi_similarity", miner: "multi_similarity"}).loss',
    ].join('\n'),
  },
  {
    id: 'metric_distance',
    title: "pytorch-metric-learning's distances",
    category: 'helper',
    latex: String.raw`\begin{gathered}\hat{x} = \frac{x}{\max(\lVert x\rVert_2, 10^{-12})}\\ \text{LpDistance: } \lVert\hat{x}_i - \hat{x}_j\rVert_p^{\,power}\\ \text{CosineSimilarity: } (\hat{x}_i\cdot\hat{x}_j)^{power}\end{gathered}`,
    unicode: 'u = x / max(‖x‖₂, 1e-12) (LpDistance unless normalize_embeddings=False; always for cosine); LpDistance ‖u_i − u_j‖_p^power, CosineSimilarity (u_i·u_j)^power, a similarity: every comparison is inverted',
    parameters: [
      { symbol: 'distance', meaning: "'lp' or 'cosine' in mine and metric_loss" },
      { symbol: 'p', meaning: 'order of the norm (2)' },
      { symbol: 'power', meaning: 'the matrix is raised to it (1)' },
      { symbol: 'normalize_embeddings', meaning: 'normalise rows first (true)' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['normalize_embeddings'], parameters: [] },
      { library: 'pytorch-metric-learning', aliases: ['LpDistance'], parameters: [{ name: 'p', default: '2' }, { name: 'power', default: '1' }, { name: 'normalize_embeddings', default: 'True' }] },
      { library: 'pytorch-metric-learning', aliases: ['CosineSimilarity'], parameters: [{ name: 'power', default: '1' }], note: 'is_inverted = True: larger is closer, margin(x, y) = y − x, smallest_dist is max.' },
    ],
    intuition: 'pml separates how closeness is measured from what a miner or loss does with it; a similarity flips every comparison instead of changing the code.',
    traps: ['LossLab’s older triplet, batch_hard and census use raw embeddings; pml normalises by default, so the same margin means something else.'],
    papers: [PML_PAPER],
    notebookCell: ['e = [[3, 4], [0, 2]]', 'mine(e, [0, 1], {miner: "pair_margin", neg_margin: 1}).num_neg_pairs', 'mine(e, [0, 1], {miner: "pair_margin", neg_margin: 1, normalize_embeddings: false}).num_neg_pairs'].join('\n'),
  },
  {
    id: 'metric_reducer',
    title: "pytorch-metric-learning's reducers",
    category: 'helper',
    latex: String.raw`\begin{gathered}\text{mean: } \frac{1}{N}\sum_k \ell_k,\qquad \text{avg\_non\_zero: } \frac{\sum_{\ell_k > 0}\ell_k}{\lvert\{\ell_k > 0\}\rvert}\\ \text{threshold: } \operatorname{mean}\{\ell_k : low < \ell_k < high\}\end{gathered}`,
    unicode: 'mean: Σℓ/N; avg_non_zero: mean of ℓ > 0 (0 when none); threshold: mean of low < ℓ < high, both strict (0 when none)',
    parameters: [
      { symbol: 'reducer', meaning: "'mean', 'avg_non_zero' or 'threshold' in metric_loss" },
      { symbol: 'low, high', meaning: 'reducer_low and reducer_high of the threshold reducer' },
    ],
    libraries: [
      { library: 'losslab', aliases: ['reducer_low', 'reducer_high'], parameters: [] },
      { library: 'pytorch-metric-learning', aliases: ['MeanReducer'], parameters: [] },
      { library: 'pytorch-metric-learning', aliases: ['AvgNonZeroReducer'], parameters: [], note: 'ThresholdReducer(low=0).' },
      { library: 'pytorch-metric-learning', aliases: ['ThresholdReducer'], parameters: [{ name: 'low', default: 'None' }, { name: 'high', default: 'None' }], note: 'low is applied first, then high; both strict.' },
    ],
    intuition: 'How per-tuple losses become one number decides how much each violator weighs: averaging over violators only keeps the gradient from shrinking as most tuples become easy.',
    traps: ['With nothing left after the filter the loss is 0 with a zero gradient, not NaN.'],
    papers: [PML_PAPER],
    notebookCell: ['e = [[0, 0], [0, 1], [1, 0], [1, 1.2]]', 'metric_loss(e, [0, 0, 1, 1], {reducer: "mean", margin: 0.5}).loss', 'metric_loss(e, [0, 0, 1, 1], {reducer_low: 0.1, margin: 0.5}).num_past_filter'].join('\n'),
  },
];

/**
 * The catalog with LossLab's defaults filled in from the builtins' options (builtins/defaults.ts),
 * so that a hover shows the default a cell runs with.
 */
export const FORMULA_CATALOG: readonly FormulaEntry[] = ENTRIES.map((entry) => {
  const options = OPTIONS_BY_BUILTIN.get(entry.id);
  if (options === undefined) return entry;
  return {
    ...entry,
    parameters: entry.parameters.map((parameter) => {
      const value = options.find((option) => option.key === parameter.key)?.default;
      return value === undefined ? parameter : { ...parameter, default: value };
    }),
  };
});

export const FORMULA_BY_ID: ReadonlyMap<string, FormulaEntry> = new Map(FORMULA_CATALOG.map((entry) => [entry.id, entry]));

/** The arXiv abstract page of a paper. */
export function paperLink(paper: Paper): string {
  return `https://arxiv.org/abs/${paper.arxiv}`;
}

/** The cells `Open in LossLab` adds for an entry: a markdown cell naming it, then its plot cell. */
export function entryCells(entry: FormulaEntry): { kind: 'markdown' | 'code'; source: string }[] {
  const paper = entry.papers[0];
  const reference = paper === undefined ? '' : `\n\n${paper.authors}, [*${paper.title}*](${paperLink(paper)}), ${paper.year}.`;
  const markdown = `## ${entry.title}\n\n$$${entry.latex}$$\n\n${entry.intuition}${reference}`;
  return [
    { kind: 'markdown', source: markdown },
    { kind: 'code', source: entry.notebookCell },
  ];
}
