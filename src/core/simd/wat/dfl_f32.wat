;; ---- Distribution Focal Loss in float32 (f32x4), the opt-in `precision: 'float32'` mode ----
  ;; src/core/losses/dfl/simd.ts drives it; src/core/losses/dfl/job.ts's float64 rows are the reference.
  ;; Rows go in groups of four, one row per lane throughout: bin i of the group's four rows is
  ;; gathered into one vector (and kept, transposed, in the scratch), so the maximum m, the
  ;; exponentials eᵢ = exp(xᵢ − m), Σeᵢ and Σi·eᵢ take no lane masks and no horizontal sums, and
  ;; every vector of every row is full whatever `bins` is. The per-row work (ln Σ, the
  ;; interpolation weights, the entropy floor, the loss) then runs on the same four lanes. Every
  ;; row's arithmetic is the same whatever its lane and group (Σ and Σi·e add the bins in order),
  ;; so any split of the rows into ranges gives the same bits.
  ;;
  ;; Shifting by the row maximum always puts Σ in [1, bins], so float32's exp never overflows and
  ;; ln Σ is well conditioned even at ±1000 logits. Targets, weights and the interpolation weights
  ;; stay float64 (exact; the clamp decisions are the float64 path's), the loss is assembled in
  ;; float64 from float32 m, x_k and ln Σ, so only Σ (exp and summation) and ln carry float32
  ;; rounding; the floor and the gradient's softmax are float32 (docs in src/core/losses/dfl/simd.ts).
  ;;
  ;; exp(t), t ≤ 0: 2^k·P(r), k = round(t/ln 2) by the 1.5·2^23 shifter, r = t − k·ln 2 in Cody–Waite
  ;; parts (ln2hi has 9 bits: k·ln2hi is exact), P = 1 + r + r²·Q(r), Cephes' degree-5 Q (≤ 1 ulp).
  ;; Below t = −87, 2^k would leave the normal range: e is flushed to 0 (≤ 1.7e-38 against Σ ≥ 1).

  ;; DFL over `rows` rows of `bins` float32 logits at x with float64 targets y: writes float64
  ;; loss = wl·CE(left) + wr·CE(right), expect = Σ pᵢ·i, floor = H(wl, wr), excess = loss − floor
  ;; and, when withGrad, float64 grad = c·((wl + wr)·p − wl·e_left − wr·e_right) with c = scale·w[r]
  ;; (hasWeight) or scale. Targets are finite (checked by the caller); y < 0 and y ≥ bins − 1 are
  ;; clamped as interpolationWeights does. Returns the number of clamped targets, or −1 if some
  ;; logit is not finite (the caller then names it).
  ;; Slack the caller leaves: x, grad and the per-row regions are read and written up to 3 rows
  ;; past `rows` (y must hold 0 there; what the slack lanes compute is discarded, and their
  ;; logits are left out of the finiteness check). `scratch` holds 224 bytes of per-group slots,
  ;; then the group's logits and exponentials, bin by bin (2·bins vectors).
  (func (export "dfl_f32")
    (param $x i32) (param $y i32) (param $w i32) (param $grad i32)
    (param $loss i32) (param $expect i32) (param $floor i32) (param $excess i32) (param $scratch i32)
    (param $rows i32) (param $bins i32) (param $scale f64) (param $hasWeight i32) (param $withGrad i32)
    (result i32)
    (local $r i32) (local $k i32) (local $valid i32) (local $rowBytes i32) (local $rowBytes8 i32) (local $binsBytes i32)
    (local $px i32) (local $pe i32) (local $pg i32) (local $i i32) (local $clamped i32) (local $at i32)
    (local $o8 i32) (local $eBase i32) (local $xt i32)
    (local $l0 i32) (local $l1 i32) (local $l2 i32) (local $l3 i32)
    (local $check v128) (local $groupCheck v128) (local $mx v128) (local $xv v128) (local $iv v128)
    (local $t v128) (local $kf v128) (local $sc v128) (local $rr v128) (local $e v128)
    (local $sum v128) (local $mom v128)
    (local $sv v128) (local $lnS v128) (local $last v128) (local $lastLeft v128)
    (local $y0 v128) (local $y1 v128) (local $left0 v128) (local $left1 v128)
    (local $wl0 v128) (local $wl1 v128) (local $wr0 v128) (local $wr1 v128) (local $neg v128) (local $high v128)
    (local $xl v128) (local $xr v128) (local $mv v128) (local $a v128) (local $b v128) (local $ent v128) (local $c0 v128) (local $c1 v128)
    (local $wl v128) (local $wr v128) (local $resL v128) (local $resR v128)
    (local $ln_x v128) (local $ln_k v128) (local $ln_f v128) (local $ln_z v128) (local $ln_p v128) (local $ln_kf v128)
    (local.set $rowBytes (i32.shl (local.get $bins) (i32.const 2)))
    ;; The group's transposed logits, then its exponentials: one vector per bin.
    (local.set $xt (i32.add (local.get $scratch) (i32.const 224)))
    (local.set $eBase (i32.add (local.get $xt) (i32.shl (local.get $bins) (i32.const 4))))
    (local.set $binsBytes (i32.shl (local.get $bins) (i32.const 4)))
    (local.set $last (f64x2.splat (f64.convert_i32_s (i32.sub (local.get $bins) (i32.const 1)))))
    (local.set $lastLeft (f64x2.splat (f64.convert_i32_s (i32.sub (local.get $bins) (i32.const 2)))))
    (block $groupsDone (loop $group
      (br_if $groupsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $valid (i32.sub (local.get $rows) (local.get $r)))
      (if (i32.gt_u (local.get $valid) (i32.const 4)) (then (local.set $valid (i32.const 4))))
      (local.set $px (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))

      ;; Bin by bin, the four rows' logits gathered into one vector: the maximum and the check.
      (local.set $mx (v128.const f32x4 -inf -inf -inf -inf))
      (local.set $groupCheck (v128.const i64x2 0 0))
      (local.set $at (local.get $px))
      (local.set $i (i32.const 0))
      (block $gatherDone (loop $gather
        (br_if $gatherDone (i32.ge_u (local.get $i) (local.get $binsBytes)))
        (local.set $xv (v128.load32_zero (local.get $at)))
        (local.set $pe (i32.add (local.get $at) (local.get $rowBytes)))
        (local.set $xv (v128.load32_lane 1 (local.get $pe) (local.get $xv)))
        (local.set $pe (i32.add (local.get $pe) (local.get $rowBytes)))
        (local.set $xv (v128.load32_lane 2 (local.get $pe) (local.get $xv)))
        (local.set $pe (i32.add (local.get $pe) (local.get $rowBytes)))
        (local.set $xv (v128.load32_lane 3 (local.get $pe) (local.get $xv)))
        (v128.store (i32.add (local.get $xt) (local.get $i)) (local.get $xv))
        ;; x − x is 0 for a finite x, NaN otherwise.
        (local.set $groupCheck (f32x4.add (local.get $groupCheck) (f32x4.sub (local.get $xv) (local.get $xv))))
        (local.set $mx (f32x4.pmax (local.get $mx) (local.get $xv)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $gather)))
      ;; Only the valid rows' logits count (the slack rows hold whatever an earlier block left).
      (local.set $check (f32x4.add (local.get $check) (v128.and (local.get $groupCheck)
        (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $valid))))))

      ;; The exponentials and their two sums, bins in order.
      (local.set $sum (v128.const i64x2 0 0))
      (local.set $mom (v128.const i64x2 0 0))
      (local.set $iv (v128.const i64x2 0 0))
      (local.set $i (i32.const 0))
      (block $expDone (loop $exp
        (br_if $expDone (i32.ge_u (local.get $i) (local.get $binsBytes)))
        (local.set $t (f32x4.sub (v128.load (i32.add (local.get $xt) (local.get $i))) (local.get $mx)))
        (local.set $kf (f32x4.add (f32x4.mul (local.get $t) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        ;; 2^k: the shifter's low bits hold k; bits(1.5·2^23) = 0x4B400000, + 127 for the exponent bias.
        (local.set $sc (i32x4.shl (i32x4.add (local.get $kf) (v128.const i32x4 -1262485377 -1262485377 -1262485377 -1262485377)) (i32.const 23)))
        (local.set $kf (f32x4.sub (local.get $kf) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $rr (f32x4.add (f32x4.sub (local.get $t) (f32x4.mul (local.get $kf) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
          (f32x4.mul (local.get $kf) (v128.const f32x4 2.12194440e-4 2.12194440e-4 2.12194440e-4 2.12194440e-4))))
        (local.set $e (f32x4.add (f32x4.mul (local.get $rr) (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $rr)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $rr)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $rr)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $rr)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $e (f32x4.add (f32x4.add (f32x4.mul (local.get $e) (f32x4.mul (local.get $rr) (local.get $rr))) (local.get $rr)) (v128.const f32x4 1 1 1 1)))
        (local.set $e (v128.and (f32x4.mul (local.get $e) (local.get $sc))
          (f32x4.ge (local.get $t) (v128.const f32x4 -87 -87 -87 -87))))
        (v128.store (i32.add (local.get $eBase) (local.get $i)) (local.get $e))
        (local.set $sum (f32x4.add (local.get $sum) (local.get $e)))
        (local.set $mom (f32x4.add (local.get $mom) (f32x4.mul (local.get $e) (local.get $iv))))
        (local.set $iv (f32x4.add (local.get $iv) (v128.const f32x4 1 1 1 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $exp)))

      ;; The group's rows, one per lane (lanes past `rows` compute garbage that lands in slack).
      (local.set $sv (local.get $sum))
      (local.set $mv (local.get $mx))
      (local.set $o8 (i32.shl (local.get $r) (i32.const 3)))
      (local.set $a (f32x4.div (local.get $mom) (local.get $sv)))
      (v128.store (i32.add (local.get $expect) (local.get $o8)) (f64x2.promote_low_f32x4 (local.get $a)))
      (v128.store offset=16 (i32.add (local.get $expect) (local.get $o8))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a) (local.get $a))))
      ;; Interpolation weights in float64, as interpolationWeights: exact, with its clamps.
      (local.set $y0 (v128.load (i32.add (local.get $y) (local.get $o8))))
      (local.set $y1 (v128.load offset=16 (i32.add (local.get $y) (local.get $o8))))
      (local.set $neg (f64x2.lt (local.get $y0) (v128.const i64x2 0 0)))
      (local.set $high (f64x2.ge (local.get $y0) (local.get $last)))
      (local.set $left0 (v128.bitselect (v128.const i64x2 0 0) (v128.bitselect (local.get $lastLeft) (f64x2.floor (local.get $y0)) (local.get $high)) (local.get $neg)))
      (local.set $wl0 (v128.bitselect (v128.const f64x2 1 1) (v128.bitselect (v128.const i64x2 0 0) (f64x2.sub (f64x2.add (local.get $left0) (v128.const f64x2 1 1)) (local.get $y0)) (local.get $high)) (local.get $neg)))
      (local.set $wr0 (v128.bitselect (v128.const i64x2 0 0) (v128.bitselect (v128.const f64x2 1 1) (f64x2.sub (local.get $y0) (local.get $left0)) (local.get $high)) (local.get $neg)))
      (local.set $c0 (v128.or (local.get $neg) (local.get $high)))
      (local.set $neg (f64x2.lt (local.get $y1) (v128.const i64x2 0 0)))
      (local.set $high (f64x2.ge (local.get $y1) (local.get $last)))
      (local.set $left1 (v128.bitselect (v128.const i64x2 0 0) (v128.bitselect (local.get $lastLeft) (f64x2.floor (local.get $y1)) (local.get $high)) (local.get $neg)))
      (local.set $wl1 (v128.bitselect (v128.const f64x2 1 1) (v128.bitselect (v128.const i64x2 0 0) (f64x2.sub (f64x2.add (local.get $left1) (v128.const f64x2 1 1)) (local.get $y1)) (local.get $high)) (local.get $neg)))
      (local.set $wr1 (v128.bitselect (v128.const i64x2 0 0) (v128.bitselect (v128.const f64x2 1 1) (f64x2.sub (local.get $y1) (local.get $left1)) (local.get $high)) (local.get $neg)))
      (local.set $c1 (v128.or (local.get $neg) (local.get $high)))
      ;; Clamped targets among the valid lanes: the masks are −1 per clamped row.
      (local.set $clamped (i32.sub (local.get $clamped) (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $c0)))))
      (if (i32.gt_u (local.get $valid) (i32.const 1)) (then (local.set $clamped (i32.sub (local.get $clamped) (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $c0)))))))
      (if (i32.gt_u (local.get $valid) (i32.const 2)) (then (local.set $clamped (i32.sub (local.get $clamped) (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $c1)))))))
      (if (i32.gt_u (local.get $valid) (i32.const 3)) (then (local.set $clamped (i32.sub (local.get $clamped) (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $c1)))))))
      ;; x_left and x_left+1 of each lane's row.
      (local.set $l0 (i32.shl (i32.trunc_sat_f64_s (f64x2.extract_lane 0 (local.get $left0))) (i32.const 2)))
      (local.set $l1 (i32.shl (i32.trunc_sat_f64_s (f64x2.extract_lane 1 (local.get $left0))) (i32.const 2)))
      (local.set $l2 (i32.shl (i32.trunc_sat_f64_s (f64x2.extract_lane 0 (local.get $left1))) (i32.const 2)))
      (local.set $l3 (i32.shl (i32.trunc_sat_f64_s (f64x2.extract_lane 1 (local.get $left1))) (i32.const 2)))
      (local.set $at (i32.add (local.get $px) (local.get $l0)))
      (local.set $xl (v128.load32_zero (local.get $at)))
      (local.set $xr (v128.load32_zero offset=4 (local.get $at)))
      (local.set $at (i32.add (i32.add (local.get $px) (local.get $rowBytes)) (local.get $l1)))
      (local.set $xl (v128.load32_lane 1 (local.get $at) (local.get $xl)))
      (local.set $xr (v128.load32_lane offset=4 1 (local.get $at) (local.get $xr)))
      (local.set $at (i32.add (i32.add (local.get $px) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $l2)))
      (local.set $xl (v128.load32_lane 2 (local.get $at) (local.get $xl)))
      (local.set $xr (v128.load32_lane offset=4 2 (local.get $at) (local.get $xr)))
      (local.set $at (i32.add (i32.add (local.get $px) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $l3)))
      (local.set $xl (v128.load32_lane 3 (local.get $at) (local.get $xl)))
      (local.set $xr (v128.load32_lane offset=4 3 (local.get $at) (local.get $xr)))
      ;; The weights rounded to float32, and the parts of them that rounding dropped.
      (local.set $wl (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (local.get $wl0)) (f32x4.demote_f64x2_zero (local.get $wl1))))
      (local.set $wr (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (local.get $wr0)) (f32x4.demote_f64x2_zero (local.get $wr1))))
      (local.set $resL (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (f64x2.sub (local.get $wl0) (f64x2.promote_low_f32x4 (local.get $wl))))
        (f32x4.demote_f64x2_zero (f64x2.sub (local.get $wl1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $wl) (local.get $wl)))))))
      (local.set $resR (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (f64x2.sub (local.get $wr0) (f64x2.promote_low_f32x4 (local.get $wr))))
        (f32x4.demote_f64x2_zero (f64x2.sub (local.get $wr1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $wr) (local.get $wr)))))))
      ;; ln Σ, ln wl, ln wr: one loop over three slots, so that the log is written (and compiled) once.
      ;; ln x per lane for normal x > 0: x = 2^k·m with m ∈ [√2/2, √2) (integer arithmetic on the
      ;; bits, no branch), f = m − 1 exact, ln(1 + f) = f − f²/2 + f³·P(f) with Cephes' logf
      ;; polynomial (≤ 1–2 ulp), + k·ln 2 in two parts. Zero, subnormal or garbage lanes give
      ;; garbage, never a trap (their terms are masked below).
      (v128.store offset=160 (local.get $scratch) (local.get $sv))
      (v128.store offset=176 (local.get $scratch) (local.get $wl))
      (v128.store offset=192 (local.get $scratch) (local.get $wr))
      (local.set $i (i32.const 160))
      (loop $logs
        (local.set $ln_x (v128.load (i32.add (local.get $scratch) (local.get $i))))
        (local.set $ln_k (i32x4.shr_s (i32x4.sub (local.get $ln_x) (v128.const i32x4 0x3F3504F3 0x3F3504F3 0x3F3504F3 0x3F3504F3)) (i32.const 23)))
        (local.set $ln_f (f32x4.sub (i32x4.sub (local.get $ln_x) (i32x4.shl (local.get $ln_k) (i32.const 23))) (v128.const f32x4 1 1 1 1)))
        (local.set $ln_kf (f32x4.convert_i32x4_s (local.get $ln_k)))
        (local.set $ln_z (f32x4.mul (local.get $ln_f) (local.get $ln_f)))
        (local.set $ln_p (f32x4.add (f32x4.mul (local.get $ln_f) (v128.const f32x4 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2)) (v128.const f32x4 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1)))
        (local.set $ln_p (f32x4.add (f32x4.mul (local.get $ln_p) (local.get $ln_f)) (v128.const f32x4 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1)))
        (local.set $ln_p (f32x4.add (f32x4.mul (local.get $ln_p) (local.get $ln_f)) (v128.const f32x4 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1)))
        (local.set $ln_p (f32x4.add (f32x4.mul (local.get $ln_p) (local.get $ln_f)) (v128.const f32x4 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1)))
        (local.set $ln_p (f32x4.add (f32x4.mul (local.get $ln_p) (local.get $ln_f)) (v128.const f32x4 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1)))
        (local.set $ln_p (f32x4.add (f32x4.mul (local.get $ln_p) (local.get $ln_f)) (v128.const f32x4 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1)))
        (local.set $ln_p (f32x4.add (f32x4.mul (local.get $ln_p) (local.get $ln_f)) (v128.const f32x4 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1)))
        (local.set $ln_p (f32x4.add (f32x4.mul (local.get $ln_p) (local.get $ln_f)) (v128.const f32x4 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1)))
        ;; f·z·P + k·ln2lo − z/2, then + f + k·ln2hi (small terms first).
        (local.set $ln_p (f32x4.sub (f32x4.add (f32x4.mul (f32x4.mul (local.get $ln_p) (local.get $ln_z)) (local.get $ln_f))
        (f32x4.mul (local.get $ln_kf) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4)))
        (f32x4.mul (local.get $ln_z) (v128.const f32x4 0.5 0.5 0.5 0.5))))
        (v128.store (i32.add (local.get $scratch) (local.get $i))
          (f32x4.add (f32x4.add (local.get $ln_f) (local.get $ln_p)) (f32x4.mul (local.get $ln_kf) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $logs (i32.lt_u (local.get $i) (i32.const 208))))
      (local.set $lnS (v128.load offset=160 (local.get $scratch)))
      ;; −w·ln w, with ln w corrected by (w − w32)/w32: without it a weight 1 − δ, δ < 2⁻²⁴, would
      ;; round to 1 and lose the whole term ≈ δ. 0 where w is 0 or below float32's normal range (the
      ;; term is then < 1e-36).
      (local.set $ent (f32x4.add
        (v128.and (f32x4.mul (f32x4.neg (local.get $wl))
            (f32x4.add (v128.load offset=176 (local.get $scratch)) (f32x4.div (local.get $resL) (local.get $wl))))
          (f32x4.ge (local.get $wl) (v128.const f32x4 1.1754944e-38 1.1754944e-38 1.1754944e-38 1.1754944e-38)))
        (v128.and (f32x4.mul (f32x4.neg (local.get $wr))
            (f32x4.add (v128.load offset=192 (local.get $scratch)) (f32x4.div (local.get $resR) (local.get $wr))))
          (f32x4.ge (local.get $wr) (v128.const f32x4 1.1754944e-38 1.1754944e-38 1.1754944e-38 1.1754944e-38)))))
      ;; Rows r, r + 1 (low lanes), then r + 2, r + 3: (m − x_k) + ln Σ in float64, where m − x_k is
      ;; exact, as the float64 path's (s − z_k) + ln Σ (no cancellation at ±1000).
      (local.set $a (f64x2.promote_low_f32x4 (local.get $lnS)))
      (local.set $b (f64x2.promote_low_f32x4 (local.get $mv)))
      (local.set $b (f64x2.add
        (f64x2.mul (local.get $wl0) (f64x2.add (f64x2.sub (local.get $b) (f64x2.promote_low_f32x4 (local.get $xl))) (local.get $a)))
        (f64x2.mul (local.get $wr0) (f64x2.add (f64x2.sub (local.get $b) (f64x2.promote_low_f32x4 (local.get $xr))) (local.get $a)))))
      (v128.store (i32.add (local.get $loss) (local.get $o8)) (local.get $b))
      (local.set $a (f64x2.promote_low_f32x4 (local.get $ent)))
      (v128.store (i32.add (local.get $floor) (local.get $o8)) (local.get $a))
      (v128.store (i32.add (local.get $excess) (local.get $o8)) (f64x2.sub (local.get $b) (local.get $a)))
      (local.set $lnS (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $lnS) (local.get $lnS)))
      (local.set $mv (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $mv) (local.get $mv)))
      (local.set $xl (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $xl) (local.get $xl)))
      (local.set $xr (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $xr) (local.get $xr)))
      (local.set $ent (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $ent) (local.get $ent)))
      (local.set $a (f64x2.promote_low_f32x4 (local.get $lnS)))
      (local.set $b (f64x2.promote_low_f32x4 (local.get $mv)))
      (local.set $b (f64x2.add
        (f64x2.mul (local.get $wl1) (f64x2.add (f64x2.sub (local.get $b) (f64x2.promote_low_f32x4 (local.get $xl))) (local.get $a)))
        (f64x2.mul (local.get $wr1) (f64x2.add (f64x2.sub (local.get $b) (f64x2.promote_low_f32x4 (local.get $xr))) (local.get $a)))))
      (v128.store offset=16 (i32.add (local.get $loss) (local.get $o8)) (local.get $b))
      (local.set $a (f64x2.promote_low_f32x4 (local.get $ent)))
      (v128.store offset=16 (i32.add (local.get $floor) (local.get $o8)) (local.get $a))
      (v128.store offset=16 (i32.add (local.get $excess) (local.get $o8)) (f64x2.sub (local.get $b) (local.get $a)))

      (if (local.get $withGrad) (then
        ;; c per row (float64), the softmax scale c·(wl + wr)/Σ in float32, c·wl and c·wr in float64.
        (local.set $c0 (f64x2.splat (local.get $scale)))
        (local.set $c1 (local.get $c0))
        (if (local.get $hasWeight) (then
          (local.set $c0 (f64x2.mul (local.get $c0) (v128.load (i32.add (local.get $w) (local.get $o8)))))
          (local.set $c1 (f64x2.mul (local.get $c1) (v128.load offset=16 (i32.add (local.get $w) (local.get $o8)))))))
        (local.set $a (f32x4.div
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.mul (local.get $c0) (f64x2.add (local.get $wl0) (local.get $wr0))))
            (f32x4.demote_f64x2_zero (f64x2.mul (local.get $c1) (f64x2.add (local.get $wl1) (local.get $wr1)))))
          (local.get $sv)))
        (v128.store offset=64 (local.get $scratch) (f64x2.mul (local.get $c0) (local.get $wl0)))
        (v128.store offset=80 (local.get $scratch) (f64x2.mul (local.get $c1) (local.get $wl1)))
        (v128.store offset=96 (local.get $scratch) (f64x2.mul (local.get $c0) (local.get $wr0)))
        (v128.store offset=112 (local.get $scratch) (f64x2.mul (local.get $c1) (local.get $wr1)))
        (i32.store offset=128 (local.get $scratch) (local.get $l0))
        (i32.store offset=132 (local.get $scratch) (local.get $l1))
        (i32.store offset=136 (local.get $scratch) (local.get $l2))
        (i32.store offset=140 (local.get $scratch) (local.get $l3))
        ;; Four bins at a time, the four rows' scaled exponentials transposed back into rows (a 4×4
        ;; shuffle) and stored as float64 pairs; the last bins % 4 lane by lane. Slack rows land in slack.
        (local.set $pg (i32.add (local.get $grad) (i32.shl (i32.mul (local.get $r) (local.get $bins)) (i32.const 3))))
        (local.set $rowBytes8 (i32.shl (local.get $bins) (i32.const 3)))
        (local.set $i (i32.const 0))
        (block $quadsDone (loop $quad
          (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 64)) (local.get $binsBytes)))
          (local.set $at (i32.add (local.get $eBase) (local.get $i)))
          (local.set $xl (f32x4.mul (v128.load (local.get $at)) (local.get $a)))
          (local.set $xr (f32x4.mul (v128.load offset=16 (local.get $at)) (local.get $a)))
          (local.set $e (f32x4.mul (v128.load offset=32 (local.get $at)) (local.get $a)))
          (local.set $t (f32x4.mul (v128.load offset=48 (local.get $at)) (local.get $a)))
          ;; [row0 row1] of bins i, i+1 as [b0₀ b1₀ b0₁ b1₁], and of bins i+2, i+3; then rows 2, 3.
          (local.set $kf (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $xl) (local.get $xr)))
          (local.set $sc (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $e) (local.get $t)))
          (local.set $rr (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $xl) (local.get $xr)))
          (local.set $b (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $e) (local.get $t)))
          (v128.store (local.get $pg) (f64x2.promote_low_f32x4 (local.get $kf)))
          (v128.store offset=16 (local.get $pg) (f64x2.promote_low_f32x4 (local.get $sc)))
          (local.set $o8 (i32.add (local.get $pg) (local.get $rowBytes8)))
          (v128.store (local.get $o8) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $kf) (local.get $kf))))
          (v128.store offset=16 (local.get $o8) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $sc) (local.get $sc))))
          (local.set $o8 (i32.add (local.get $o8) (local.get $rowBytes8)))
          (v128.store (local.get $o8) (f64x2.promote_low_f32x4 (local.get $rr)))
          (v128.store offset=16 (local.get $o8) (f64x2.promote_low_f32x4 (local.get $b)))
          (local.set $o8 (i32.add (local.get $o8) (local.get $rowBytes8)))
          (v128.store (local.get $o8) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $rr) (local.get $rr))))
          (v128.store offset=16 (local.get $o8) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $b) (local.get $b))))
          (local.set $pg (i32.add (local.get $pg) (i32.const 32)))
          (local.set $i (i32.add (local.get $i) (i32.const 64)))
          (br $quad)))
        (block $scaled (loop $scaleBin
          (br_if $scaled (i32.ge_u (local.get $i) (local.get $binsBytes)))
          (local.set $e (f32x4.mul (v128.load (i32.add (local.get $eBase) (local.get $i))) (local.get $a)))
          (local.set $b (f64x2.promote_low_f32x4 (local.get $e)))
          (v128.store64_lane 0 (local.get $pg) (local.get $b))
          (local.set $o8 (i32.add (local.get $pg) (local.get $rowBytes8)))
          (v128.store64_lane 1 (local.get $o8) (local.get $b))
          (local.set $b (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $e) (local.get $e))))
          (local.set $o8 (i32.add (local.get $o8) (local.get $rowBytes8)))
          (v128.store64_lane 0 (local.get $o8) (local.get $b))
          (local.set $o8 (i32.add (local.get $o8) (local.get $rowBytes8)))
          (v128.store64_lane 1 (local.get $o8) (local.get $b))
          (local.set $pg (i32.add (local.get $pg) (i32.const 8)))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $scaleBin)))
        ;; The one-hot part, − c·wl and − c·wr at the two bins, in the valid rows.
        (local.set $k (i32.const 0))
        (block $gradsDone (loop $gradRow
          (br_if $gradsDone (i32.ge_u (local.get $k) (local.get $valid)))
          (local.set $pg (i32.add (local.get $grad) (i32.shl (i32.mul (i32.add (local.get $r) (local.get $k)) (local.get $bins)) (i32.const 3))))
          (local.set $at (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 2))))
          (local.set $o8 (i32.add (local.get $pg) (i32.shl (i32.load offset=128 (local.get $at)) (i32.const 1))))
          (local.set $at (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 3))))
          (f64.store (local.get $o8) (f64.sub (f64.load (local.get $o8)) (f64.load offset=64 (local.get $at))))
          (f64.store offset=8 (local.get $o8) (f64.sub (f64.load offset=8 (local.get $o8)) (f64.load offset=96 (local.get $at))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $gradRow)))
        (local.set $o8 (i32.shl (local.get $r) (i32.const 3)))))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $group)))
    (if (i32.eqz (i32x4.all_true (f32x4.eq (local.get $check) (v128.const i64x2 0 0)))) (then (return (i32.const -1))))
    (local.get $clamped)
  )
