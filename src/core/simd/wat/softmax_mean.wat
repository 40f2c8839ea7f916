  ;; YOLOv8's decode (heads/yolov8/decodeSimd.ts): for `count` neighbouring cells, the sum
  ;; Σ_b e^(x_b) and the moment Σ_b b·e^(x_b) over `bins` logits a plane (planeBytes) apart, each
  ;; logit clamped to ±708 as the TypeScript decode clamps it; writes sum[j] and moment[j]. The
  ;; caller takes moment/sum, and redoes shifted the cells whose sum is too small or too large.
  ;; Cells go 4 at a time (two vectors interleaved), so up to 3 lanes past `count` are read and
  ;; written: the caller leaves 32 bytes of slack after the logits and after each output.
  (func (export "softmax_mean_f64")
    (param $x i32) (param $planeBytes i32) (param $bins i32) (param $count i32) (param $sum i32) (param $moment i32)
    (local $j i32) (local $b i32) (local $at i32) (local $off i32)
    (local $bv v128) (local $s v128) (local $m v128) (local $s_b v128) (local $m_b v128)
    (local $xv v128) (local $a v128) (local $kf v128) (local $scale v128) (local $r v128) (local $r2 v128) (local $r4 v128) (local $e v128)
    (local $xv_b v128) (local $a_b v128) (local $kf_b v128) (local $scale_b v128) (local $r_b v128) (local $r2_b v128) (local $r4_b v128) (local $e_b v128)
    (block $cellsDone (loop $nextCells
      (br_if $cellsDone (i32.ge_u (local.get $j) (local.get $count)))
      (local.set $off (i32.shl (local.get $j) (i32.const 3)))
      (local.set $at (i32.add (local.get $x) (local.get $off)))
      (local.set $s (v128.const f64x2 0.0 0.0))
      (local.set $m (v128.const f64x2 0.0 0.0))
      (local.set $s_b (v128.const f64x2 0.0 0.0))
      (local.set $m_b (v128.const f64x2 0.0 0.0))
      (local.set $bv (v128.const f64x2 0.0 0.0))
      (local.set $b (i32.const 0))
      (block $binsDone (loop $nextBin
        (br_if $binsDone (i32.ge_u (local.get $b) (local.get $bins)))
        (local.set $a (f64x2.min (f64x2.max (v128.load (local.get $at)) (v128.const f64x2 -708.0 -708.0)) (v128.const f64x2 708.0 708.0)))
        (local.set $a_b (f64x2.min (f64x2.max (v128.load offset=16 (local.get $at)) (v128.const f64x2 -708.0 -708.0)) (v128.const f64x2 708.0 708.0)))
        ;; @expand exp_f64 _b
        (local.set $s (f64x2.add (local.get $s) (local.get $e)))
        (local.set $s_b (f64x2.add (local.get $s_b) (local.get $e_b)))
        (local.set $m (f64x2.add (local.get $m) (f64x2.mul (local.get $bv) (local.get $e))))
        (local.set $m_b (f64x2.add (local.get $m_b) (f64x2.mul (local.get $bv) (local.get $e_b))))
        (local.set $bv (f64x2.add (local.get $bv) (v128.const f64x2 1.0 1.0)))
        (local.set $at (i32.add (local.get $at) (local.get $planeBytes)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $nextBin)))
      (v128.store (i32.add (local.get $sum) (local.get $off)) (local.get $s))
      (v128.store offset=16 (i32.add (local.get $sum) (local.get $off)) (local.get $s_b))
      (v128.store (i32.add (local.get $moment) (local.get $off)) (local.get $m))
      (v128.store offset=16 (i32.add (local.get $moment) (local.get $off)) (local.get $m_b))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $nextCells)))
  )
