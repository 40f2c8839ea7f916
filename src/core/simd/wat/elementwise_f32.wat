  ;; ---- Elementwise sigmoid losses in float32 (f32x4), the opt-in `precision: 'float32'` mode ----
  ;; src/core/losses/focal/simd.ts and src/core/losses/qfl/simd.ts drive them. Same formulas as focal_f64 / qfl_label_f64, four
  ;; logits at a time in float32; results are widened to float64 on store and all sums run in
  ;; float64, so only the per-element arithmetic carries float32 rounding (docs/performance.md).
  ;; Per element: e = exp(−|x|) and log1p(e) to ~1–2 ulp of float32, then σ(x), 1 − σ(x) and
  ;; softplus(−x) from the non-overflowing side. Counts that are not a multiple of 4 read and
  ;; write up to 3 elements past the end (callers leave slack); those lanes are masked out of the
  ;; sums and checks.
  ;;
  ;; exp(−|x|) = 2^k·P(r): k = round(−|x|/ln 2) by the 1.5·2^23 shifter, whose low mantissa bits
  ;; then hold k for building 2^k; r = −|x| − k·ln 2 in Cody–Waite parts (ln2hi has 9 bits, so
  ;; k·ln2hi is exact), |r| ≤ ln2/2, and P = 1 + r + r²·Q(r) with Cephes' degree-5 minimax Q for
  ;; expf (≤ 1 ulp). Below −87, 2^k leaves float32's normal range: e is flushed to 0 (the error,
  ;; ≤ 1.7e-38, is below anything a float32 loss can show).
  ;; log1p(e), e ∈ [0, 1], without range reduction: log(1 + e) = 2·atanh(s) with s = e/(2 + e)
  ;; ∈ [0, 1/3] (exact for tiny e, no cancellation), = 2s + 2s·z·R(z), z = s² ≤ 1/9, R a degree-4
  ;; least-squares fit on Chebyshev nodes of (atanh(√z)/√z − 1)/z (truncation < 0.01 ulp). Its
  ;; division is independent of σ's 1/(1 + e), so the two overlap: fdlibm's reduction (√2 − 1
  ;; split, rounding correction, 2 + f after f) put both divisions on one dependency chain.

  ;; The two steps above, written once and expanded by scripts/build-wasm.mjs into each loop (and,
  ;; interleaved for two vectors, into the pair loops): $e = exp(−|x|) of the logits $xv, then
  ;; $lp = log1p(e) ($s ends as 2s).
  ;; @define exp_neg_abs_f32
  (local.set $a (f32x4.neg (f32x4.abs (local.get $xv))))
  (local.set $kf (f32x4.add (f32x4.mul (local.get $a) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504)) (v128.const f32x4 12582912.0 12582912.0 12582912.0 12582912.0)))
  (local.set $scale (i32x4.shl (i32x4.add (local.get $kf) (v128.const i32x4 -1262485377 -1262485377 -1262485377 -1262485377)) (i32.const 23)))
  (local.set $kf (f32x4.sub (local.get $kf) (v128.const f32x4 12582912.0 12582912.0 12582912.0 12582912.0)))
  (local.set $r (f32x4.sub (f32x4.sub (local.get $a) (f32x4.mul (local.get $kf) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
    (f32x4.mul (local.get $kf) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
  (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
  (local.set $e (f32x4.add (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $r)) (f32x4.mul (local.get $r2)
    (f32x4.add
      (f32x4.add (f32x4.add (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1) (f32x4.mul (local.get $r) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (f32x4.mul (local.get $r2) (f32x4.add (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2) (f32x4.mul (local.get $r) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))))
      (f32x4.mul (f32x4.mul (local.get $r2) (local.get $r2)) (f32x4.add (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3) (f32x4.mul (local.get $r) (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))))))))
  (local.set $e (v128.and (f32x4.mul (local.get $e) (local.get $scale)) (f32x4.ge (local.get $a) (v128.const f32x4 -87.0 -87.0 -87.0 -87.0))))
  ;; @end
  ;; @define log1p_f32
  (local.set $s (f32x4.div (local.get $e) (f32x4.add (v128.const f32x4 2 2 2 2) (local.get $e))))
  (local.set $z (f32x4.mul (local.get $s) (local.get $s)))
  (local.set $z2 (f32x4.mul (local.get $z) (local.get $z)))
  (local.set $s (f32x4.add (local.get $s) (local.get $s)))
  (local.set $lp (f32x4.add (local.get $s) (f32x4.mul (f32x4.mul (local.get $s) (local.get $z)) (f32x4.add
    (f32x4.add (v128.const f32x4 0.33333334 0.33333334 0.33333334 0.33333334) (f32x4.mul (local.get $z) (v128.const f32x4 0.19999851 0.19999851 0.19999851 0.19999851)))
    (f32x4.mul (local.get $z2) (f32x4.add
      (f32x4.add (v128.const f32x4 0.14296292 0.14296292 0.14296292 0.14296292) (f32x4.mul (local.get $z) (v128.const f32x4 0.10851659 0.10851659 0.10851659 0.10851659)))
      (f32x4.mul (local.get $z2) (v128.const f32x4 0.11619496 0.11619496 0.11619496 0.11619496))))))))
  ;; @end

  ;; Sigmoid focal loss over `count` elements: x, t (float32 logits and targets) → out (float64
  ;; losses) and, when withGrad, grad (float64) = c·∂loss/∂x. α < 0 means no α weighting; γ a
  ;; non-negative integer. Returns Σ loss (unscaled, float64), or NaN when a target lies outside
  ;; [0, 1] (the caller then reruns the check that names it); a non-finite logit makes its loss,
  ;; hence the sum, non-finite.
  (func (export "focal_f32")
    (param $x i32) (param $t i32) (param $out i32) (param $grad i32) (param $count i32)
    (param $c f64) (param $alpha f64) (param $gamma i32) (param $withGrad i32) (result f64)
    (local $i i32) (local $g i32) (local $o4 i32) (local $o8 i32) (local $full i32)
    (local $good v128)
    (local $lanes v128) (local $mask v128) (local $bad v128) (local $sum v128) (local $cv v128)
    (local $xv v128) (local $tv v128) (local $omt v128) (local $bce v128) (local $m v128)
    (local $pm1 v128) (local $mg v128) (local $dmg v128) (local $at v128) (local $li v128) (local $gr v128) (local $lo v128) (local $hi v128)
    (local $alv v128) (local $omal v128) (local $gv v128)
    (local $a v128) (local $kf v128) (local $scale v128) (local $r v128) (local $r2 v128) (local $e v128)
    (local $w v128) (local $inv v128)
    (local $s v128) (local $z v128) (local $z2 v128) (local $lp v128)
    (local $nonneg v128) (local $ei v128) (local $p v128) (local $q v128)
    (local $pairs i32)
    (local $xv_b v128) (local $tv_b v128) (local $omt_b v128) (local $a_b v128) (local $kf_b v128) (local $scale_b v128) (local $r_b v128) (local $r2_b v128) (local $e_b v128) (local $inv_b v128) (local $s_b v128) (local $z_b v128) (local $z2_b v128)
    (local $lp_b v128) (local $nonneg_b v128) (local $ei_b v128) (local $p_b v128) (local $q_b v128) (local $bce_b v128) (local $m_b v128) (local $at_b v128) (local $mg_b v128) (local $li_b v128) (local $lo_b v128) (local $hi_b v128) (local $gr_b v128)
    (local.set $cv (f64x2.splat (local.get $c)))
    (local.set $good (v128.const i32x4 -1 -1 -1 -1))
    (local.set $alv (f32x4.splat (f32.demote_f64 (local.get $alpha))))
    (local.set $omal (f32x4.splat (f32.demote_f64 (f64.sub (f64.const 1) (local.get $alpha)))))
    (local.set $gv (f32x4.splat (f32.convert_i32_u (local.get $gamma))))
    (local.set $lanes (v128.const i32x4 0 1 2 3))
    ;; The common case (γ = 2, α ≥ 0) in its own loop over whole vectors: V8 does not unswitch
    ;; wasm loops, and the mask, the γ power loop and the α branch cost ~15% of the body. The
    ;; arithmetic is the generic loop's, operation for operation (pm1 = 1·m = m, 2·m = m + m, both
    ;; exact), so results are bit-identical; the generic loop below finishes the masked tail with
    ;; the same running sum. Target check: t·(1 − t) ≥ 0 exactly when t ∈ [0, 1] (NaN fails).
    (if (i32.and (i32.eq (local.get $gamma) (i32.const 2)) (f64.ge (local.get $alpha) (f64.const 0))) (then
      (local.set $full (i32.and (local.get $count) (i32.const -4)))
      ;; Two vectors per iteration first, their statements interleaved: one vector's chain (exp,
      ;; two divisions, log1p, the loss) is ~100 cycles of latency and the loop body ~250
      ;; instructions, so the out-of-order window held about one vector at a time. Vector b's
      ;; statements are vector a's on the next four elements (locals suffixed _b); the sum takes
      ;; a's terms then b's, the single-vector order, so results stay bit-identical. The steps are
      ;; the loop below's; its comments explain them.
      (local.set $pairs (i32.and (local.get $count) (i32.const -8)))
      (block $pairsDone (loop $pair
        (br_if $pairsDone (i32.ge_u (local.get $i) (local.get $pairs)))
        (local.set $o4 (i32.shl (local.get $i) (i32.const 2)))
        (local.set $o8 (i32.shl (local.get $i) (i32.const 3)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $o4))))
        (local.set $xv_b (v128.load offset=16 (i32.add (local.get $x) (local.get $o4))))
        (local.set $tv (v128.load (i32.add (local.get $t) (local.get $o4))))
        (local.set $tv_b (v128.load offset=16 (i32.add (local.get $t) (local.get $o4))))
        (local.set $omt (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $tv)))
        (local.set $omt_b (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $tv_b)))
        (local.set $good (v128.and (local.get $good) (f32x4.ge (f32x4.mul (local.get $tv) (local.get $omt)) (v128.const f32x4 0 0 0 0))))
        (local.set $good (v128.and (local.get $good) (f32x4.ge (f32x4.mul (local.get $tv_b) (local.get $omt_b)) (v128.const f32x4 0 0 0 0))))
        ;; @expand exp_neg_abs_f32 _b
        (local.set $inv (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e))))
        (local.set $inv_b (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e_b))))
        ;; @expand log1p_f32 _b
        (local.set $nonneg (f32x4.ge (local.get $xv) (v128.const f32x4 0 0 0 0)))
        (local.set $nonneg_b (f32x4.ge (local.get $xv_b) (v128.const f32x4 0 0 0 0)))
        (local.set $ei (f32x4.mul (local.get $e) (local.get $inv)))
        (local.set $ei_b (f32x4.mul (local.get $e_b) (local.get $inv_b)))
        (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
        (local.set $p_b (v128.bitselect (local.get $inv_b) (local.get $ei_b) (local.get $nonneg_b)))
        (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
        (local.set $q_b (v128.bitselect (local.get $ei_b) (local.get $inv_b) (local.get $nonneg_b)))
        (local.set $bce (f32x4.add (local.get $lp) (v128.bitselect (f32x4.mul (local.get $omt) (local.get $xv))
          (f32x4.neg (f32x4.mul (local.get $tv) (local.get $xv))) (local.get $nonneg))))
        (local.set $bce_b (f32x4.add (local.get $lp_b) (v128.bitselect (f32x4.mul (local.get $omt_b) (local.get $xv_b))
          (f32x4.neg (f32x4.mul (local.get $tv_b) (local.get $xv_b))) (local.get $nonneg_b))))
        (local.set $m (f32x4.add (f32x4.mul (local.get $p) (local.get $omt)) (f32x4.mul (local.get $q) (local.get $tv))))
        (local.set $m_b (f32x4.add (f32x4.mul (local.get $p_b) (local.get $omt_b)) (f32x4.mul (local.get $q_b) (local.get $tv_b))))
        (local.set $at (f32x4.add (f32x4.mul (local.get $alv) (local.get $tv)) (f32x4.mul (local.get $omal) (local.get $omt))))
        (local.set $at_b (f32x4.add (f32x4.mul (local.get $alv) (local.get $tv_b)) (f32x4.mul (local.get $omal) (local.get $omt_b))))
        (local.set $mg (f32x4.mul (local.get $m) (local.get $m)))
        (local.set $mg_b (f32x4.mul (local.get $m_b) (local.get $m_b)))
        (local.set $li (f32x4.mul (f32x4.mul (local.get $at) (local.get $bce)) (local.get $mg)))
        (local.set $li_b (f32x4.mul (f32x4.mul (local.get $at_b) (local.get $bce_b)) (local.get $mg_b)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $li)))
        (local.set $lo_b (f64x2.promote_low_f32x4 (local.get $li_b)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $li) (local.get $li))))
        (local.set $hi_b (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $li_b) (local.get $li_b))))
        (v128.store (i32.add (local.get $out) (local.get $o8)) (local.get $lo))
        (v128.store offset=32 (i32.add (local.get $out) (local.get $o8)) (local.get $lo_b))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $o8)) (local.get $hi))
        (v128.store offset=48 (i32.add (local.get $out) (local.get $o8)) (local.get $hi_b))
        (local.set $sum (f64x2.add (f64x2.add (local.get $sum) (local.get $lo)) (local.get $hi)))
        (local.set $sum (f64x2.add (f64x2.add (local.get $sum) (local.get $lo_b)) (local.get $hi_b)))
        (if (local.get $withGrad) (then
          (local.set $gr (f32x4.mul (local.get $at)
            (f32x4.add
              (f32x4.mul (f32x4.sub (f32x4.mul (local.get $p) (local.get $omt)) (f32x4.mul (local.get $q) (local.get $tv))) (local.get $mg))
              (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.mul (local.get $bce) (f32x4.add (local.get $m) (local.get $m))) (local.get $p)) (local.get $q))
                (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $tv)))))))
          (local.set $gr_b (f32x4.mul (local.get $at_b)
            (f32x4.add
              (f32x4.mul (f32x4.sub (f32x4.mul (local.get $p_b) (local.get $omt_b)) (f32x4.mul (local.get $q_b) (local.get $tv_b))) (local.get $mg_b))
              (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.mul (local.get $bce_b) (f32x4.add (local.get $m_b) (local.get $m_b))) (local.get $p_b)) (local.get $q_b))
                (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $tv_b)))))))
          (v128.store (i32.add (local.get $grad) (local.get $o8)) (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (local.get $gr))))
          (v128.store offset=32 (i32.add (local.get $grad) (local.get $o8)) (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (local.get $gr_b))))
          (v128.store offset=16 (i32.add (local.get $grad) (local.get $o8))
            (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))
          (v128.store offset=48 (i32.add (local.get $grad) (local.get $o8))
            (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr_b) (local.get $gr_b)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $pair)))
      (block $fastDone (loop $fast
        (br_if $fastDone (i32.ge_u (local.get $i) (local.get $full)))
        (local.set $o4 (i32.shl (local.get $i) (i32.const 2)))
        (local.set $o8 (i32.shl (local.get $i) (i32.const 3)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $o4))))
        (local.set $tv (v128.load (i32.add (local.get $t) (local.get $o4))))
        (local.set $omt (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $tv)))
        (local.set $good (v128.and (local.get $good) (f32x4.ge (f32x4.mul (local.get $tv) (local.get $omt)) (v128.const f32x4 0 0 0 0))))
        ;; e = exp(−|x|)
        ;; @expand exp_neg_abs_f32
        ;; σ(±|x|) from w = 1 + e: 1/w and e/w; log1p(e).
        (local.set $inv (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e))))
        ;; @expand log1p_f32
        (local.set $nonneg (f32x4.ge (local.get $xv) (v128.const f32x4 0 0 0 0)))
        (local.set $ei (f32x4.mul (local.get $e) (local.get $inv)))
        (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
        (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
        (local.set $bce (f32x4.add (local.get $lp) (v128.bitselect (f32x4.mul (local.get $omt) (local.get $xv))
          (f32x4.neg (f32x4.mul (local.get $tv) (local.get $xv))) (local.get $nonneg))))
        (local.set $m (f32x4.add (f32x4.mul (local.get $p) (local.get $omt)) (f32x4.mul (local.get $q) (local.get $tv))))
        (local.set $at (f32x4.add (f32x4.mul (local.get $alv) (local.get $tv)) (f32x4.mul (local.get $omal) (local.get $omt))))
        (local.set $mg (f32x4.mul (local.get $m) (local.get $m)))
        (local.set $li (f32x4.mul (f32x4.mul (local.get $at) (local.get $bce)) (local.get $mg)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $li)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $li) (local.get $li))))
        (v128.store (i32.add (local.get $out) (local.get $o8)) (local.get $lo))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $o8)) (local.get $hi))
        (local.set $sum (f64x2.add (f64x2.add (local.get $sum) (local.get $lo)) (local.get $hi)))
        (if (local.get $withGrad) (then
          (local.set $gr (f32x4.mul (local.get $at)
            (f32x4.add
              (f32x4.mul (f32x4.sub (f32x4.mul (local.get $p) (local.get $omt)) (f32x4.mul (local.get $q) (local.get $tv))) (local.get $mg))
              (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.mul (local.get $bce) (f32x4.add (local.get $m) (local.get $m))) (local.get $p)) (local.get $q))
                (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $tv)))))))
          (v128.store (i32.add (local.get $grad) (local.get $o8)) (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (local.get $gr))))
          (v128.store offset=16 (i32.add (local.get $grad) (local.get $o8))
            (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $fast)))
      (local.set $bad (v128.not (local.get $good)))
      (local.set $lanes (i32x4.add (i32x4.splat (local.get $i)) (local.get $lanes)))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (local.set $mask (i32x4.gt_s (i32x4.splat (local.get $count)) (local.get $lanes)))
      (local.set $o4 (i32.shl (local.get $i) (i32.const 2)))
      (local.set $o8 (i32.shl (local.get $i) (i32.const 3)))
      (local.set $xv (v128.load (i32.add (local.get $x) (local.get $o4))))
      (local.set $tv (v128.load (i32.add (local.get $t) (local.get $o4))))
      ;; A target outside [0, 1] (NaN included) fails both comparisons' conjunction.
      (local.set $bad (v128.or (local.get $bad)
        (v128.andnot (local.get $mask) (v128.and (f32x4.ge (local.get $tv) (v128.const f32x4 0 0 0 0)) (f32x4.le (local.get $tv) (v128.const f32x4 1 1 1 1))))))
      ;; e = exp(−|x|)
      ;; @expand exp_neg_abs_f32
      ;; σ(±|x|) from w = 1 + e: 1/w and e/w; log1p(e).
      (local.set $w (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))
      (local.set $inv (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $w)))
      ;; @expand log1p_f32
      (local.set $nonneg (f32x4.ge (local.get $xv) (v128.const f32x4 0 0 0 0)))
      (local.set $ei (f32x4.mul (local.get $e) (local.get $inv)))
      (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
      (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
      ;; The focal loss proper, as focal_f64.
      (local.set $omt (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $tv)))
      (local.set $bce (f32x4.add (local.get $lp) (v128.bitselect (f32x4.mul (local.get $omt) (local.get $xv))
        (f32x4.neg (f32x4.mul (local.get $tv) (local.get $xv))) (local.get $nonneg))))
      (local.set $m (f32x4.add (f32x4.mul (local.get $p) (local.get $omt)) (f32x4.mul (local.get $q) (local.get $tv))))
      (local.set $at (v128.const f32x4 1 1 1 1))
      (if (f64.ge (local.get $alpha) (f64.const 0))
        (then (local.set $at (f32x4.add (f32x4.mul (local.get $alv) (local.get $tv)) (f32x4.mul (local.get $omal) (local.get $omt))))))
      (if (i32.eqz (local.get $gamma))
        (then (local.set $mg (v128.const f32x4 1 1 1 1)) (local.set $dmg (v128.const f32x4 0 0 0 0)))
        (else
          (local.set $pm1 (v128.const f32x4 1 1 1 1))
          (local.set $g (i32.const 1))
          (block $powered (loop $power
            (br_if $powered (i32.ge_u (local.get $g) (local.get $gamma)))
            (local.set $pm1 (f32x4.mul (local.get $pm1) (local.get $m)))
            (local.set $g (i32.add (local.get $g) (i32.const 1)))
            (br $power)))
          (local.set $mg (f32x4.mul (local.get $pm1) (local.get $m)))
          (local.set $dmg (f32x4.mul (local.get $gv) (local.get $pm1)))))
      (local.set $li (v128.and (f32x4.mul (f32x4.mul (local.get $at) (local.get $bce)) (local.get $mg)) (local.get $mask)))
      (local.set $lo (f64x2.promote_low_f32x4 (local.get $li)))
      (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $li) (local.get $li))))
      (v128.store (i32.add (local.get $out) (local.get $o8)) (local.get $lo))
      (v128.store offset=16 (i32.add (local.get $out) (local.get $o8)) (local.get $hi))
      (local.set $sum (f64x2.add (f64x2.add (local.get $sum) (local.get $lo)) (local.get $hi)))
      (if (local.get $withGrad) (then
        (local.set $gr (f32x4.mul (local.get $at)
          (f32x4.add
            (f32x4.mul (f32x4.sub (f32x4.mul (local.get $p) (local.get $omt)) (f32x4.mul (local.get $q) (local.get $tv))) (local.get $mg))
            (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.mul (local.get $bce) (local.get $dmg)) (local.get $p)) (local.get $q))
              (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $tv)))))))
        ;; c is applied in float64: a small 1/count or 1/avg_factor would lose range in float32.
        (v128.store (i32.add (local.get $grad) (local.get $o8)) (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (local.get $gr))))
        (v128.store offset=16 (i32.add (local.get $grad) (local.get $o8))
          (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))
      (local.set $lanes (i32x4.add (local.get $lanes) (v128.const i32x4 4 4 4 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next)))
    (if (v128.any_true (local.get $bad)) (then (return (f64.const nan))))
    (f64.add (f64x2.extract_lane 0 (local.get $sum)) (f64x2.extract_lane 1 (local.get $sum)))
  )

  ;; Quality focal loss, label/score form, over `rows` rows of C float32 logits at x: row r's
  ;; labelled column is label[r] − shift (any other value marks a background row) with target
  ;; score[r], every other column target 0; label, score and weight are float64 (n-sized). Writes
  ;; out[r] = Σ_j BCE·|σ − y|^β (float64, summed in float64) and, when withGrad, grad (float64) =
  ;; c_r·∂/∂x with c_r = scale·weight[r] (hasWeight) or scale. β a non-negative integer. Returns
  ;; Σ_r c_r·out[r]; a non-finite logit makes it non-finite.
  (func (export "qfl_label_f32")
    (param $x i32) (param $label i32) (param $score i32) (param $weight i32) (param $out i32) (param $grad i32)
    (param $rows i32) (param $C i32) (param $shift f64) (param $scaleC f64) (param $hasWeight i32)
    (param $beta i32) (param $withGrad i32) (result f64)
    (local $row i32) (local $j i32) (local $el i32) (local $g i32) (local $total f64) (local $cr f64) (local $rowTotal f64)
    (local $mask v128) (local $sum v128) (local $col v128) (local $posv v128) (local $scorev v128) (local $cv v128)
    (local $xv v128) (local $y v128) (local $bce v128) (local $d v128) (local $m v128) (local $pm1 v128)
    (local $mb v128) (local $sd v128) (local $li v128) (local $bv v128) (local $gr v128)
    (local $a v128) (local $kf v128) (local $scale v128) (local $r v128) (local $r2 v128) (local $e v128)
    (local $w v128) (local $inv v128)
    (local $s v128) (local $z v128) (local $z2 v128) (local $lp v128)
    (local $nonneg v128) (local $ei v128) (local $p v128) (local $q v128)
    (local $xv_b v128) (local $a_b v128) (local $kf_b v128) (local $scale_b v128) (local $r_b v128) (local $r2_b v128) (local $e_b v128) (local $w_b v128) (local $inv_b v128) (local $s_b v128) (local $z_b v128) (local $z2_b v128) (local $lp_b v128)
    (local $nonneg_b v128) (local $ei_b v128) (local $p_b v128) (local $q_b v128) (local $y_b v128) (local $bce_b v128) (local $d_b v128) (local $m_b v128) (local $pm1_b v128) (local $mb_b v128) (local $sd_b v128) (local $li_b v128) (local $gr_b v128) (local $col_b v128)
    (local.set $bv (f32x4.splat (f32.convert_i32_u (local.get $beta))))
    (block $rowsDone (loop $nextRow
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
      ;; Column indices compare as integers; a label − shift outside [0, C) never matches.
      (local.set $posv (i32x4.splat (i32.trunc_sat_f64_s
        (f64.sub (f64.load (i32.add (local.get $label) (i32.shl (local.get $row) (i32.const 3)))) (local.get $shift)))))
      (local.set $scorev (f32x4.splat (f32.demote_f64 (f64.load (i32.add (local.get $score) (i32.shl (local.get $row) (i32.const 3)))))))
      (local.set $cr (local.get $scaleC))
      (if (local.get $hasWeight) (then
        (local.set $cr (f64.mul (local.get $scaleC) (f64.load (i32.add (local.get $weight) (i32.shl (local.get $row) (i32.const 3))))))))
      (local.set $cv (f64x2.splat (local.get $cr)))
      (local.set $sum (v128.const f64x2 0 0))
      (local.set $col (v128.const i32x4 0 1 2 3))
      (local.set $j (i32.const 0))
      ;; β = 2 (the default): two vectors per iteration while eight columns remain, interleaved as
      ;; focal_f32's pair loop (latency, not throughput, bounds one vector); b is a on the next four
      ;; columns, the row sum takes a's terms then b's, so results stay bit-identical; its vectors
      ;; are whole, so no lane is masked. The steps are the loop below's, which finishes the row;
      ;; its comments explain them.
      (block $pairsDone (loop $pair
        (br_if $pairsDone (i32.or (i32.ne (local.get $beta) (i32.const 2)) (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $C))))
        (local.set $col_b (i32x4.add (local.get $col) (v128.const i32x4 4 4 4 4)))
        (local.set $el (i32.add (i32.mul (local.get $row) (local.get $C)) (local.get $j)))
        (local.set $xv (v128.load (i32.add (local.get $x) (i32.shl (local.get $el) (i32.const 2)))))
        (local.set $xv_b (v128.load offset=16 (i32.add (local.get $x) (i32.shl (local.get $el) (i32.const 2)))))
        ;; @expand exp_neg_abs_f32 _b
        (local.set $w (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))
        (local.set $w_b (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e_b)))
        (local.set $inv (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $w)))
        (local.set $inv_b (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $w_b)))
        ;; @expand log1p_f32 _b
        (local.set $nonneg (f32x4.ge (local.get $xv) (v128.const f32x4 0 0 0 0)))
        (local.set $nonneg_b (f32x4.ge (local.get $xv_b) (v128.const f32x4 0 0 0 0)))
        (local.set $ei (f32x4.mul (local.get $e) (local.get $inv)))
        (local.set $ei_b (f32x4.mul (local.get $e_b) (local.get $inv_b)))
        (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
        (local.set $p_b (v128.bitselect (local.get $inv_b) (local.get $ei_b) (local.get $nonneg_b)))
        (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
        (local.set $q_b (v128.bitselect (local.get $ei_b) (local.get $inv_b) (local.get $nonneg_b)))
        (local.set $y (v128.and (local.get $scorev) (i32x4.eq (local.get $col) (local.get $posv))))
        (local.set $y_b (v128.and (local.get $scorev) (i32x4.eq (local.get $col_b) (local.get $posv))))
        (local.set $bce (f32x4.add (local.get $lp) (v128.bitselect (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $y)) (local.get $xv))
          (f32x4.neg (f32x4.mul (local.get $y) (local.get $xv))) (local.get $nonneg))))
        (local.set $bce_b (f32x4.add (local.get $lp_b) (v128.bitselect (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $y_b)) (local.get $xv_b))
          (f32x4.neg (f32x4.mul (local.get $y_b) (local.get $xv_b))) (local.get $nonneg_b))))
        (local.set $d (v128.bitselect
          (f32x4.sub (local.get $p) (local.get $y))
          (f32x4.sub (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $y)) (local.get $q))
          (f32x4.lt (local.get $p) (v128.const f32x4 0.5 0.5 0.5 0.5))))
        (local.set $d_b (v128.bitselect
          (f32x4.sub (local.get $p_b) (local.get $y_b))
          (f32x4.sub (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $y_b)) (local.get $q_b))
          (f32x4.lt (local.get $p_b) (v128.const f32x4 0.5 0.5 0.5 0.5))))
        (local.set $m (f32x4.abs (local.get $d)))
        (local.set $m_b (f32x4.abs (local.get $d_b)))
        ;; β = 2 (this loop's condition): pm1 = 1·m = m exactly, as the power loop would leave it.
        (local.set $pm1 (local.get $m))
        (local.set $mb (f32x4.mul (local.get $pm1) (local.get $m)))
        (local.set $sd (v128.and
          (v128.or (local.get $pm1) (v128.and (local.get $d) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
          (f32x4.ne (local.get $m) (v128.const f32x4 0 0 0 0))))
        (local.set $pm1_b (local.get $m_b))
        (local.set $mb_b (f32x4.mul (local.get $pm1_b) (local.get $m_b)))
        (local.set $sd_b (v128.and
          (v128.or (local.get $pm1_b) (v128.and (local.get $d_b) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
          (f32x4.ne (local.get $m_b) (v128.const f32x4 0 0 0 0))))
        (local.set $li (f32x4.mul (local.get $bce) (local.get $mb)))
        (local.set $li_b (f32x4.mul (local.get $bce_b) (local.get $mb_b)))
        (local.set $sum (f64x2.add (f64x2.add (local.get $sum) (f64x2.promote_low_f32x4 (local.get $li)))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $li) (local.get $li)))))
        (local.set $sum (f64x2.add (f64x2.add (local.get $sum) (f64x2.promote_low_f32x4 (local.get $li_b)))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $li_b) (local.get $li_b)))))
        (if (local.get $withGrad) (then
          (local.set $gr (f32x4.add (f32x4.mul (local.get $d) (local.get $mb))
            (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.mul (local.get $bv) (local.get $bce)) (local.get $p)) (local.get $q)) (local.get $sd))))
          (local.set $gr_b (f32x4.add (f32x4.mul (local.get $d_b) (local.get $mb_b))
            (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.mul (local.get $bv) (local.get $bce_b)) (local.get $p_b)) (local.get $q_b)) (local.get $sd_b))))
          (v128.store (i32.add (local.get $grad) (i32.shl (local.get $el) (i32.const 3))) (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (local.get $gr))))
          (v128.store offset=32 (i32.add (local.get $grad) (i32.shl (local.get $el) (i32.const 3))) (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (local.get $gr_b))))
          (v128.store offset=16 (i32.add (local.get $grad) (i32.shl (local.get $el) (i32.const 3)))
            (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))
          (v128.store offset=48 (i32.add (local.get $grad) (i32.shl (local.get $el) (i32.const 3)))
            (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr_b) (local.get $gr_b)))))))
        (local.set $col (i32x4.add (local.get $col) (v128.const i32x4 8 8 8 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $pair)))
      (block $colsDone (loop $nextCol
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $C)))
        (local.set $mask (i32x4.gt_s (i32x4.splat (local.get $C)) (local.get $col)))
        (local.set $el (i32.add (i32.mul (local.get $row) (local.get $C)) (local.get $j)))
        (local.set $xv (v128.load (i32.add (local.get $x) (i32.shl (local.get $el) (i32.const 2)))))
      ;; e = exp(−|x|)
        ;; @expand exp_neg_abs_f32
        ;; σ(±|x|) from w = 1 + e: 1/w and e/w; log1p(e).
        (local.set $w (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))
        (local.set $inv (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $w)))
        ;; @expand log1p_f32
        (local.set $nonneg (f32x4.ge (local.get $xv) (v128.const f32x4 0 0 0 0)))
        (local.set $ei (f32x4.mul (local.get $e) (local.get $inv)))
        (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
        (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
        ;; The QFL proper, as qfl_label_f64: σ − y from whichever of σ, 1 − σ is small.
        (local.set $y (v128.and (local.get $scorev) (i32x4.eq (local.get $col) (local.get $posv))))
        (local.set $bce (f32x4.add (local.get $lp) (v128.bitselect (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $y)) (local.get $xv))
          (f32x4.neg (f32x4.mul (local.get $y) (local.get $xv))) (local.get $nonneg))))
        (local.set $d (v128.bitselect
          (f32x4.sub (local.get $p) (local.get $y))
          (f32x4.sub (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $y)) (local.get $q))
          (f32x4.lt (local.get $p) (v128.const f32x4 0.5 0.5 0.5 0.5))))
        (local.set $m (f32x4.abs (local.get $d)))
        (if (i32.eqz (local.get $beta))
          (then (local.set $mb (v128.const f32x4 1 1 1 1)) (local.set $sd (v128.const f32x4 0 0 0 0)))
          (else
            (local.set $pm1 (v128.const f32x4 1 1 1 1))
            (local.set $g (i32.const 1))
            (block $powered (loop $power
              (br_if $powered (i32.ge_u (local.get $g) (local.get $beta)))
              (local.set $pm1 (f32x4.mul (local.get $pm1) (local.get $m)))
              (local.set $g (i32.add (local.get $g) (i32.const 1)))
              (br $power)))
            (local.set $mb (f32x4.mul (local.get $pm1) (local.get $m)))
            (local.set $sd (v128.and
              (v128.or (local.get $pm1) (v128.and (local.get $d) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
              (f32x4.ne (local.get $m) (v128.const f32x4 0 0 0 0))))))
        (local.set $li (v128.and (f32x4.mul (local.get $bce) (local.get $mb)) (local.get $mask)))
        (local.set $sum (f64x2.add (f64x2.add (local.get $sum) (f64x2.promote_low_f32x4 (local.get $li)))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $li) (local.get $li)))))
        (if (local.get $withGrad) (then
          (local.set $gr (f32x4.add (f32x4.mul (local.get $d) (local.get $mb))
            (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.mul (local.get $bv) (local.get $bce)) (local.get $p)) (local.get $q)) (local.get $sd))))
          (v128.store (i32.add (local.get $grad) (i32.shl (local.get $el) (i32.const 3))) (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (local.get $gr))))
          (v128.store offset=16 (i32.add (local.get $grad) (i32.shl (local.get $el) (i32.const 3)))
            (f64x2.mul (local.get $cv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))
        (local.set $col (i32x4.add (local.get $col) (v128.const i32x4 4 4 4 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $nextCol)))
      (local.set $rowTotal (f64.add (f64x2.extract_lane 0 (local.get $sum)) (f64x2.extract_lane 1 (local.get $sum))))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 3))) (local.get $rowTotal))
      (local.set $total (f64.add (local.get $total) (f64.mul (local.get $cr) (local.get $rowTotal))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $nextRow)))
    (local.get $total)
  )

  ;; Whether any of `count` float64 values at v lies outside [lo, hi] (NaN included): the target
  ;; check of focal_f64's inputs, run on the block already copied into memory (L2-resident), so it
  ;; costs a fraction of a separate TypeScript pass. An odd count reads one slack element, masked.
  (func (export "outside_range_f64")
    (param $v i32) (param $count i32) (param $lo f64) (param $hi f64) (result i32)
    (local $i i32) (local $bad v128) (local $val v128) (local $lov v128) (local $hiv v128) (local $mask v128)
    (local.set $lov (f64x2.splat (local.get $lo)))
    (local.set $hiv (f64x2.splat (local.get $hi)))
    (local.set $mask (v128.const i64x2 -1 -1))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $count))
        (then (local.set $mask (v128.const i64x2 -1 0))))
      (local.set $val (v128.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $bad (v128.or (local.get $bad)
        (v128.andnot (local.get $mask) (v128.and (f64x2.ge (local.get $val) (local.get $lov)) (f64x2.le (local.get $val) (local.get $hiv))))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $next)))
    (v128.any_true (local.get $bad))
  )
