  ;; Distribution Focal Loss (src/core/losses/dfl/simd.ts drives it; src/core/losses/dfl/job.ts is the
  ;; TypeScript reference). Rows run two at a time, one per f64x2 lane, so that every per-row
  ;; quantity (row sums, log-sum-exp, the interpolation weights, the entropy floor) is a plain lane
  ;; operation with no horizontal sums, and each row's arithmetic is the same whichever lane (and
  ;; whichever row range) it lands in: streamed, pooled and whole evaluations agree bit for bit.
  ;; An odd last row runs in both lanes; lane 1 then only repeats lane 0's stores.


  ;; DFL over `rows` rows of `bins` logits at x (row-major float64) with targets y (rows): writes
  ;; per row loss = wl·CE(left) + wr·CE(right), expectation = Σ pᵢ·i, floor = H(wl, wr) and
  ;; excess = loss − floor, and when withGrad, grad = c·((wl + wr)·p − wl·e_left − wr·e_right) with
  ;; c = scale·w[r] (hasWeight) or scale. Targets are finite (checked by the caller); y < 0 and
  ;; y ≥ bins − 1 are clamped as interpolationWeights does. Returns the number of clamped targets,
  ;; or −1 if some logit is not finite (the caller then names it).
  ;;
  ;; Per row, as expRowInto: eᵢ = exp(xᵢ − s) with s = 0 unless Σ eᵢ leaves [1e-280, 1e280], then
  ;; s = the row maximum and a second pass. exp(t) for t clamped to [−708, 708] (a larger t pushes
  ;; the sum out of range, so the row is redone shifted; below −708 e is flushed to 0): 2^k by the
  ;; 1.5·2^52 shifter, r = t − k·ln 2 in fdlibm's hi/lo parts, Taylor to r^13 in Estrin's scheme.
  (func (export "dfl_f64")
    (param $x i32) (param $y i32) (param $w i32) (param $grad i32)
    (param $loss i32) (param $expect i32) (param $floor i32) (param $excess i32)
    (param $rows i32) (param $bins i32) (param $scale f64) (param $hasWeight i32) (param $withGrad i32)
    (result i32)
    (local $r i32) (local $rowBytes i32) (local $px0 i32) (local $px1 i32) (local $pg0 i32) (local $pg1 i32)
    (local $o0 i32) (local $o1 i32) (local $tail i32) (local $i i32) (local $shifted i32) (local $clamped i32)
    (local $l0 i32) (local $l1 i32) (local $at i32)
    (local $xv v128) (local $check v128) (local $mx v128) (local $shift v128) (local $sum v128) (local $moment v128)
    (local $iv v128) (local $t v128) (local $a v128) (local $kf v128) (local $sc v128) (local $rr v128)
    (local $r2 v128) (local $r4 v128) (local $e v128) (local $inRange v128)
    (local $yv v128) (local $neg v128) (local $high v128) (local $left v128) (local $wl v128) (local $wr v128)
    (local $xl v128) (local $xr v128) (local $logSum v128) (local $lv v128) (local $inv v128) (local $ent v128)
    (local $c v128) (local $gs v128) (local $cwl v128) (local $cwr v128) (local $last v128) (local $lastLeft v128)
    (local $j i32) (local $lnWl v128) (local $lnWr v128)
    (local $ln_x v128) (local $ln_tiny v128) (local $ln_ix v128) (local $ln_kf v128) (local $ln_f v128) (local $ln_s v128)
    (local $ln_z v128) (local $ln_z2 v128) (local $ln_R v128) (local $ln_hfsq v128)
    (local.set $rowBytes (i32.shl (local.get $bins) (i32.const 3)))
    (local.set $last (f64x2.splat (f64.convert_i32_s (i32.sub (local.get $bins) (i32.const 1)))))
    (local.set $lastLeft (f64x2.splat (f64.convert_i32_s (i32.sub (local.get $bins) (i32.const 2)))))
    (block $rowsDone (loop $rowPair
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $tail (i32.eq (i32.add (local.get $r) (i32.const 1)) (local.get $rows)))
      (local.set $o0 (i32.shl (local.get $r) (i32.const 3)))
      (local.set $o1 (select (local.get $o0) (i32.add (local.get $o0) (i32.const 8)) (local.get $tail)))
      (local.set $px0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $px1 (select (local.get $px0) (i32.add (local.get $px0) (local.get $rowBytes)) (local.get $tail)))
      (local.set $pg0 (i32.add (local.get $grad) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $pg1 (select (local.get $pg0) (i32.add (local.get $pg0) (local.get $rowBytes)) (local.get $tail)))
      (local.set $shift (v128.const i64x2 0 0))
      (local.set $shifted (i32.const 0))
      (local.set $mx (v128.const f64x2 -inf -inf))
      (local.set $check (v128.const i64x2 0 0))
      (loop $pass
        (local.set $sum (v128.const i64x2 0 0))
        (local.set $moment (v128.const i64x2 0 0))
        (local.set $iv (v128.const i64x2 0 0))
        (local.set $i (i32.const 0))
        (block $binsDone (loop $bin
          (br_if $binsDone (i32.ge_u (local.get $i) (local.get $rowBytes)))
          (local.set $xv (v128.load64_lane 1 (i32.add (local.get $px1) (local.get $i))
            (v128.load64_splat (i32.add (local.get $px0) (local.get $i)))))
          ;; v − v is 0 for a finite v and NaN otherwise.
          (local.set $check (f64x2.add (local.get $check) (f64x2.sub (local.get $xv) (local.get $xv))))
          (local.set $mx (f64x2.pmax (local.get $mx) (local.get $xv)))
          (local.set $t (f64x2.sub (local.get $xv) (local.get $shift)))
          (local.set $a (f64x2.pmin (v128.const f64x2 708.0 708.0) (f64x2.pmax (v128.const f64x2 -708.0 -708.0) (local.get $t))))
          (local.set $kf (f64x2.add (f64x2.mul (local.get $a) (v128.const f64x2 1.4426950408889634 1.4426950408889634)) (v128.const f64x2 6755399441055744.0 6755399441055744.0)))
          (local.set $sc (i64x2.shl (i64x2.add (local.get $kf) (v128.const i64x2 -2251799813684225 -2251799813684225)) (i32.const 52)))
          (local.set $kf (f64x2.sub (local.get $kf) (v128.const f64x2 6755399441055744.0 6755399441055744.0)))
          (local.set $rr (f64x2.sub (f64x2.sub (local.get $a) (f64x2.mul (local.get $kf) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01)))
            (f64x2.mul (local.get $kf) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
          (local.set $r2 (f64x2.mul (local.get $rr) (local.get $rr)))
          (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
          (local.set $e (f64x2.add
            (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 1.0 1.0) (local.get $rr)) (f64x2.mul (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $rr) (v128.const f64x2 0.16666666666666666 0.16666666666666666))) (local.get $r2))) (f64x2.mul (f64x2.add (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $rr) (v128.const f64x2 0.008333333333333333 0.008333333333333333))) (f64x2.mul (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $rr) (v128.const f64x2 0.0001984126984126984 0.0001984126984126984))) (local.get $r2))) (local.get $r4)))
            (f64x2.mul (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05) (f64x2.mul (local.get $rr) (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06))) (f64x2.mul (f64x2.add (v128.const f64x2 2.755731922398589e-07 2.755731922398589e-07) (f64x2.mul (local.get $rr) (v128.const f64x2 2.505210838544172e-08 2.505210838544172e-08))) (local.get $r2))) (f64x2.mul (f64x2.add (v128.const f64x2 2.08767569878681e-09 2.08767569878681e-09) (f64x2.mul (local.get $rr) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))) (local.get $r4))) (f64x2.mul (local.get $r4) (local.get $r4)))))
          (local.set $e (v128.and (f64x2.mul (local.get $e) (local.get $sc)) (f64x2.ge (local.get $t) (v128.const f64x2 -708.0 -708.0))))
          (if (local.get $withGrad) (then
            (v128.store64_lane 0 (i32.add (local.get $pg0) (local.get $i)) (local.get $e))
            (v128.store64_lane 1 (i32.add (local.get $pg1) (local.get $i)) (local.get $e))))
          (local.set $sum (f64x2.add (local.get $sum) (local.get $e)))
          (local.set $moment (f64x2.add (local.get $moment) (f64x2.mul (local.get $e) (local.get $iv))))
          (local.set $iv (f64x2.add (local.get $iv) (v128.const f64x2 1.0 1.0)))
          (local.set $i (i32.add (local.get $i) (i32.const 8)))
          (br $bin)))
        (if (i32.eqz (local.get $shifted)) (then
          (if (i32.eqz (i64x2.all_true (f64x2.eq (local.get $check) (v128.const i64x2 0 0))))
            (then (return (i32.const -1))))
          (local.set $inRange (v128.and (f64x2.ge (local.get $sum) (v128.const f64x2 1e-280 1e-280))
            (f64x2.le (local.get $sum) (v128.const f64x2 1e280 1e280))))
          (if (i32.eqz (i64x2.all_true (local.get $inRange))) (then
            ;; The row maximum in the lanes whose sum left the range, 0 (unchanged) in the other.
            (local.set $shift (v128.andnot (local.get $mx) (local.get $inRange)))
            (local.set $shifted (i32.const 1))
            (br $pass))))))

      (local.set $yv (v128.load64_lane 1 (i32.add (local.get $y) (local.get $o1)) (v128.load64_splat (i32.add (local.get $y) (local.get $o0)))))
      (local.set $neg (f64x2.lt (local.get $yv) (v128.const i64x2 0 0)))
      (local.set $high (f64x2.ge (local.get $yv) (local.get $last)))
      (local.set $left (v128.bitselect (v128.const i64x2 0 0) (v128.bitselect (local.get $lastLeft) (f64x2.floor (local.get $yv)) (local.get $high)) (local.get $neg)))
      (local.set $wl (f64x2.sub (f64x2.add (local.get $left) (v128.const f64x2 1.0 1.0)) (local.get $yv)))
      (local.set $wr (f64x2.sub (local.get $yv) (local.get $left)))
      (local.set $wl (v128.bitselect (v128.const f64x2 1.0 1.0) (v128.bitselect (v128.const i64x2 0 0) (local.get $wl) (local.get $high)) (local.get $neg)))
      (local.set $wr (v128.bitselect (v128.const i64x2 0 0) (v128.bitselect (v128.const f64x2 1.0 1.0) (local.get $wr) (local.get $high)) (local.get $neg)))
      (local.set $inRange (v128.or (local.get $neg) (local.get $high)))
      (local.set $clamped (i32.add (local.get $clamped) (i32.wrap_i64 (i64.and (i64x2.extract_lane 0 (local.get $inRange)) (i64.const 1)))))
      (if (i32.eqz (local.get $tail)) (then
        (local.set $clamped (i32.add (local.get $clamped) (i32.wrap_i64 (i64.and (i64x2.extract_lane 1 (local.get $inRange)) (i64.const 1)))))))
      (local.set $l0 (i32.shl (i32.trunc_f64_s (f64x2.extract_lane 0 (local.get $left))) (i32.const 3)))
      (local.set $l1 (i32.shl (i32.trunc_f64_s (f64x2.extract_lane 1 (local.get $left))) (i32.const 3)))
      (local.set $xl (v128.load64_lane 1 (i32.add (local.get $px1) (local.get $l1)) (v128.load64_splat (i32.add (local.get $px0) (local.get $l0)))))
      (local.set $xr (v128.load64_lane 1 (i32.add (i32.add (local.get $px1) (local.get $l1)) (i32.const 8))
        (v128.load64_splat (i32.add (i32.add (local.get $px0) (local.get $l0)) (i32.const 8)))))
      ;; ln Σ, ln wl and ln wr in one three-pass loop: V8 does not inline wasm calls (a helper
      ;; called three times per row pair cost ~0.25 ms of 3.9), and the log is compiled once.
      ;; ln x per lane for x > 0 (fdlibm's log: x = 2^k·m with m ∈ [√2/2, √2), f = m − 1 exact,
      ;; s = f/(2 + f), ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)); < 1 ulp). A subnormal x (only an
      ;; interpolation weight can be one) is scaled by 2^54 first. x = 0 gives a finite value that the
      ;; caller masks away (0·ln 0 = 0).
      (local.set $j (i32.const 0))
      (loop $logs
        (local.set $ln_x (select (local.get $sum) (select (local.get $wl) (local.get $wr) (i32.eq (local.get $j) (i32.const 1))) (i32.eqz (local.get $j))))
        (local.set $ln_tiny (f64x2.lt (local.get $ln_x) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
        (local.set $ln_x (v128.bitselect (f64x2.mul (local.get $ln_x) (v128.const f64x2 18014398509481984.0 18014398509481984.0)) (local.get $ln_x) (local.get $ln_tiny)))
        (local.set $ln_ix (i64x2.sub (local.get $ln_x) (v128.const i64x2 0x3FE6A09E667F3BCD 0x3FE6A09E667F3BCD)))
        ;; k = ix >> 52 as a double: 1.5·2^52 + k has k in its low mantissa bits.
        (local.set $ln_kf (f64x2.sub (i64x2.add (i64x2.shr_s (local.get $ln_ix) (i32.const 52)) (v128.const i64x2 0x4338000000000000 0x4338000000000000))
          (v128.const f64x2 6755399441055744.0 6755399441055744.0)))
        (local.set $ln_kf (f64x2.sub (local.get $ln_kf) (v128.and (v128.const f64x2 54.0 54.0) (local.get $ln_tiny))))
        (local.set $ln_f (f64x2.sub (i64x2.add (v128.and (local.get $ln_ix) (v128.const i64x2 0x000FFFFFFFFFFFFF 0x000FFFFFFFFFFFFF))
          (v128.const i64x2 0x3FE6A09E667F3BCD 0x3FE6A09E667F3BCD)) (v128.const f64x2 1.0 1.0)))
        (local.set $ln_s (f64x2.div (local.get $ln_f) (f64x2.add (v128.const f64x2 2.0 2.0) (local.get $ln_f))))
        (local.set $ln_hfsq (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $ln_f)) (local.get $ln_f)))
        (local.set $ln_z (f64x2.mul (local.get $ln_s) (local.get $ln_s)))
        (local.set $ln_z2 (f64x2.mul (local.get $ln_z) (local.get $ln_z)))
        (local.set $ln_R (f64x2.mul (local.get $ln_z) (f64x2.add
          (f64x2.add (f64x2.add (v128.const f64x2 6.666666666666735130e-01 6.666666666666735130e-01) (f64x2.mul (local.get $ln_z) (v128.const f64x2 3.999999999940941908e-01 3.999999999940941908e-01))) (f64x2.mul (f64x2.add (v128.const f64x2 2.857142874366239149e-01 2.857142874366239149e-01) (f64x2.mul (local.get $ln_z) (v128.const f64x2 2.222219843214978396e-01 2.222219843214978396e-01))) (local.get $ln_z2)))
          (f64x2.mul (f64x2.add (f64x2.add (v128.const f64x2 1.818357216161805012e-01 1.818357216161805012e-01) (f64x2.mul (local.get $ln_z) (v128.const f64x2 1.531383769920937332e-01 1.531383769920937332e-01))) (f64x2.mul (v128.const f64x2 1.479819860511658591e-01 1.479819860511658591e-01) (local.get $ln_z2))) (f64x2.mul (local.get $ln_z2) (local.get $ln_z2))))))
        (local.set $ln_x
          (f64x2.sub (f64x2.mul (local.get $ln_kf) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
            (f64x2.sub (f64x2.sub (local.get $ln_hfsq)
              (f64x2.add (f64x2.mul (local.get $ln_s) (f64x2.add (local.get $ln_hfsq) (local.get $ln_R)))
                (f64x2.mul (local.get $ln_kf) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
              (local.get $ln_f))))
        (if (i32.eqz (local.get $j)) (then (local.set $logSum (local.get $ln_x)))
          (else (if (i32.eq (local.get $j) (i32.const 1)) (then (local.set $lnWl (local.get $ln_x))) (else (local.set $lnWr (local.get $ln_x))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $logs (i32.lt_u (local.get $j) (i32.const 3))))
      ;; logsumexp − z_k as (s − z_k) + ln Σ: no cancellation between two large numbers at ±1000.
      (local.set $lv (f64x2.add
        (f64x2.mul (local.get $wl) (f64x2.add (f64x2.sub (local.get $shift) (local.get $xl)) (local.get $logSum)))
        (f64x2.mul (local.get $wr) (f64x2.add (f64x2.sub (local.get $shift) (local.get $xr)) (local.get $logSum)))))
      (local.set $inv (f64x2.div (v128.const f64x2 1.0 1.0) (local.get $sum)))
      (local.set $ent (f64x2.add
        (v128.and (f64x2.mul (f64x2.neg (local.get $wl)) (local.get $lnWl)) (f64x2.gt (local.get $wl) (v128.const i64x2 0 0)))
        (v128.and (f64x2.mul (f64x2.neg (local.get $wr)) (local.get $lnWr)) (f64x2.gt (local.get $wr) (v128.const i64x2 0 0)))))
      (v128.store64_lane 0 (i32.add (local.get $loss) (local.get $o0)) (local.get $lv))
      (v128.store64_lane 1 (i32.add (local.get $loss) (local.get $o1)) (local.get $lv))
      (local.set $e (f64x2.mul (local.get $moment) (local.get $inv)))
      (v128.store64_lane 0 (i32.add (local.get $expect) (local.get $o0)) (local.get $e))
      (v128.store64_lane 1 (i32.add (local.get $expect) (local.get $o1)) (local.get $e))
      (v128.store64_lane 0 (i32.add (local.get $floor) (local.get $o0)) (local.get $ent))
      (v128.store64_lane 1 (i32.add (local.get $floor) (local.get $o1)) (local.get $ent))
      (local.set $e (f64x2.sub (local.get $lv) (local.get $ent)))
      (v128.store64_lane 0 (i32.add (local.get $excess) (local.get $o0)) (local.get $e))
      (v128.store64_lane 1 (i32.add (local.get $excess) (local.get $o1)) (local.get $e))

      (if (local.get $withGrad) (then
        (local.set $c (f64x2.splat (local.get $scale)))
        (if (local.get $hasWeight) (then
          (local.set $c (f64x2.mul (local.get $c) (v128.load64_lane 1 (i32.add (local.get $w) (local.get $o1))
            (v128.load64_splat (i32.add (local.get $w) (local.get $o0))))))))
        (local.set $gs (f64x2.mul (f64x2.mul (local.get $c) (f64x2.add (local.get $wl) (local.get $wr))) (local.get $inv)))
        (local.set $i (i32.const 0))
        (block $scaled (loop $scale
          (br_if $scaled (i32.ge_u (local.get $i) (local.get $rowBytes)))
          (local.set $e (f64x2.mul (local.get $gs) (v128.load64_lane 1 (i32.add (local.get $pg1) (local.get $i))
            (v128.load64_splat (i32.add (local.get $pg0) (local.get $i))))))
          (v128.store64_lane 0 (i32.add (local.get $pg0) (local.get $i)) (local.get $e))
          (v128.store64_lane 1 (i32.add (local.get $pg1) (local.get $i)) (local.get $e))
          (local.set $i (i32.add (local.get $i) (i32.const 8)))
          (br $scale)))
        (local.set $cwl (f64x2.mul (local.get $c) (local.get $wl)))
        (local.set $cwr (f64x2.mul (local.get $c) (local.get $wr)))
        (local.set $at (i32.add (local.get $pg0) (local.get $l0)))
        (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (f64x2.extract_lane 0 (local.get $cwl))))
        (f64.store offset=8 (local.get $at) (f64.sub (f64.load offset=8 (local.get $at)) (f64x2.extract_lane 0 (local.get $cwr))))
        (if (i32.eqz (local.get $tail)) (then
          (local.set $at (i32.add (local.get $pg1) (local.get $l1)))
          (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (f64x2.extract_lane 1 (local.get $cwl))))
          (f64.store offset=8 (local.get $at) (f64.sub (f64.load offset=8 (local.get $at)) (f64x2.extract_lane 1 (local.get $cwr))))))))
      (local.set $r (i32.add (local.get $r) (i32.const 2)))
      (br $rowPair)))
    (local.get $clamped)
  )
