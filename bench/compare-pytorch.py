#!/usr/bin/env python3
"""Runs bench's loss workloads with PyTorch CPU (float32, issue 7's reference, and float64) and
prints them next to `npm run bench`'s JSON lines, with the ratios LossLab / PyTorch, in one run,
both ways issue 19 asks: one core against one core (LossLab's one-thread lines against PyTorch
with torch and OpenBLAS on one thread) and the whole machine against the whole machine (LossLab's
`_2t` pool lines, and its best line of any kind, against PyTorch's default threads). A LossLab line
in float32 mode (`_f32`) is compared with PyTorch float32 only; a float64 line with both.

Usage: /usr/bin/python3 bench/compare-pytorch.py [workload ...]   (Debian's python3-torch)
COMPARE_ROUNDS=N times each workload N times, LossLab next to PyTorch, and prints median ratios.
Each line is followed by process CPU time per call (LossLab's `cpu_median_ms`), its ratios to PyTorch's
float32 (and, for float64 lines, float64) CPU times, and peak RSS. The header says which BLAS PyTorch called (OpenBLAS's core type, i.e. the kernels it
picked for this CPU) and how many threads each side used. An optional developer tool, not a test.
Shapes follow bench/workloads.ts.
"""
import ctypes
import json
import math
import os
import subprocess
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("PyTorch is not installed for this python3 (install Debian's python3-torch); nothing to compare.")
    sys.exit(0)

# Debian's python3-torch calls the system libblas.so.3, OpenBLAS's pthreads build, whose own thread
# pool torch.set_num_threads does not reach: left alone, PyTorch's "one thread" matrix products ran
# on both cores (cpu/wall 1.99 for a 512x512x10000 sgemm). OpenBLAS's openblas_set_num_threads,
# called on the library torch loaded, does reach it, so one process measures both configurations.
# "Default threads" are each pool's own default (Debian's torch 1.13 starts with 1 intra-op
# thread on this VM; OpenBLAS with one per core).
TORCH_DEFAULT_THREADS = torch.get_num_threads()


def loaded_openblas():
    """The OpenBLAS library torch calls (found in this process's mappings), or None."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    try:
        with open('/proc/self/maps') as maps:
            paths = sorted({line.split()[-1] for line in maps if 'openblas' in line.lower() and '.so' in line})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads
        except (OSError, AttributeError):
            continue
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return lib
    return None


OPENBLAS = loaded_openblas()
OPENBLAS_DEFAULT_THREADS = OPENBLAS.openblas_get_num_threads() if OPENBLAS is not None else 1
MACHINE_THREADS = f'torch {TORCH_DEFAULT_THREADS} + BLAS {OPENBLAS_DEFAULT_THREADS} threads'


def use_threads(one):
    """PyTorch's intra-op threads and OpenBLAS's pool: both on one thread, or both at their defaults."""
    torch.set_num_threads(1 if one else TORCH_DEFAULT_THREADS)
    if OPENBLAS is not None:
        OPENBLAS.openblas_set_num_threads(1 if one else OPENBLAS_DEFAULT_THREADS)


# The process CPU time per call of the last median_ms, beside its wall time: on this shared, loaded
# VM wall time includes waiting for a core (as bench/timeOneWorkload.ts's cpu_median_ms).
last_cpu_ms = [0.0]


def median_ms(step, min_runs=9, max_runs=201, timed_ms=1000):
    """As bench/timeOneWorkload.ts: at least 9 calls, and more for a short workload until a second is timed."""
    for _ in range(3):
        step()
    times, cpus = [], []
    while len(times) < min_runs or (sum(times) < timed_ms and len(times) < max_runs):
        t, c = time.perf_counter(), time.process_time()
        step()
        times.append((time.perf_counter() - t) * 1e3)
        cpus.append((time.process_time() - c) * 1e3)
    times.sort()
    cpus.sort()
    last_cpu_ms[0] = cpus[len(cpus) // 2]
    return times[len(times) // 2]


def qfl(dt):
    g = torch.Generator().manual_seed(1)
    n, c = 20000, 80
    pred = (torch.randn(n, c, generator=g, dtype=dt) * 2).requires_grad_()
    label = torch.full((n,), c, dtype=torch.long)
    score = torch.zeros(n, dtype=dt)
    pos = torch.rand(n, generator=g) < 0.25
    label[pos] = torch.randint(0, c, (int(pos.sum()),), generator=g)
    score[pos] = torch.rand(int(pos.sum()), generator=g, dtype=dt)

    def step():
        pred.grad = None
        sig = pred.sigmoid()
        loss = F.binary_cross_entropy_with_logits(pred, torch.zeros_like(pred), reduction='none') * sig.pow(2)
        idx = pos.nonzero().squeeze(1)
        lab = label[idx]
        sf = score[idx] - sig[idx, lab]
        loss[idx, lab] = F.binary_cross_entropy_with_logits(pred[idx, lab], score[idx], reduction='none') * sf.abs().pow(2)
        loss.sum(1).mean().backward()
    return step


def focal(dt):
    g = torch.Generator().manual_seed(2)
    pred = (torch.randn(20000, 80, generator=g, dtype=dt) * 2).requires_grad_()
    target = (torch.rand(20000, 80, generator=g) < 0.02).to(dt)

    def step():
        pred.grad = None
        p = pred.sigmoid()
        ce = F.binary_cross_entropy_with_logits(pred, target, reduction='none')
        pt = p * target + (1 - p) * (1 - target)
        at = 0.25 * target + 0.75 * (1 - target)
        (at * ce * (1 - pt) ** 2).mean().backward()
    return step


def dfl(dt):
    g = torch.Generator().manual_seed(3)
    pred = (torch.randn(32000, 17, generator=g, dtype=dt) * 2).requires_grad_()
    label = torch.rand(32000, generator=g, dtype=dt) * 15.99

    def step():
        pred.grad = None
        left = label.long()
        right = left + 1
        wl = right.to(dt) - label
        wr = label - left.to(dt)
        (F.cross_entropy(pred, left, reduction='none') * wl + F.cross_entropy(pred, right, reduction='none') * wr).mean().backward()
    return step


def giou(dt):
    g = torch.Generator().manual_seed(4)

    def boxes(n):
        xy = torch.rand(n, 2, generator=g, dtype=dt) * 600
        wh = 4 + torch.rand(n, 2, generator=g, dtype=dt) * 200
        return torch.cat([xy, xy + wh], 1)
    pred = boxes(32000).requires_grad_()
    target = boxes(32000)

    def step():
        pred.grad = None
        lt = torch.max(pred[:, :2], target[:, :2])
        rb = torch.min(pred[:, 2:], target[:, 2:])
        wh = (rb - lt).clamp(min=0)
        overlap = wh[:, 0] * wh[:, 1]
        a1 = (pred[:, 2] - pred[:, 0]) * (pred[:, 3] - pred[:, 1])
        a2 = (target[:, 2] - target[:, 0]) * (target[:, 3] - target[:, 1])
        union = (a1 + a2 - overlap).clamp(min=1e-7)
        elt = torch.min(pred[:, :2], target[:, :2])
        erb = torch.max(pred[:, 2:], target[:, 2:])
        ewh = (erb - elt).clamp(min=0)
        enclose = (ewh[:, 0] * ewh[:, 1]).clamp(min=1e-7)
        giou = overlap / union - (enclose - union) / enclose
        (1 - giou).mean().backward()
    return step


def arcface(dt, b=512, d=512, c=10000):
    # insightface arcface_torch (pre-2022 threshold form), s 64, m 0.5: normalize, the (B,d)x(d,C)
    # product, the margin on the target logit, cross-entropy; backward through x and W.
    g = torch.Generator().manual_seed(5)
    x = torch.randn(b, d, generator=g, dtype=dt).requires_grad_()
    w = torch.randn(d, c, generator=g, dtype=dt).requires_grad_()
    labels = torch.randint(0, c, (b,), generator=g)
    s, m = 64.0, 0.5
    cos_m, sin_m = math.cos(m), math.sin(m)
    th, mm = math.cos(math.pi - m), math.sin(math.pi - m) * m

    def step():
        x.grad = None
        w.grad = None
        cos = F.normalize(x) @ F.normalize(w, dim=0)
        target = cos.gather(1, labels[:, None]).clamp(-1, 1)
        sin = torch.sqrt((1 - target * target).clamp(min=0))
        phi = target * cos_m - sin * sin_m
        phi = torch.where(target > th, phi, target - mm)
        logits = cos.scatter(1, labels[:, None], phi) * s
        F.cross_entropy(logits, labels).backward()
    return step


def arcface_100k(dt):
    """Issue 19's face-recognition head: 256x512 embeddings, 100,000 classes (W 200 MB in float32)."""
    return arcface(dt, 256, 512, 100000)


def triplet_batch_hard(dt, b=1024, d=128, classes=64):
    # Hermans et al. batch-hard with Euclidean distances, margin 0.3, 64 classes.
    g = torch.Generator().manual_seed(6)
    emb = torch.randn(b, d, generator=g, dtype=dt).requires_grad_()
    labels = torch.arange(b) % classes
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(b, dtype=torch.bool)

    def step():
        emb.grad = None
        dist = torch.cdist(emb, emb)
        pos = dist.masked_fill(~same | eye, float('-inf')).max(1).values
        neg = dist.masked_fill(same, float('inf')).min(1).values
        F.relu(pos - neg + 0.3).mean().backward()
    return step


def triplet_batch_hard_4096(dt):
    """Batch-hard at a large metric-learning batch: 4096x256 embeddings in 256 classes (issue 19)."""
    return triplet_batch_hard(dt, 4096, 256, 256)


def batch_all_512(dt):
    """Batch-all (Hermans et al.): the mean over the valid triplets whose hinge loss is positive, of
    512x128 embeddings in 32 classes, margin 0.3, as mining.ts's batchAll (issue 19)."""
    g = torch.Generator().manual_seed(8)
    b, d, classes = 512, 128, 32
    emb = torch.randn(b, d, generator=g, dtype=dt).requires_grad_()
    labels = torch.arange(b) % classes
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(b, dtype=torch.bool)
    # valid[a, p, n]: p a positive of a (not a itself), n a negative of a.
    valid = ((same & ~eye)[:, :, None] & ~same[:, None, :])

    def step():
        emb.grad = None
        dist = torch.cdist(emb, emb)
        loss = F.relu(dist[:, :, None] - dist[:, None, :] + 0.3) * valid
        positive = (loss > 1e-16).sum()
        (loss.sum() / positive.clamp(min=1)).backward()
    return step


def metric_batch(dt):
    # bench/metricWorkloads.ts: 1024 embeddings of 128 dimensions, 64 classes of 16.
    g = torch.Generator().manual_seed(17)
    b, d = 1024, 128
    emb = torch.randn(b, d, generator=g, dtype=dt).requires_grad_()
    labels = torch.arange(b) % 64
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(b, dtype=torch.bool)
    return emb, same & ~eye, ~same


def lp_normalised(emb):
    # pml's default LpDistance(normalize_embeddings=True) as its own code computes it.
    x = F.normalize(emb, p=2, dim=1)
    return torch.cdist(x, x)


def cosine(emb):
    x = F.normalize(emb, p=2, dim=1)
    return x @ x.t()


def balanced_indices(pos, neg):
    # Every anchor of the balanced batch has 15 positives and 1008 negatives: their columns as
    # (B, 15) and (B, 1008) index tensors, so a triplet tensor is (B, 15, 1008), 15.5M entries.
    b = pos.shape[0]
    return pos.nonzero()[:, 1].view(b, -1), neg.nonzero()[:, 1].view(b, -1)


def metric_mine_semihard(dt):
    # TripletMarginMiner(margin=0.2, type_of_triplets='semihard'): 0 < d_an - d_ap <= margin.
    emb, pos, neg = metric_batch(dt)
    p_idx, n_idx = balanced_indices(pos, neg)

    def step():
        with torch.no_grad():
            mat = lp_normalised(emb)
            margin = mat.gather(1, n_idx)[:, None, :] - mat.gather(1, p_idx)[:, :, None]
            a, p, n = torch.where((margin > 0) & (margin <= 0.2))
            p_idx[a, p], n_idx[a, n]
    return step


def metric_mine_batch_hard(dt):
    emb, pos, neg = metric_batch(dt)

    def step():
        with torch.no_grad():
            mat = lp_normalised(emb)
            p = mat.masked_fill(~pos, float('-inf')).max(1)
            n = mat.masked_fill(~neg, float('inf')).min(1)
            keep = pos.any(1) & neg.any(1)
            torch.where(keep)[0], p.indices[keep], n.indices[keep]
    return step


def metric_mine_multi_similarity(dt):
    emb, pos, neg = metric_batch(dt)

    def step():
        with torch.no_grad():
            mat = cosine(emb)
            hardest_neg = mat.masked_fill(~neg, float('-inf')).max(1, keepdim=True).values
            hardest_pos = mat.masked_fill(~pos, float('inf')).min(1, keepdim=True).values
            torch.where(pos & (mat - 0.1 < hardest_neg)), torch.where(neg & (mat + 0.1 > hardest_pos))
    return step


def metric_mine_pair_margin(dt):
    emb, pos, neg = metric_batch(dt)

    def step():
        with torch.no_grad():
            mat = lp_normalised(emb)
            torch.where(pos & (mat > 0.2)), torch.where(neg & (mat < 0.8))
    return step


def metric_triplet_all(dt):
    # TripletMarginLoss() with pml's defaults: every valid triplet, relu(d_ap - d_an + 0.05),
    # AvgNonZeroReducer.
    emb, pos, neg = metric_batch(dt)
    p_idx, n_idx = balanced_indices(pos, neg)

    def step():
        emb.grad = None
        mat = lp_normalised(emb)
        losses = F.relu(mat.gather(1, p_idx)[:, :, None] - mat.gather(1, n_idx)[:, None, :] + 0.05)
        (losses.sum() / max(int((losses > 0).sum()), 1)).backward()
    return step


def metric_contrastive(dt):
    # ContrastiveLoss(): relu(d - 0) on positive pairs, relu(1 - d) on negative pairs, each
    # averaged over its non-zero losses, summed.
    emb, pos, neg = metric_batch(dt)

    def step():
        emb.grad = None
        mat = lp_normalised(emb)
        p = F.relu(mat[pos])
        n = F.relu(1 - mat[neg])
        (p.sum() / max(int((p > 0).sum()), 1) + n.sum() / max(int((n > 0).sum()), 1)).backward()
    return step


def metric_multi_similarity(dt):
    # MultiSimilarityLoss(alpha=2, beta=50, base=0.5) with cosine, mean over anchors.
    emb, pos, neg = metric_batch(dt)
    zeros = torch.zeros(emb.shape[0], 1, dtype=dt)

    def step():
        emb.grad = None
        mat = cosine(emb)
        low = torch.finfo(dt).min
        pos_loss = torch.logsumexp(torch.cat([(2 * (0.5 - mat)).masked_fill(~pos, low), zeros], 1), 1) / 2
        neg_loss = torch.logsumexp(torch.cat([(50 * (mat - 0.5)).masked_fill(~neg, low), zeros], 1), 1) / 50
        (pos_loss + neg_loss).mean().backward()
    return step


def gfl_head_raw(dt):
    # mmdetection's GFLHead.loss_by_feat on one 800x1333 image, 80 classes, 10 GT boxes, written as
    # the peer runs it: anchors on grid corners, ATSS (top-k 9, mean + std, centre test, largest
    # IoU), then per level QFL, GIoU and DFL with the weight_reduce_loss eps, normalised by W.
    g = torch.Generator().manual_seed(7)
    H, W, C, bins, strides = 800, 1333, 80, 17, [8, 16, 32, 64, 128]
    sizes = [(math.ceil(H / s), math.ceil(W / s)) for s in strides]
    cls = [(torch.randn(1, C, h, w, generator=g, dtype=dt) - 4.6).requires_grad_() for h, w in sizes]
    reg = [torch.randn(1, 4 * bins, h, w, generator=g, dtype=dt).requires_grad_() for h, w in sizes]
    wh = 16 + torch.rand(10, 2, generator=g, dtype=dt) * 400
    xy = torch.rand(10, 2, generator=g, dtype=dt) * (torch.tensor([W, H], dtype=dt) - wh)
    gt = torch.cat([xy, xy + wh], 1)
    labels = torch.randint(0, C, (10,), generator=g)
    eps32 = torch.finfo(torch.float32).eps
    project = torch.arange(bins, dtype=dt)

    def pairwise_iou(a, b):
        lt = torch.max(a[:, None, :2], b[None, :, :2])
        rb = torch.min(a[:, None, 2:], b[None, :, 2:])
        inter = (rb - lt).clamp(min=0).prod(-1)
        area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
        area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        return inter / (area_a[:, None] + area_b[None] - inter).clamp(min=1e-6)

    def aligned(a, b, giou):
        lt = torch.max(a[:, :2], b[:, :2])
        rb = torch.min(a[:, 2:], b[:, 2:])
        inter = (rb - lt).clamp(min=0).prod(-1)
        union = ((a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - inter).clamp(min=1e-6)
        iou = inter / union
        if not giou:
            return iou
        enclose = (torch.max(a[:, 2:], b[:, 2:]) - torch.min(a[:, :2], b[:, :2])).clamp(min=0).prod(-1).clamp(min=1e-6)
        return iou - (enclose - union) / enclose

    def step():
        for t in cls + reg:
            t.grad = None
        # Anchors and ATSS (no gradient).
        anchors = []
        for (h, w), s in zip(sizes, strides):
            ys, xs = torch.meshgrid(torch.arange(h, dtype=dt) * s, torch.arange(w, dtype=dt) * s, indexing='ij')
            c = torch.stack([xs.reshape(-1), ys.reshape(-1)], 1)
            anchors.append(torch.cat([c - 4 * s, c + 4 * s], 1))
        counts = [len(a) for a in anchors]
        flat = torch.cat(anchors)
        centres = (flat[:, :2] + flat[:, 2:]) / 2
        overlaps = pairwise_iou(flat, gt)
        gt_centres = (gt[:, :2] + gt[:, 2:]) / 2
        distances = (centres[:, None] - gt_centres[None]).pow(2).sum(-1).sqrt()
        candidates, start = [], 0
        for n in counts:
            candidates.append(distances[start:start + n].topk(min(9, n), dim=0, largest=False).indices + start)
            start += n
        candidates = torch.cat(candidates)
        cand_iou = overlaps.gather(0, candidates)
        thr = cand_iou.mean(0) + cand_iou.std(0)
        cx = centres[candidates, 0]
        cy = centres[candidates, 1]
        inside = torch.stack([cx - gt[:, 0], cy - gt[:, 1], gt[:, 2] - cx, gt[:, 3] - cy]).min(0).values > 0.01
        positive = (cand_iou >= thr) & inside
        masked = torch.full_like(overlaps, -math.inf)
        cols = torch.arange(10).expand_as(candidates)
        masked[candidates[positive], cols[positive]] = overlaps[candidates[positive], cols[positive]]
        best, assigned = masked.max(1)
        pos = best != -math.inf
        num_pos = int(pos.sum())
        avg_cls = max(num_pos, 1)
        # Per level losses.
        losses_cls, losses_bbox, losses_dfl, weights = [], [], [], []
        start = 0
        for (h, w), s, c_map, r_map, n in zip(sizes, strides, cls, reg, counts):
            level_pos = pos[start:start + n].nonzero().squeeze(1)
            gt_idx = assigned[start:start + n][level_pos]
            x = c_map.permute(0, 2, 3, 1).reshape(-1, C)
            r = r_map.permute(0, 2, 3, 1).reshape(-1, 4 * bins)
            score = torch.zeros(n, dtype=dt)
            if len(level_pos) > 0:
                pc = centres[start:start + n][level_pos] / s
                tgt = gt[gt_idx] / s
                wt = x.detach().sigmoid().max(1).values[level_pos]
                logits = r[level_pos].reshape(-1, bins)
                d = (F.softmax(logits, 1) @ project).reshape(-1, 4)
                box = torch.cat([pc - d[:, :2], pc + d[:, 2:]], 1)
                score[level_pos] = aligned(box.detach(), tgt, False)
                losses_bbox.append(2.0 * ((1 - aligned(box, tgt, True)) * wt).sum() / (1.0 + eps32))
                y = torch.cat([pc - tgt[:, :2], tgt[:, 2:] - pc], 1).clamp(0, 16 - 0.1).reshape(-1)
                left = y.long()
                wl = (left + 1).to(dt) - y
                dfl = F.cross_entropy(logits, left, reduction='none') * wl + F.cross_entropy(logits, left + 1, reduction='none') * (1 - wl)
                losses_dfl.append(0.25 * (dfl * wt[:, None].expand(-1, 4).reshape(-1)).sum() / (4.0 + eps32))
                weights.append(wt.sum())
            sig = x.sigmoid()
            q = F.binary_cross_entropy_with_logits(x, torch.zeros_like(x), reduction='none') * sig.pow(2)
            lab = labels[gt_idx]
            q[level_pos, lab] = F.binary_cross_entropy_with_logits(x[level_pos, lab], score[level_pos], reduction='none') * (score[level_pos] - sig[level_pos, lab]).abs().pow(2)
            losses_cls.append(q.sum() / (avg_cls + eps32))
            start += n
        norm = max(float(sum(weights)), 1.0) if weights else 1.0
        loss = sum(losses_cls) + sum(losses_bbox) / norm + sum(losses_dfl) / norm
        loss.backward()
    return step


def yolov8_ciou(b1, b2, eps=1e-7):
    """ultralytics' bbox_iou(b1, b2, xywh=False, CIoU=True): eps on h, the union and c^2; alpha detached."""
    a1, a2 = b1.chunk(4, -1), b2.chunk(4, -1)
    w1, h1 = a1[2] - a1[0], a1[3] - a1[1] + eps
    w2, h2 = a2[2] - a2[0], a2[3] - a2[1] + eps
    inter = (torch.min(a1[2], a2[2]) - torch.max(a1[0], a2[0])).clamp(0) * (torch.min(a1[3], a2[3]) - torch.max(a1[1], a2[1])).clamp(0)
    iou = inter / (w1 * h1 + w2 * h2 - inter + eps)
    cw = torch.max(a1[2], a2[2]) - torch.min(a1[0], a2[0])
    ch = torch.max(a1[3], a2[3]) - torch.min(a1[1], a2[1])
    c2 = cw ** 2 + ch ** 2 + eps
    rho2 = ((a2[0] + a2[2] - a1[0] - a1[2]) ** 2 + (a2[1] + a2[3] - a1[1] - a1[3]) ** 2) / 4
    v = (4 / math.pi ** 2) * torch.pow(torch.atan(w2 / h2) - torch.atan(w1 / h1), 2)
    with torch.no_grad():
        alpha = v / (v - iou + (1 + eps))
    return iou - (rho2 / c2 + v * alpha)


def yolov8_assign(scores, boxes, points, labels, gt, topk=10, alpha=0.5, beta=6.0, eps=1e-9):
    """The TaskAlignedAssigner's tensor operations (ultralytics/utils/tal.py), for one batch."""
    b, na, nc = scores.shape
    nmax = gt.shape[1]
    lt, rb = gt.view(-1, 1, 4).chunk(2, 2)
    inside = torch.cat((points[None] - lt, rb - points[None]), 2).view(b, nmax, na, -1).amin(3).gt_(1e-9)
    real = (gt.sum(2, keepdim=True) > 0).to(scores.dtype)
    mask = (inside * real).bool()
    overlaps = torch.zeros(b, nmax, na, dtype=boxes.dtype)
    class_scores = torch.zeros_like(overlaps)
    image = torch.arange(b).view(-1, 1).expand(-1, nmax)
    class_scores[mask] = scores[image, :, labels.long().squeeze(-1)][mask]
    pairs_pred = boxes.unsqueeze(1).expand(-1, nmax, -1, -1)[mask]
    pairs_gt = gt.unsqueeze(2).expand(-1, -1, na, -1)[mask]
    overlaps[mask] = yolov8_ciou(pairs_gt, pairs_pred).squeeze(-1).clamp_(0)
    metric = class_scores.pow(alpha) * overlaps.pow(beta)
    top = torch.topk(metric, topk, dim=-1).indices
    count = torch.zeros(metric.shape, dtype=torch.int8)
    count.scatter_add_(-1, top, torch.ones_like(top, dtype=torch.int8))
    mask_pos = count.to(metric.dtype) * inside * real
    fg = mask_pos.sum(-2)
    if fg.max() > 1:
        multi = (fg.unsqueeze(1) > 1).expand(-1, nmax, -1)
        best = torch.zeros_like(mask_pos).scatter_(1, overlaps.argmax(1).unsqueeze(1), 1)
        mask_pos = torch.where(multi, best, mask_pos)
        fg = mask_pos.sum(-2)
    gt_index = mask_pos.argmax(-2) + torch.arange(b)[:, None] * nmax
    target_labels = labels.long().flatten()[gt_index].clamp_(0)
    target_boxes = gt.view(-1, 4)[gt_index]
    target_scores = F.one_hot(target_labels, nc).to(scores.dtype) * (fg[:, :, None] > 0)
    metric *= mask_pos
    norm = (metric * (overlaps * mask_pos).amax(-1, keepdim=True) / (metric.amax(-1, keepdim=True) + eps)).amax(-2).unsqueeze(-1)
    return target_boxes, target_scores * norm, fg > 0


def yolov8_points(feats, strides, dt):
    """make_anchors: the (A, 2) cell centres in stride units and the (A, 1) strides, level-major."""
    points, point_strides = [], []
    for f, s in zip(feats, strides):
        h, w = f.shape[2:]
        sy, sx = torch.meshgrid(torch.arange(h, dtype=dt) + 0.5, torch.arange(w, dtype=dt) + 0.5, indexing='ij')
        points.append(torch.stack((sx, sy), -1).view(-1, 2))
        point_strides.append(torch.full((h * w, 1), s, dtype=dt))
    return torch.cat(points), torch.cat(point_strides)


def yolov8_items(feats, labels, gt, points, point_strides, nc, reg=16):
    """v8DetectionLoss from the raw maps and padded GT (N, n, 1) / (N, n, 4) in pixels: box, cls and
    dfl before their gains, and the foreground mask."""
    n, dt = feats[0].shape[0], feats[0].dtype
    distri, scores = torch.cat([f.view(n, 4 * reg + nc, -1) for f in feats], 2).split((4 * reg, nc), 1)
    scores, distri = scores.permute(0, 2, 1).contiguous(), distri.permute(0, 2, 1).contiguous()
    lt, rb = distri.view(n, -1, 4, reg).softmax(3).matmul(torch.arange(reg, dtype=dt)).chunk(2, -1)
    pred = torch.cat((points - lt, points + rb), -1)
    if gt.shape[1] == 0:
        target_boxes, target_scores, fg = torch.zeros_like(pred), torch.zeros_like(scores), torch.zeros(pred.shape[:2], dtype=torch.bool)
    else:
        with torch.no_grad():
            target_boxes, target_scores, fg = yolov8_assign(scores.detach().sigmoid(), pred.detach() * point_strides, points * point_strides, labels, gt)
    tss = max(target_scores.sum(), 1)
    cls = F.binary_cross_entropy_with_logits(scores, target_scores, reduction='none').sum() / tss
    box, dfl = torch.zeros((), dtype=dt), torch.zeros((), dtype=dt)
    if fg.sum():
        target_boxes = target_boxes / point_strides
        weight = target_scores.sum(-1)[fg].unsqueeze(-1)
        box = ((1.0 - yolov8_ciou(pred[fg], target_boxes[fg])) * weight).sum() / tss
        ltrb = torch.cat((points - target_boxes[..., :2], target_boxes[..., 2:] - points), -1).clamp_(0, reg - 1 - 0.01)[fg]
        left = ltrb.long()
        wl = left + 1 - ltrb
        logits = distri[fg].view(-1, reg)
        sides = (F.cross_entropy(logits, left.view(-1), reduction='none').view(left.shape) * wl
                 + F.cross_entropy(logits, (left + 1).view(-1), reduction='none').view(left.shape) * (1 - wl)).mean(-1, keepdim=True)
        dfl = (sides * weight).sum() / tss
    return box, cls, dfl, fg


def yolov8_loss(dt):
    """v8DetectionLoss's pipeline on one 640x640 image, 80 classes, 10 GT boxes (bench/workloads.ts)."""
    g = torch.Generator().manual_seed(7)
    size, nc, reg, strides = 640, 80, 16, [8, 16, 32]
    feats = [torch.randn(1, 4 * reg + nc, size // s, size // s, generator=g, dtype=dt).requires_grad_() for s in strides]
    wh = 32 + torch.rand(10, 2, generator=g, dtype=dt) * 320
    xy = torch.rand(10, 2, generator=g, dtype=dt) * (size - wh)
    gt = torch.cat([xy, xy + wh], 1)[None]
    labels = torch.randint(0, nc, (1, 10, 1), generator=g).to(dt)
    points, point_strides = yolov8_points(feats, strides, dt)

    def step():
        for f in feats:
            f.grad = None
        box, cls, dfl, _ = yolov8_items(feats, labels, gt, points, point_strides, nc, reg)
        (7.5 * box + 0.5 * cls + 1.5 * dfl).backward()
    return step


TORCH = {'qfl': qfl, 'focal': focal, 'dfl': dfl, 'giou': giou, 'arcface': arcface, 'arcface_100k': arcface_100k, 'triplet_batch_hard': triplet_batch_hard, 'triplet_batch_hard_4096': triplet_batch_hard_4096, 'batch_all_512': batch_all_512, 'gfl_head_raw': gfl_head_raw, 'yolov8_loss': yolov8_loss,
         'metric_mine_semihard': metric_mine_semihard, 'metric_mine_batch_hard': metric_mine_batch_hard,
         'metric_mine_multi_similarity': metric_mine_multi_similarity, 'metric_mine_pair_margin': metric_mine_pair_margin,
         'metric_triplet_all': metric_triplet_all, 'metric_contrastive': metric_contrastive, 'metric_multi_similarity': metric_multi_similarity}
# Besides the one-thread line, LossLab runs these variants of a workload when they exist.
VARIANTS = {
    'qfl': ['_f32', '_2t', '_f32_2t'],
    'focal': ['_f32', '_2t', '_f32_2t'],
    'dfl': ['_f32', '_2t', '_f32_2t'],
    'giou': ['_2t'],
    'arcface': ['_f32', '_fused', '_fused_f32', '_2t', '_f32_2t', '_fused_f32_2t'],
    'arcface_100k': ['_kept', '_2t'],
    'triplet_batch_hard': ['_2t'],
}


def blas_in_use():
    """Which BLAS torch's products call, with OpenBLAS's version and core type (its kernels for this CPU)."""
    if OPENBLAS is not None:
        return f"{OPENBLAS.openblas_get_config().decode()}, core {OPENBLAS.openblas_get_corename().decode()}"
    # The reference BLAS is tens of times slower at products; the figures are OpenBLAS's.
    return 'not OpenBLAS (the reference BLAS? install libopenblas0-pthread)'


def cores_per_product():
    """CPU time over wall time of PyTorch float32 matrix products: 1.0 when they run on one thread."""
    a, b = torch.randn(512, 512), torch.randn(512, 4096)
    for _ in range(3):
        a @ b
    wall, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < 0.5:
        a @ b
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def ours_for(keys):
    """npm run bench's JSON lines for these workloads, by name."""
    out = subprocess.run(['npm', 'run', '--silent', 'bench', '--', *keys], capture_output=True, text=True)
    rows = {}
    for line in out.stdout.splitlines():
        try:
            row = json.loads(line)
            rows[row['workload']] = row
        except (ValueError, KeyError):
            pass
    return rows


def main():
    names = sys.argv[1:] or list(TORCH)
    # This VM's speed drifts by up to 2x over minutes, and not equally for both sides, so each
    # workload's LossLab lines and PyTorch's are timed back to back, ROUNDS times, and the ratio
    # printed is the median of the rounds'.
    rounds = max(1, int(os.environ.get('COMPARE_ROUNDS', '1')))
    use_threads(True)
    one = cores_per_product()
    use_threads(False)
    machine = cores_per_product()
    print(f'PyTorch {torch.__version__} on {blas_in_use()}; {rounds} round(s), each workload timed next to PyTorch')
    print(f'PyTorch one core: 1 thread (products use {one:.2f} cores); whole machine: {MACHINE_THREADS} (products use {machine:.2f} cores)')
    print(f'LossLab: WebAssembly SIMD (128-bit vectors; f32x4 fused multiply-add where relaxed SIMD is on), one thread, or its pool on `threads` threads (the _2t lines)')
    if one > 1.25:
        print(f'WARNING: PyTorch\'s one-thread matrix products use {one:.2f} cores: the one-core ratios below are not against one thread.')
    # ratio: a one-thread line against PyTorch on one thread, a _2t line against PyTorch's default
    # threads. 2t/1t: a pooled line's median ratio to its one-thread twin, timed alternately.
    print(f"{'workload':<22} {'threads':>7} {'losslab ms':>11} {'torch f32 ms':>13} {'ratio':>6} {'torch f64 ms':>13} {'ratio':>6} {'2t/1t':>6}")
    middle = lambda values: sorted(values)[len(values) // 2]
    for name in names:
        keys = [name + v for v in ['', *VARIANTS.get(name, [])]]
        seen = {key: [] for key in keys}
        torch32s, torch64s, torch32cpu, torch64cpu, machine32s, machine32cpu = [], [], [], [], [], []
        for _ in range(rounds):
            ours = ours_for(keys)
            use_threads(True)
            torch32s.append(median_ms(TORCH[name](torch.float32)))
            torch32cpu.append(last_cpu_ms[0])
            torch64s.append(median_ms(TORCH[name](torch.float64)))
            torch64cpu.append(last_cpu_ms[0])
            use_threads(False)
            machine32s.append(median_ms(TORCH[name](torch.float32)))
            machine32cpu.append(last_cpu_ms[0])
            for key in keys:
                if key in ours:
                    seen[key].append((ours[key], torch32s[-1], torch64s[-1], machine32s[-1], torch32cpu[-1], machine32cpu[-1], torch64cpu[-1]))
        torch32, torch64, machine32 = middle(torch32s), middle(torch64s), middle(machine32s)
        best_one, best_machine, best_one_cpu, best_machine_cpu = [], [], [], []
        for key in keys:
            if not seen[key]:
                print(f"{key:<22} {'?':>7} {'missing':>11} {torch32:>13.2f} {'':>6} {torch64:>13.2f}")
                continue
            pooled = key.endswith('_2t')
            against = (lambda entry: entry[3]) if pooled else (lambda entry: entry[1])
            ms = middle([entry[0]['median_ms'] for entry in seen[key]])
            ratio32 = middle([entry[0]['median_ms'] / against(entry) for entry in seen[key]])
            ratio64 = middle([entry[0]['median_ms'] / entry[2] for entry in seen[key]])
            versus64 = '' if '_f32' in key or pooled else f"{ratio64:>6.2f}"
            pairs = [entry[0]['paired_ratio'] for entry in seen[key] if 'paired_ratio' in entry[0]]
            paired = f"{middle(pairs):>6.2f}" if pairs else ''
            threads = seen[key][0][0]['threads']
            shown = machine32 if pooled else torch32
            print(f"{key:<22} {threads:>7} {ms:>11.2f} {shown:>13.2f} {ratio32:>6.2f} {torch64:>13.2f} {versus64:>6} {paired:>6}", flush=True)
            # Process CPU time per call, which waiting for a core on a loaded machine does not inflate.
            cpu_against = (lambda entry: entry[5]) if pooled else (lambda entry: entry[4])
            cpu = [entry[0]['cpu_median_ms'] / cpu_against(entry) for entry in seen[key] if 'cpu_median_ms' in entry[0]]
            if cpu:
                cpu64 = [entry[0]['cpu_median_ms'] / entry[6] for entry in seen[key] if 'cpu_median_ms' in entry[0]]
                versus64cpu = '' if '_f32' in key or pooled else f"{middle(torch64cpu):>13.2f} {middle(cpu64):>6.2f}"
                print(f"{'':<22} {'cpu':>7} {middle([entry[0]['cpu_median_ms'] for entry in seen[key]]):>11.2f} {middle(machine32cpu if pooled else torch32cpu):>13.2f} {middle(cpu):>6.2f} {versus64cpu}   peak RSS {seen[key][0][0]['peak_rss_mb']} MB", flush=True)
            # The best one-thread line counts for both ways (LossLab's best mode on the whole machine
            # may be one thread: below the pool's thresholds, or a loss with no pooled form). Wall
            # time and process CPU time (all threads), since a loaded machine inflates only the first.
            with_cpu = [entry for entry in seen[key] if 'cpu_median_ms' in entry[0]]
            if not pooled:
                best_one.append((middle([entry[0]['median_ms'] / entry[1] for entry in seen[key]]), key))
                if with_cpu:
                    best_one_cpu.append((middle([entry[0]['cpu_median_ms'] / entry[4] for entry in with_cpu]), key))
            best_machine.append((middle([entry[0]['median_ms'] / entry[3] for entry in seen[key]]), key))
            if with_cpu:
                best_machine_cpu.append((middle([entry[0]['cpu_median_ms'] / entry[5] for entry in with_cpu]), key))
        best = lambda found: f"{min(found)[0]:.2f} ({min(found)[1]})" if found else '?'
        if best_one or best_machine:
            print(f"{'':<22} {'both':>7}  one core vs one core: wall {best(best_one)}, cpu {best(best_one_cpu)}; "
                  f"whole machine vs {MACHINE_THREADS}: wall {best(best_machine)}, cpu {best(best_machine_cpu)}", flush=True)


if __name__ == '__main__':
    main()
