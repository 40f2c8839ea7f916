  ;; ---- ArcFace's (B, C) row pass, two classes per f64x2 (src/core/losses/arcface/simd.ts drives it) ----
  ;; One row of C classes at a time, in three sweeps over regions that stay in L2; the margin at
  ;; the label is the caller's (scalar, once per row). Row lengths are padded to whole pairs by the
  ;; caller (see arcface.ts for the padding values that keep the pad lane out of every result).

  ;; In place cos = raw·winv over `pairs` pairs at `cos`; logits = s·cos; returns max of the logits.
  (func (export "arcface_logits_f64")
    (param $cos i32) (param $winv i32) (param $logits i32) (param $pairs i32) (param $s f64) (result f64)
    (local $o i32) (local $end i32) (local $c v128) (local $z v128) (local $sv v128) (local $max v128)
    (local.set $sv (f64x2.splat (local.get $s)))
    (local.set $max (f64x2.splat (f64.const -inf)))
    (local.set $end (i32.shl (local.get $pairs) (i32.const 4)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $c (f64x2.mul (v128.load (i32.add (local.get $cos) (local.get $o))) (v128.load (i32.add (local.get $winv) (local.get $o)))))
      (v128.store (i32.add (local.get $cos) (local.get $o)) (local.get $c))
      (local.set $z (f64x2.mul (local.get $c) (local.get $sv)))
      (v128.store (i32.add (local.get $logits) (local.get $o)) (local.get $z))
      (local.set $max (f64x2.pmax (local.get $max) (local.get $z)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $next)))
    (f64.max (f64x2.extract_lane 0 (local.get $max)) (f64x2.extract_lane 1 (local.get $max))))

  ;; e = exp(logits − max) into `out` for `pairs` pairs (every logit ≤ max); returns Σ e (lane sums
  ;; added at the end, so the order depends only on the row length). exp(a), a ≤ 0, as focal_f64's
  ;; prologue: 2^k·P(r) with k = round(a/ln 2) by the 1.5·2^52 shifter, r = a − k·ln 2 in two parts
  ;; (|r| ≤ ln2/2), P the Taylor series to r^13 in Estrin's scheme (next term < 5e-18); below −708
  ;; e is flushed to 0, a relative change below 1e-307 of a sum that is ≥ 1 (the max's term is 1).
  (func (export "arcface_exp_f64")
    (param $logits i32) (param $out i32) (param $pairs i32) (param $max f64) (result f64)
    (local $o i32) (local $end i32) (local $mv v128) (local $sum v128)
    (local $a v128) (local $kf v128) (local $scale v128) (local $r v128) (local $r2 v128) (local $r4 v128) (local $e v128)
    (local.set $mv (f64x2.splat (local.get $max)))
    (local.set $end (i32.shl (local.get $pairs) (i32.const 4)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $a (f64x2.sub (v128.load (i32.add (local.get $logits) (local.get $o))) (local.get $mv)))
      (local.set $kf (f64x2.add (f64x2.mul (local.get $a) (v128.const f64x2 1.4426950408889634 1.4426950408889634)) (v128.const f64x2 6755399441055744.0 6755399441055744.0)))
      (local.set $scale (i64x2.shl (i64x2.add (local.get $kf) (v128.const i64x2 -2251799813684225 -2251799813684225)) (i32.const 52)))
      (local.set $kf (f64x2.sub (local.get $kf) (v128.const f64x2 6755399441055744.0 6755399441055744.0)))
      (local.set $r (f64x2.sub (f64x2.sub (local.get $a) (f64x2.mul (local.get $kf) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01)))
        (f64x2.mul (local.get $kf) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
      (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
      (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
      (local.set $e (f64x2.add
        (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 1.0 1.0) (local.get $r)) (f64x2.mul (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0.16666666666666666 0.16666666666666666))) (local.get $r2))) (f64x2.mul (f64x2.add (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $r) (v128.const f64x2 0.008333333333333333 0.008333333333333333))) (f64x2.mul (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $r) (v128.const f64x2 0.0001984126984126984 0.0001984126984126984))) (local.get $r2))) (local.get $r4)))
        (f64x2.mul (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05) (f64x2.mul (local.get $r) (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06))) (f64x2.mul (f64x2.add (v128.const f64x2 2.755731922398589e-07 2.755731922398589e-07) (f64x2.mul (local.get $r) (v128.const f64x2 2.505210838544172e-08 2.505210838544172e-08))) (local.get $r2))) (f64x2.mul (f64x2.add (v128.const f64x2 2.08767569878681e-09 2.08767569878681e-09) (f64x2.mul (local.get $r) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))) (local.get $r4))) (f64x2.mul (local.get $r4) (local.get $r4)))))
      ;; The mask also zeroes a = −∞ (the caller's pad), whose r is NaN.
      (local.set $e (v128.and (f64x2.mul (local.get $e) (local.get $scale)) (f64x2.ge (local.get $a) (v128.const f64x2 -708.0 -708.0))))
      (v128.store (i32.add (local.get $out) (local.get $o)) (local.get $e))
      (local.set $sum (f64x2.add (local.get $sum) (local.get $e)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $next)))
    (f64.add (f64x2.extract_lane 0 (local.get $sum)) (f64x2.extract_lane 1 (local.get $sum))))

  ;; g = e·scale over `pairs` pairs at `g`; returns Σ g·cos; then stores g·winv (G scaled by the
  ;; class norms' inverses, as the products x̂ᵀ·G and G·Wᵀ need it).
  (func (export "arcface_gradient_f64")
    (param $g i32) (param $cos i32) (param $winv i32) (param $pairs i32) (param $scale f64) (result f64)
    (local $o i32) (local $end i32) (local $sv v128) (local $v v128) (local $dot v128)
    (local.set $sv (f64x2.splat (local.get $scale)))
    (local.set $end (i32.shl (local.get $pairs) (i32.const 4)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $v (f64x2.mul (v128.load (i32.add (local.get $g) (local.get $o))) (local.get $sv)))
      (local.set $dot (f64x2.add (local.get $dot) (f64x2.mul (local.get $v) (v128.load (i32.add (local.get $cos) (local.get $o))))))
      (v128.store (i32.add (local.get $g) (local.get $o)) (f64x2.mul (local.get $v) (v128.load (i32.add (local.get $winv) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $next)))
    (f64.add (f64x2.extract_lane 0 (local.get $dot)) (f64x2.extract_lane 1 (local.get $dot))))
