  ;; YOLOv8's class pass (heads/yolov8/classification.ts, `classPlanesSimd`): BCE against a zero
  ;; target, softplus(x) = max(x, 0) + log(1 + e^−|x|), over `classes` planes of `cells` float64
  ;; logits, plane c at x + c·stride bytes (stride a multiple of 32, as are lin and prod's lengths:
  ;; the loop takes 4 cells, two vectors, at a time, so a plane is padded by up to 3 lanes whose
  ;; results nobody reads). As the TypeScript pass, no logarithm is taken per logit:
  ;; per cell p, lin[p] = Σ_c (x + |x|) = 2·Σ max(x, 0) and prod[p] = Π_c (1 + e^−|x|), each factor
  ;; in [1, 2], so that the caller takes one logarithm per cell (it keeps `classes` ≤ 1000, below
  ;; 2^1023). With withGrad, each logit is overwritten in place by scale·σ(x), σ(x) = e/(1 + e)
  ;; below 0 and 1/(1 + e) from 0 up, from the same exponential. Cells go in blocks of 512 so that
  ;; lin and prod stay in the first-level cache while the planes stream past. A NaN logit gives a
  ;; NaN lin (x + |x|) and an infinite one an infinite or NaN lin, so the caller's sum shows both.
  (func (export "bce_planes_f64")
    (param $x i32) (param $stride i32) (param $cells i32) (param $classes i32)
    (param $lin i32) (param $prod i32) (param $gradScale f64) (param $withGrad i32)
    (local $block i32) (local $end i32) (local $c i32) (local $p i32) (local $row i32) (local $off i32)
    (local $gs v128) (local $w v128)
    (local $xv v128) (local $a v128) (local $kf v128) (local $scale v128) (local $r v128) (local $r2 v128)
    (local $r4 v128) (local $e v128)
    (local $w_b v128) (local $xv_b v128) (local $a_b v128) (local $kf_b v128) (local $scale_b v128) (local $r_b v128) (local $r2_b v128)
    (local $r4_b v128) (local $e_b v128)
    (local.set $gs (f64x2.splat (local.get $gradScale)))
    (block $blocksDone (loop $nextBlock
      (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $cells)))
      (local.set $end (select (local.get $cells) (i32.add (local.get $block) (i32.const 512))
        (i32.lt_u (i32.sub (local.get $cells) (local.get $block)) (i32.const 512))))
      (local.set $p (local.get $block))
      (block $cleared (loop $clear
        (br_if $cleared (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $off (i32.shl (local.get $p) (i32.const 3)))
        (v128.store (i32.add (local.get $lin) (local.get $off)) (v128.const f64x2 0.0 0.0))
        (v128.store offset=16 (i32.add (local.get $lin) (local.get $off)) (v128.const f64x2 0.0 0.0))
        (v128.store (i32.add (local.get $prod) (local.get $off)) (v128.const f64x2 1.0 1.0))
        (v128.store offset=16 (i32.add (local.get $prod) (local.get $off)) (v128.const f64x2 1.0 1.0))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $clear)))
      (local.set $c (i32.const 0))
      (block $classesDone (loop $nextClass
        (br_if $classesDone (i32.ge_u (local.get $c) (local.get $classes)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $c) (local.get $stride))))
        (local.set $p (local.get $block))
        (block $cellsDone (loop $nextCell
          (br_if $cellsDone (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $off (i32.shl (local.get $p) (i32.const 3)))
          ;; Two vectors with their statements interleaved (the exponential's chain is long; a
          ;; second one gives the out-of-order core independent work; docs/performance.md).
          (local.set $xv (v128.load (i32.add (local.get $row) (local.get $off))))
          (local.set $xv_b (v128.load offset=16 (i32.add (local.get $row) (local.get $off))))
          (local.set $a (f64x2.neg (f64x2.abs (local.get $xv))))
          (local.set $a_b (f64x2.neg (f64x2.abs (local.get $xv_b))))
          ;; @expand exp_f64 _b
          (local.set $w (f64x2.add (v128.const f64x2 1.0 1.0) (local.get $e)))
          (local.set $w_b (f64x2.add (v128.const f64x2 1.0 1.0) (local.get $e_b)))
          ;; x − a = x + |x|.
          (v128.store (i32.add (local.get $lin) (local.get $off))
            (f64x2.add (v128.load (i32.add (local.get $lin) (local.get $off))) (f64x2.sub (local.get $xv) (local.get $a))))
          (v128.store offset=16 (i32.add (local.get $lin) (local.get $off))
            (f64x2.add (v128.load offset=16 (i32.add (local.get $lin) (local.get $off))) (f64x2.sub (local.get $xv_b) (local.get $a_b))))
          (v128.store (i32.add (local.get $prod) (local.get $off))
            (f64x2.mul (v128.load (i32.add (local.get $prod) (local.get $off))) (local.get $w)))
          (v128.store offset=16 (i32.add (local.get $prod) (local.get $off))
            (f64x2.mul (v128.load offset=16 (i32.add (local.get $prod) (local.get $off))) (local.get $w_b)))
          (if (local.get $withGrad) (then
            (v128.store (i32.add (local.get $row) (local.get $off))
              (f64x2.div
                (f64x2.mul (local.get $gs) (v128.bitselect (local.get $e) (v128.const f64x2 1.0 1.0) (f64x2.lt (local.get $xv) (v128.const f64x2 0.0 0.0))))
                (local.get $w)))
            (v128.store offset=16 (i32.add (local.get $row) (local.get $off))
              (f64x2.div
                (f64x2.mul (local.get $gs) (v128.bitselect (local.get $e_b) (v128.const f64x2 1.0 1.0) (f64x2.lt (local.get $xv_b) (v128.const f64x2 0.0 0.0))))
                (local.get $w_b)))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $nextCell)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $nextClass)))
      (local.set $block (local.get $end))
      (br $nextBlock)))
  )
