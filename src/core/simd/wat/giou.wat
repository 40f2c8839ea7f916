  ;; ---- GIoU of aligned box pairs, forward and backward, two pairs per f64x2 ----
  ;; src/core/losses/giou/simd.ts drives it; boxes.ts's `overlapRows` (mode 'giou') is the reference,
  ;; and this kernel performs the same float64 operations in the same order, so it gives the same
  ;; bits. The point is branchlessness: on real boxes the sides of a pair compare either way at
  ;; random, and the scalar kernel's `a < b ? a : b` branches mispredict (~40% of its time).
  ;; `a < b ? a : b` is f64x2.pmin(b, a) and `a > b ? a : b` is f64x2.pmax(b, a) exactly (NaN
  ;; included); `x > 0 ? x : 0` is pmax(0, x). PyTorch's tie share ∂max(a, b)/∂a (boxes.ts's
  ;; maxShare: 1, ½ on a tie, 0) is bitselect(1, ½ & (a = b), a > b), written out at each use
  ;; (V8 does not inline wasm calls); minShare(a, b) = maxShare(b, a).

  ;; `pairs` pairs of rows (2·pairs boxes of 4 coordinates at p and t): writes value = giou and iou
  ;; (2·pairs each) and, when withGrad, grad (2·pairs, 4) = g·∂giou/∂pred with g = scale·w[r]
  ;; (hasWeight) or scale. Adds the union and enclosure clamps (< eps) to the two i32 at `counts`.
  ;; Returns Σ (s − s) over each row's coordinate sum s: 0 when every coordinate is finite.
  (func (export "giou_f64")
    (param $p i32) (param $t i32) (param $w i32) (param $value i32) (param $iou i32) (param $grad i32)
    (param $pairs i32) (param $eps f64) (param $scale f64) (param $hasWeight i32) (param $withGrad i32) (param $counts i32)
    (result f64)
    (local $q i32) (local $o i32) (local $o4 i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $check v128) (local $s v128) (local $epsv v128) (local $unionCount v128) (local $enclosureCount v128)
    (local $wxRaw v128) (local $wyRaw v128) (local $wx v128) (local $wy v128) (local $overlap v128)
    (local $pw v128) (local $ph v128) (local $unionRaw v128) (local $union v128) (local $iouv v128)
    (local $ewRaw v128) (local $ehRaw v128) (local $ew v128) (local $eh v128) (local $enclosureRaw v128) (local $enclosure v128)
    (local $g v128) (local $gUnion v128) (local $gOverlap v128) (local $gEnclosure v128) (local $gEw v128) (local $gEh v128)
    (local $gUnionRaw v128) (local $gWx v128) (local $gWy v128)
    (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128)
    (local.set $epsv (f64x2.splat (local.get $eps)))
    (block $done (loop $pair
      (br_if $done (i32.ge_u (local.get $q) (local.get $pairs)))
      (local.set $o (i32.shl (local.get $q) (i32.const 4)))
      (local.set $o4 (i32.shl (local.get $q) (i32.const 6)))
      ;; Rows 2q and 2q + 1, coordinate k of both in one vector.
      (local.set $a (v128.load (i32.add (local.get $p) (local.get $o4))))
      (local.set $b (v128.load offset=16 (i32.add (local.get $p) (local.get $o4))))
      (local.set $c (v128.load offset=32 (i32.add (local.get $p) (local.get $o4))))
      (local.set $d (v128.load offset=48 (i32.add (local.get $p) (local.get $o4))))
      (local.set $p0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $c)))
      (local.set $p1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $c)))
      (local.set $p2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $b) (local.get $d)))
      (local.set $p3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $b) (local.get $d)))
      (local.set $a (v128.load (i32.add (local.get $t) (local.get $o4))))
      (local.set $b (v128.load offset=16 (i32.add (local.get $t) (local.get $o4))))
      (local.set $c (v128.load offset=32 (i32.add (local.get $t) (local.get $o4))))
      (local.set $d (v128.load offset=48 (i32.add (local.get $t) (local.get $o4))))
      (local.set $t0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $c)))
      (local.set $t1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $c)))
      (local.set $t2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $b) (local.get $d)))
      (local.set $t3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $b) (local.get $d)))
      ;; The row sum s, left to right as the scalar kernel: s − s is 0 unless some coordinate is not finite.
      (local.set $s (f64x2.add (f64x2.add (f64x2.add (f64x2.add (f64x2.add (f64x2.add (f64x2.add
        (local.get $p0) (local.get $p1)) (local.get $p2)) (local.get $p3)) (local.get $t0)) (local.get $t1)) (local.get $t2)) (local.get $t3)))
      (local.set $check (f64x2.add (local.get $check) (f64x2.sub (local.get $s) (local.get $s))))
      ;; Intersection: clamp(min=0) of rb − lt.
      (local.set $wxRaw (f64x2.sub (f64x2.pmin (local.get $t2) (local.get $p2)) (f64x2.pmax (local.get $t0) (local.get $p0))))
      (local.set $wyRaw (f64x2.sub (f64x2.pmin (local.get $t3) (local.get $p3)) (f64x2.pmax (local.get $t1) (local.get $p1))))
      (local.set $wx (f64x2.pmax (v128.const f64x2 0 0) (local.get $wxRaw)))
      (local.set $wy (f64x2.pmax (v128.const f64x2 0 0) (local.get $wyRaw)))
      (local.set $overlap (f64x2.mul (local.get $wx) (local.get $wy)))
      (local.set $pw (f64x2.sub (local.get $p2) (local.get $p0)))
      (local.set $ph (f64x2.sub (local.get $p3) (local.get $p1)))
      (local.set $unionRaw (f64x2.sub (f64x2.add (f64x2.mul (local.get $pw) (local.get $ph))
        (f64x2.mul (f64x2.sub (local.get $t2) (local.get $t0)) (f64x2.sub (local.get $t3) (local.get $t1)))) (local.get $overlap)))
      (local.set $a (f64x2.lt (local.get $unionRaw) (local.get $epsv)))
      (local.set $unionCount (i64x2.sub (local.get $unionCount) (local.get $a)))
      (local.set $union (v128.bitselect (local.get $epsv) (local.get $unionRaw) (local.get $a)))
      (local.set $iouv (f64x2.div (local.get $overlap) (local.get $union)))
      (v128.store (i32.add (local.get $iou) (local.get $o)) (local.get $iouv))
      ;; Enclosing box.
      (local.set $ewRaw (f64x2.sub (f64x2.pmax (local.get $t2) (local.get $p2)) (f64x2.pmin (local.get $t0) (local.get $p0))))
      (local.set $ehRaw (f64x2.sub (f64x2.pmax (local.get $t3) (local.get $p3)) (f64x2.pmin (local.get $t1) (local.get $p1))))
      (local.set $ew (f64x2.pmax (v128.const f64x2 0 0) (local.get $ewRaw)))
      (local.set $eh (f64x2.pmax (v128.const f64x2 0 0) (local.get $ehRaw)))
      (local.set $enclosureRaw (f64x2.mul (local.get $ew) (local.get $eh)))
      (local.set $a (f64x2.lt (local.get $enclosureRaw) (local.get $epsv)))
      (local.set $enclosureCount (i64x2.sub (local.get $enclosureCount) (local.get $a)))
      (local.set $enclosure (v128.bitselect (local.get $epsv) (local.get $enclosureRaw) (local.get $a)))
      (v128.store (i32.add (local.get $value) (local.get $o))
        (f64x2.sub (local.get $iouv) (f64x2.div (f64x2.sub (local.get $enclosure) (local.get $union)) (local.get $enclosure))))

      (if (local.get $withGrad) (then
        (local.set $g (f64x2.splat (local.get $scale)))
        (if (local.get $hasWeight) (then (local.set $g (f64x2.mul (local.get $g) (v128.load (i32.add (local.get $w) (local.get $o)))))))
        ;; value = iou + …: iou = overlap / union; −(E − U)/E = U/E − 1.
        (local.set $gUnion (f64x2.div (f64x2.mul (f64x2.neg (local.get $g)) (local.get $overlap)) (f64x2.mul (local.get $union) (local.get $union))))
        (local.set $gOverlap (f64x2.div (local.get $g) (local.get $union)))
        (local.set $gUnion (f64x2.add (local.get $gUnion) (f64x2.div (local.get $g) (local.get $enclosure))))
        (local.set $gEnclosure (f64x2.mul
          (f64x2.div (f64x2.mul (f64x2.neg (local.get $g)) (local.get $union)) (f64x2.mul (local.get $enclosure) (local.get $enclosure)))
          (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $enclosureRaw) (local.get $epsv))) (f64x2.gt (local.get $enclosureRaw) (local.get $epsv)))))
        (local.set $gEw (v128.and (f64x2.mul (local.get $gEnclosure) (local.get $eh)) (f64x2.ge (local.get $ewRaw) (v128.const f64x2 0 0))))
        (local.set $gEh (v128.and (f64x2.mul (local.get $gEnclosure) (local.get $ew)) (f64x2.ge (local.get $ehRaw) (v128.const f64x2 0 0))))
        (local.set $gUnionRaw (f64x2.mul (local.get $gUnion) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $unionRaw) (local.get $epsv))) (f64x2.gt (local.get $unionRaw) (local.get $epsv)))))
        (local.set $gOverlap (f64x2.sub (local.get $gOverlap) (local.get $gUnionRaw)))
        (local.set $gWx (v128.and (f64x2.mul (local.get $gOverlap) (local.get $wy)) (f64x2.ge (local.get $wxRaw) (v128.const f64x2 0 0))))
        (local.set $gWy (v128.and (f64x2.mul (local.get $gOverlap) (local.get $wx)) (f64x2.ge (local.get $wyRaw) (v128.const f64x2 0 0))))
        ;; As the scalar kernel: gpₖ (0 for giou) − … in its order; minShare(a, b) = maxShare(b, a).
        (local.set $g0 (f64x2.sub (f64x2.sub (f64x2.sub (v128.const f64x2 0 0)
          (f64x2.mul (local.get $gUnionRaw) (local.get $ph)))
          (f64x2.mul (local.get $gWx) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $p0) (local.get $t0))) (f64x2.gt (local.get $p0) (local.get $t0)))))
          (f64x2.mul (local.get $gEw) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $t0) (local.get $p0))) (f64x2.gt (local.get $t0) (local.get $p0))))))
        (local.set $g1 (f64x2.sub (f64x2.sub (f64x2.sub (v128.const f64x2 0 0)
          (f64x2.mul (local.get $gUnionRaw) (local.get $pw)))
          (f64x2.mul (local.get $gWy) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $p1) (local.get $t1))) (f64x2.gt (local.get $p1) (local.get $t1)))))
          (f64x2.mul (local.get $gEh) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $t1) (local.get $p1))) (f64x2.gt (local.get $t1) (local.get $p1))))))
        (local.set $g2 (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 0 0)
          (f64x2.mul (local.get $gUnionRaw) (local.get $ph)))
          (f64x2.mul (local.get $gWx) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $t2) (local.get $p2))) (f64x2.gt (local.get $t2) (local.get $p2)))))
          (f64x2.mul (local.get $gEw) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $p2) (local.get $t2))) (f64x2.gt (local.get $p2) (local.get $t2))))))
        (local.set $g3 (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 0 0)
          (f64x2.mul (local.get $gUnionRaw) (local.get $pw)))
          (f64x2.mul (local.get $gWy) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $t3) (local.get $p3))) (f64x2.gt (local.get $t3) (local.get $p3)))))
          (f64x2.mul (local.get $gEh) (v128.bitselect (v128.const f64x2 1 1) (v128.and (v128.const f64x2 0.5 0.5) (f64x2.eq (local.get $p3) (local.get $t3))) (f64x2.gt (local.get $p3) (local.get $t3))))))
        (v128.store (i32.add (local.get $grad) (local.get $o4)) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $g0) (local.get $g1)))
        (v128.store offset=16 (i32.add (local.get $grad) (local.get $o4)) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $g2) (local.get $g3)))
        (v128.store offset=32 (i32.add (local.get $grad) (local.get $o4)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $g0) (local.get $g1)))
        (v128.store offset=48 (i32.add (local.get $grad) (local.get $o4)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $g2) (local.get $g3)))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $pair)))
    (i32.store (local.get $counts) (i32.add (i32.load (local.get $counts))
      (i32.wrap_i64 (i64.add (i64x2.extract_lane 0 (local.get $unionCount)) (i64x2.extract_lane 1 (local.get $unionCount))))))
    (i32.store offset=4 (local.get $counts) (i32.add (i32.load offset=4 (local.get $counts))
      (i32.wrap_i64 (i64.add (i64x2.extract_lane 0 (local.get $enclosureCount)) (i64x2.extract_lane 1 (local.get $enclosureCount))))))
    (f64.add (f64x2.extract_lane 0 (local.get $check)) (f64x2.extract_lane 1 (local.get $check)))
  )
