;; LossLab's WebAssembly SIMD kernels (hand-written; `node scripts/build-wasm.mjs` assembles this
;; file into kernelsWasm.ts). All pointers are byte offsets into the exported memory, which the
;; TypeScript side (memory.ts) lays out and grows. Nothing here allocates.
;;
;; Why these shapes: V8 maps v128 onto the 16 xmm registers of x86-64 (one kept as scratch), and
;; baseline WebAssembly SIMD has no fused multiply-add. A micro-kernel therefore keeps 8 vector
;; accumulators plus the operands it loads in registers: 4 × 4 doubles (f64x2) or 4 × 8 floats
;; (f32x4) of C per pass over the shared dimension, i.e. 16 (32) multiply-adds per 6 loads.
(module
  (memory (export "memory") 1)

  ;; C (mc, nc) += Ap · Bp in float64, with C row-major at `c` (row stride ldc elements).
  ;; Ap holds mc/4 panels of kc × 4 (A(i, p) of panel row r at [p·4 + r]); Bp holds nc/4 panels of
  ;; kc × 4 ([p·4 + column]). mc and nc are multiples of 4: the packer zero-pads the edges.
  (func (export "gebp_f64")
    (param $ap i32) (param $bp i32) (param $c i32) (param $mc i32) (param $nc i32) (param $kc i32) (param $ldc i32)
    (local $jr i32) (local $ir i32) (local $pa i32) (local $pb i32) (local $end i32) (local $pc i32)
    (local $row i32) (local $panel i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128)
    (local.set $panel (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $row (i32.shl (local.get $ldc) (i32.const 3)))
    (block $jdone (loop $jloop
      (br_if $jdone (i32.ge_u (local.get $jr) (local.get $nc)))
      (local.set $ir (i32.const 0))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_u (local.get $ir) (local.get $mc)))
        (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
        (local.set $pa (i32.add (local.get $ap) (i32.mul (i32.shr_u (local.get $ir) (i32.const 2)) (local.get $panel))))
        (local.set $pb (i32.add (local.get $bp) (i32.mul (i32.shr_u (local.get $jr) (i32.const 2)) (local.get $panel))))
        (local.set $end (i32.add (local.get $pb) (local.get $panel)))
        (block $pdone (loop $ploop
          (br_if $pdone (i32.ge_u (local.get $pb) (local.get $end)))
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $a (v128.load64_splat (local.get $pa)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=8 (local.get $pa)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=16 (local.get $pa)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=24 (local.get $pa)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (br $ploop)))
        (local.set $pc (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $ir) (local.get $row)) (i32.shl (local.get $jr) (i32.const 3)))))
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $c00)))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $c01)))
        (local.set $pc (i32.add (local.get $pc) (local.get $row)))
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $c10)))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $c11)))
        (local.set $pc (i32.add (local.get $pc) (local.get $row)))
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $c20)))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $c21)))
        (local.set $pc (i32.add (local.get $pc) (local.get $row)))
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $c30)))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $c31)))
        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
        (br $iloop)))
      (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
      (br $jloop)))
  )

  ;; The float32 twin of gebp_f64: C (mc, nc) += Ap · Bp with 4 × 8 micro-tiles. Ap panels are
  ;; kc × 4 floats ([p·4 + r]), Bp panels kc × 8 floats ([p·8 + column]); mc is a multiple of 4
  ;; and nc of 8.
  (func (export "gebp_f32")
    (param $ap i32) (param $bp i32) (param $c i32) (param $mc i32) (param $nc i32) (param $kc i32) (param $ldc i32)
    (local $jr i32) (local $ir i32) (local $pa i32) (local $pb i32) (local $end i32) (local $pc i32)
    (local $row i32) (local $panelA i32) (local $panelB i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128)
    (local.set $panelA (i32.shl (local.get $kc) (i32.const 4)))
    (local.set $panelB (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $row (i32.shl (local.get $ldc) (i32.const 2)))
    (block $jdone (loop $jloop
      (br_if $jdone (i32.ge_u (local.get $jr) (local.get $nc)))
      (local.set $ir (i32.const 0))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_u (local.get $ir) (local.get $mc)))
        (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
        (local.set $pa (i32.add (local.get $ap) (i32.mul (i32.shr_u (local.get $ir) (i32.const 2)) (local.get $panelA))))
        (local.set $pb (i32.add (local.get $bp) (i32.mul (i32.shr_u (local.get $jr) (i32.const 3)) (local.get $panelB))))
        (local.set $end (i32.add (local.get $pb) (local.get $panelB)))
        (block $pdone (loop $ploop
          (br_if $pdone (i32.ge_u (local.get $pb) (local.get $end)))
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $a (v128.load32_splat (local.get $pa)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (br $ploop)))
        (local.set $pc (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $ir) (local.get $row)) (i32.shl (local.get $jr) (i32.const 2)))))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c00)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c01)))
        (local.set $pc (i32.add (local.get $pc) (local.get $row)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c10)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c11)))
        (local.set $pc (i32.add (local.get $pc) (local.get $row)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c20)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c21)))
        (local.set $pc (i32.add (local.get $pc) (local.get $row)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c30)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c31)))
        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
        (br $iloop)))
      (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
      (br $jloop)))
  )

  ;; Σ_k (x[pa + k] − x[pb + k])² over `bytes` bytes of two float64 rows (a multiple of 16: rows
  ;; are zero-padded to an even length, and the padding cancels in the difference).
  (func $sq1_f64 (param $pa i32) (param $pb i32) (param $bytes i32) (result f64)
    (local $q i32) (local $s v128) (local $u v128)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $q) (local.get $bytes)))
      (local.set $u (f64x2.sub (v128.load (i32.add (local.get $pa) (local.get $q))) (v128.load (i32.add (local.get $pb) (local.get $q)))))
      (local.set $s (f64x2.add (local.get $s) (f64x2.mul (local.get $u) (local.get $u))))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br $next)))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s)))
  )

  ;; Horizontal sum of an f64x2.
  (func $hsum (param $s v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s)))
  )

  ;; out[(i − i0)·ldo + (j − j0)] = ‖x_i − x_j‖² for every i in [i0, i1), j in [j0, j1), where row r
  ;; of x starts at x + r·rowBytes (rowBytes a multiple of 16, zero-padded) and out is float64 at
  ;; `out` with row stride ldo elements. 4 × 2 blocks: 8 accumulators, 6 loads per two coordinates.
  (func (export "sqdist_tile_f64")
    (param $x i32) (param $rowBytes i32) (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $out i32) (param $ldo i32)
    (local $i i32) (local $j i32) (local $q i32) (local $o i32) (local $outRow i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b0 i32) (local $b1 i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $y0 v128) (local $y1 v128) (local $p v128) (local $u v128)
    (local.set $outRow (i32.shl (local.get $ldo) (i32.const 3)))
    (local.set $i (local.get $i0))
    (block $idone (loop $iloop
      (br_if $idone (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $i1)))
      (local.set $a0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $a1 (i32.add (local.get $a0) (local.get $rowBytes)))
      (local.set $a2 (i32.add (local.get $a1) (local.get $rowBytes)))
      (local.set $a3 (i32.add (local.get $a2) (local.get $rowBytes)))
      (local.set $j (local.get $j0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $j1)))
        (local.set $b0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $b1 (i32.add (local.get $b0) (local.get $rowBytes)))
        (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
        (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
        (local.set $s20 (v128.const i64x2 0 0)) (local.set $s21 (v128.const i64x2 0 0))
        (local.set $s30 (v128.const i64x2 0 0)) (local.set $s31 (v128.const i64x2 0 0))
        (local.set $q (i32.const 0))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.ge_u (local.get $q) (local.get $rowBytes)))
          (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $q))))
          (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $q))))
          (local.set $p (v128.load (i32.add (local.get $a0) (local.get $q))))
          (local.set $u (f64x2.sub (local.get $p) (local.get $y0)))
          (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $u) (local.get $u))))
          (local.set $u (f64x2.sub (local.get $p) (local.get $y1)))
          (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $u) (local.get $u))))
          (local.set $p (v128.load (i32.add (local.get $a1) (local.get $q))))
          (local.set $u (f64x2.sub (local.get $p) (local.get $y0)))
          (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $u) (local.get $u))))
          (local.set $u (f64x2.sub (local.get $p) (local.get $y1)))
          (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $u) (local.get $u))))
          (local.set $p (v128.load (i32.add (local.get $a2) (local.get $q))))
          (local.set $u (f64x2.sub (local.get $p) (local.get $y0)))
          (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $u) (local.get $u))))
          (local.set $u (f64x2.sub (local.get $p) (local.get $y1)))
          (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $u) (local.get $u))))
          (local.set $p (v128.load (i32.add (local.get $a3) (local.get $q))))
          (local.set $u (f64x2.sub (local.get $p) (local.get $y0)))
          (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $u) (local.get $u))))
          (local.set $u (f64x2.sub (local.get $p) (local.get $y1)))
          (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $u) (local.get $u))))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (br $kloop)))
        (local.set $o (i32.add (local.get $out) (i32.add
          (i32.mul (i32.sub (local.get $i) (local.get $i0)) (local.get $outRow))
          (i32.shl (i32.sub (local.get $j) (local.get $j0)) (i32.const 3)))))
        (f64.store (local.get $o) (call $hsum (local.get $s00)))
        (f64.store offset=8 (local.get $o) (call $hsum (local.get $s01)))
        (local.set $o (i32.add (local.get $o) (local.get $outRow)))
        (f64.store (local.get $o) (call $hsum (local.get $s10)))
        (f64.store offset=8 (local.get $o) (call $hsum (local.get $s11)))
        (local.set $o (i32.add (local.get $o) (local.get $outRow)))
        (f64.store (local.get $o) (call $hsum (local.get $s20)))
        (f64.store offset=8 (local.get $o) (call $hsum (local.get $s21)))
        (local.set $o (i32.add (local.get $o) (local.get $outRow)))
        (f64.store (local.get $o) (call $hsum (local.get $s30)))
        (f64.store offset=8 (local.get $o) (call $hsum (local.get $s31)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $jloop)))
      ;; An odd last column, for each of the four rows.
      (if (i32.lt_s (local.get $j) (local.get $j1)) (then
        (call $sqRowRange (local.get $x) (local.get $rowBytes) (local.get $i) (i32.add (local.get $i) (i32.const 4))
          (local.get $j) (local.get $j1) (local.get $i0) (local.get $j0) (local.get $out) (local.get $outRow))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $iloop)))
    ;; Rows left over below the last block of four.
    (call $sqRowRange (local.get $x) (local.get $rowBytes) (local.get $i) (local.get $i1)
      (local.get $j0) (local.get $j1) (local.get $i0) (local.get $j0) (local.get $out) (local.get $outRow))
  )

  ;; One pair at a time over rows [ia, ib) × columns [ja, jb) of the tile anchored at (i0, j0).
  (func $sqRowRange
    (param $x i32) (param $rowBytes i32) (param $ia i32) (param $ib i32) (param $ja i32) (param $jb i32)
    (param $i0 i32) (param $j0 i32) (param $out i32) (param $outRow i32)
    (local $i i32) (local $j i32)
    (local.set $i (local.get $ia))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_s (local.get $i) (local.get $ib)))
      (local.set $j (local.get $ja))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $jb)))
        (f64.store
          (i32.add (local.get $out) (i32.add
            (i32.mul (i32.sub (local.get $i) (local.get $i0)) (local.get $outRow))
            (i32.shl (i32.sub (local.get $j) (local.get $j0)) (i32.const 3))))
          (call $sq1_f64
            (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes)))
            (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $rowBytes)))
            (local.get $rowBytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop)))
  )

  ;; ---- Elementwise sigmoid losses on logits (src/core/losses/focal/simd.ts and qfl/simd.ts drive them) ----
  ;; Both kernels share one inlined prologue per pair of logits (a call per pair would cost more
  ;; than the arithmetic): e = exp(−|x|) and log1p(e) by range reduction and polynomials, to a few
  ;; ulp in float64, then σ(x), 1 − σ(x) and softplus(−x) from whichever side does not overflow,
  ;; as the TypeScript kernels do; BCE = log1p(e) + ((1 − t)·x for x ≥ 0, −t·x below), a sum of
  ;; non-negative terms (the textbook (1 − t)·x + softplus(−x) cancels for negative x). An odd count reads and writes one element past the end (callers
  ;; leave 16 bytes of slack after each region); that lane is masked out of the sums.

  ;; The shared prologue, written once and expanded by scripts/build-wasm.mjs into each loop (and,
  ;; interleaved for two vectors, into the pair loops) in two parts, after the loop has set
  ;; $a = −|x| from the logits $xv: exp_f64 gives the exponential $e = e^a (YOLOv8's class pass,
  ;; wat/bce_planes.wat, needs only this, and its decode, wat/softmax_mean.wat, takes it of
  ;; logits clamped to ±708); sigmoid_log1p_f64 then σ's denominator $w and reciprocal $inv, and
  ;; $lp = log1p(e).
  ;; @define exp_f64
  ;; e = exp(a) = 2^k·P(r) for a ≤ 708: k = round(a/ln 2) by the 1.5·2^52 shifter, whose low
  ;; mantissa bits then hold k for building 2^k; r = a − k·ln 2 in two parts (fdlibm's ln2 hi/lo),
  ;; |r| ≤ ln2/2, and P the Taylor series to r^13 (next term < 5e-18) in Estrin's scheme: Horner's
  ;; 13-deep chain of dependent multiply-adds made the loop latency-bound. Below −708, 2^k leaves
  ;; the normal range: e is flushed to 0 (e^−708 ≈ 3e-308 would only feed subnormal terms).
  (local.set $kf (f64x2.add (f64x2.mul (local.get $a) (v128.const f64x2 1.4426950408889634 1.4426950408889634)) (v128.const f64x2 6755399441055744.0 6755399441055744.0)))
  (local.set $scale (i64x2.shl (i64x2.add (local.get $kf) (v128.const i64x2 -2251799813684225 -2251799813684225)) (i32.const 52)))
  (local.set $kf (f64x2.sub (local.get $kf) (v128.const f64x2 6755399441055744.0 6755399441055744.0)))
  (local.set $r (f64x2.sub (f64x2.sub (local.get $a) (f64x2.mul (local.get $kf) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01)))
    (f64x2.mul (local.get $kf) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
  (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
  (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
  (local.set $e (f64x2.add
    (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $r) (v128.const f64x2 1.0 1.0))) (f64x2.mul (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0.16666666666666666 0.16666666666666666))) (local.get $r2))) (f64x2.mul (f64x2.add (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $r) (v128.const f64x2 0.008333333333333333 0.008333333333333333))) (f64x2.mul (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $r) (v128.const f64x2 0.0001984126984126984 0.0001984126984126984))) (local.get $r2))) (local.get $r4)))
    (f64x2.mul (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05) (f64x2.mul (local.get $r) (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06))) (f64x2.mul (f64x2.add (v128.const f64x2 2.755731922398589e-07 2.755731922398589e-07) (f64x2.mul (local.get $r) (v128.const f64x2 2.505210838544172e-08 2.505210838544172e-08))) (local.get $r2))) (f64x2.mul (f64x2.add (v128.const f64x2 2.08767569878681e-09 2.08767569878681e-09) (f64x2.mul (local.get $r) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))) (local.get $r4))) (f64x2.mul (local.get $r4) (local.get $r4)))))
  (local.set $e (v128.and (f64x2.mul (local.get $e) (local.get $scale)) (f64x2.ge (local.get $a) (v128.const f64x2 -708.0 -708.0))))
  ;; @end

  ;; @define sigmoid_log1p_f64
  ;; σ(±|x|) from w = 1 + e: 1/w and e/w.
  (local.set $w (f64x2.add (v128.const f64x2 1.0 1.0) (local.get $e)))
  (local.set $inv (f64x2.div (v128.const f64x2 1.0 1.0) (local.get $w)))
  ;; log1p(e), e ∈ [0, 1], as fdlibm's log1p: log(1 + e) = k·ln 2 + log(1 + f) with k = 0, f = e
  ;; below √2 − 1, else k = 1, f = w/2 − 1 (exact) and c = (e − (w − 1))/w restoring the
  ;; rounding of w; log(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2 + f), |s| ≤ 0.1716.
  (local.set $big (f64x2.ge (local.get $e) (v128.const f64x2 0.41421356237309503 0.41421356237309503)))
  (local.set $f (v128.bitselect (f64x2.sub (f64x2.mul (local.get $w) (v128.const f64x2 0.5 0.5)) (v128.const f64x2 1.0 1.0)) (local.get $e) (local.get $big)))
  (local.set $corr (v128.and (f64x2.mul (f64x2.sub (local.get $e) (f64x2.sub (local.get $w) (v128.const f64x2 1.0 1.0))) (local.get $inv)) (local.get $big)))
  (local.set $kk (v128.and (v128.const f64x2 1.0 1.0) (local.get $big)))
  (local.set $s (f64x2.div (local.get $f) (f64x2.add (v128.const f64x2 2.0 2.0) (local.get $f))))
  (local.set $hfsq (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $f)) (local.get $f)))
  (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
  (local.set $z2 (f64x2.mul (local.get $z) (local.get $z)))
  (local.set $lp (f64x2.mul (local.get $z) (f64x2.add
    (f64x2.add (f64x2.add (v128.const f64x2 6.666666666666735130e-01 6.666666666666735130e-01) (f64x2.mul (local.get $z) (v128.const f64x2 3.999999999940941908e-01 3.999999999940941908e-01))) (f64x2.mul (f64x2.add (v128.const f64x2 2.857142874366239149e-01 2.857142874366239149e-01) (f64x2.mul (local.get $z) (v128.const f64x2 2.222219843214978396e-01 2.222219843214978396e-01))) (local.get $z2)))
    (f64x2.mul (f64x2.add (f64x2.add (v128.const f64x2 1.818357216161805012e-01 1.818357216161805012e-01) (f64x2.mul (local.get $z) (v128.const f64x2 1.531383769920937332e-01 1.531383769920937332e-01))) (f64x2.mul (v128.const f64x2 1.479819860511658591e-01 1.479819860511658591e-01) (local.get $z2))) (f64x2.mul (local.get $z2) (local.get $z2))))))
  (local.set $lp (f64x2.sub (f64x2.mul (local.get $kk) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
    (f64x2.sub (f64x2.sub (local.get $hfsq)
      (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $lp)))
        (f64x2.add (f64x2.mul (local.get $kk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)) (local.get $corr))))
      (local.get $f))))
  ;; @end

  ;; Sigmoid focal loss over `count` elements: x, t (logits and targets) → out (losses) and, when
  ;; withGrad, grad = c·∂loss/∂x. α < 0 means no α weighting; γ is a non-negative integer.
  ;; Returns Σ loss (unscaled).
  (func (export "focal_f64")
    (param $x i32) (param $t i32) (param $out i32) (param $grad i32) (param $count i32)
    (param $c f64) (param $alpha f64) (param $gamma i32) (param $withGrad i32) (result f64)
    (local $i i32) (local $off i32) (local $g i32) (local $mask v128) (local $sum v128)
    (local $xv v128) (local $tv v128) (local $omt v128) (local $bce v128) (local $m v128)
    (local $pm1 v128) (local $mg v128) (local $dmg v128) (local $at v128) (local $li v128)
    (local $cv v128) (local $alv v128) (local $omal v128) (local $gv v128)
    (local $a v128) (local $kf v128) (local $scale v128) (local $r v128) (local $e v128) (local $w v128)
    (local $inv v128) (local $big v128) (local $f v128) (local $corr v128) (local $kk v128) (local $s v128)
    (local $hfsq v128) (local $z v128) (local $r2 v128) (local $r4 v128) (local $z2 v128) (local $lp v128) (local $nonneg v128) (local $ei v128)
    (local $p v128) (local $q v128)
    (local $xv_b v128) (local $tv_b v128) (local $omt_b v128) (local $bce_b v128) (local $m_b v128) (local $pm1_b v128) (local $mg_b v128) (local $dmg_b v128) (local $at_b v128) (local $li_b v128) (local $a_b v128) (local $kf_b v128) (local $scale_b v128) (local $r_b v128) (local $e_b v128) (local $w_b v128)
    (local $inv_b v128) (local $big_b v128) (local $f_b v128) (local $corr_b v128) (local $kk_b v128) (local $s_b v128) (local $hfsq_b v128) (local $z_b v128) (local $r2_b v128) (local $r4_b v128) (local $z2_b v128) (local $lp_b v128) (local $nonneg_b v128) (local $ei_b v128) (local $p_b v128) (local $q_b v128)
    (local.set $mask (v128.const i64x2 -1 -1))
    (local.set $cv (f64x2.splat (local.get $c)))
    (local.set $alv (f64x2.splat (local.get $alpha)))
    (local.set $omal (f64x2.splat (f64.sub (f64.const 1) (local.get $alpha))))
    (local.set $gv (f64x2.splat (f64.convert_i32_u (local.get $gamma))))
    ;; The common case (γ = 2, α ≥ 0), two vectors per iteration with their statements interleaved,
    ;; as focal_f32's pair loop: one vector's chain (exp, two divisions, log1p) is latency-bound.
    ;; Vector b is vector a on the next two elements (locals suffixed _b); γ = 2 and α ≥ 0 take the
    ;; generic loop's own products (1·m = m), and the sum adds a's term then b's, so results are
    ;; bit-identical. Its vectors are whole, so the sum takes no mask. The generic loop below
    ;; finishes the rest with the same running sum; its comments explain the steps.
    (if (i32.and (i32.eq (local.get $gamma) (i32.const 2)) (f64.ge (local.get $alpha) (f64.const 0))) (then
      (block $pairsDone (loop $pair
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $count)))
        (local.set $off (i32.shl (local.get $i) (i32.const 3)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $off))))
        (local.set $xv_b (v128.load offset=16 (i32.add (local.get $x) (local.get $off))))
        (local.set $tv (v128.load (i32.add (local.get $t) (local.get $off))))
        (local.set $tv_b (v128.load offset=16 (i32.add (local.get $t) (local.get $off))))
        (local.set $a (f64x2.neg (f64x2.abs (local.get $xv))))
        (local.set $a_b (f64x2.neg (f64x2.abs (local.get $xv_b))))
        ;; @expand exp_f64 _b
        ;; @expand sigmoid_log1p_f64 _b
        (local.set $nonneg (f64x2.ge (local.get $xv) (v128.const f64x2 0.0 0.0)))
        (local.set $nonneg_b (f64x2.ge (local.get $xv_b) (v128.const f64x2 0.0 0.0)))
        (local.set $ei (f64x2.mul (local.get $e) (local.get $inv)))
        (local.set $ei_b (f64x2.mul (local.get $e_b) (local.get $inv_b)))
        (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
        (local.set $p_b (v128.bitselect (local.get $inv_b) (local.get $ei_b) (local.get $nonneg_b)))
        (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
        (local.set $q_b (v128.bitselect (local.get $ei_b) (local.get $inv_b) (local.get $nonneg_b)))
        (local.set $omt (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $tv)))
        (local.set $omt_b (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $tv_b)))
        (local.set $bce (f64x2.add (local.get $lp) (v128.bitselect (f64x2.mul (local.get $omt) (local.get $xv))
          (f64x2.neg (f64x2.mul (local.get $tv) (local.get $xv))) (local.get $nonneg))))
        (local.set $bce_b (f64x2.add (local.get $lp_b) (v128.bitselect (f64x2.mul (local.get $omt_b) (local.get $xv_b))
          (f64x2.neg (f64x2.mul (local.get $tv_b) (local.get $xv_b))) (local.get $nonneg_b))))
        (local.set $m (f64x2.add (f64x2.mul (local.get $p) (local.get $omt)) (f64x2.mul (local.get $q) (local.get $tv))))
        (local.set $m_b (f64x2.add (f64x2.mul (local.get $p_b) (local.get $omt_b)) (f64x2.mul (local.get $q_b) (local.get $tv_b))))
        (local.set $at (f64x2.add (f64x2.mul (local.get $alv) (local.get $tv)) (f64x2.mul (local.get $omal) (local.get $omt))))
        (local.set $at_b (f64x2.add (f64x2.mul (local.get $alv) (local.get $tv_b)) (f64x2.mul (local.get $omal) (local.get $omt_b))))
        ;; γ = 2: pm1 = 1·m = m exactly, as the power loop would leave it.
        (local.set $pm1 (local.get $m))
        (local.set $pm1_b (local.get $m_b))
        (local.set $mg (f64x2.mul (local.get $pm1) (local.get $m)))
        (local.set $mg_b (f64x2.mul (local.get $pm1_b) (local.get $m_b)))
        (local.set $dmg (f64x2.mul (local.get $gv) (local.get $pm1)))
        (local.set $dmg_b (f64x2.mul (local.get $gv) (local.get $pm1_b)))
        (local.set $li (f64x2.mul (f64x2.mul (local.get $at) (local.get $bce)) (local.get $mg)))
        (local.set $li_b (f64x2.mul (f64x2.mul (local.get $at_b) (local.get $bce_b)) (local.get $mg_b)))
        (v128.store (i32.add (local.get $out) (local.get $off)) (local.get $li))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $off)) (local.get $li_b))
        (local.set $sum (f64x2.add (local.get $sum) (local.get $li)))
        (local.set $sum (f64x2.add (local.get $sum) (local.get $li_b)))
        (if (local.get $withGrad) (then
          (v128.store (i32.add (local.get $grad) (local.get $off))
            (f64x2.mul (f64x2.mul (local.get $cv) (local.get $at))
              (f64x2.add
                (f64x2.mul (f64x2.sub (f64x2.mul (local.get $p) (local.get $omt)) (f64x2.mul (local.get $q) (local.get $tv))) (local.get $mg))
                (f64x2.mul (f64x2.mul (f64x2.mul (f64x2.mul (local.get $bce) (local.get $dmg)) (local.get $p)) (local.get $q))
                  (f64x2.sub (v128.const f64x2 1.0 1.0) (f64x2.mul (v128.const f64x2 2.0 2.0) (local.get $tv)))))))
          (v128.store offset=16 (i32.add (local.get $grad) (local.get $off))
            (f64x2.mul (f64x2.mul (local.get $cv) (local.get $at_b))
              (f64x2.add
                (f64x2.mul (f64x2.sub (f64x2.mul (local.get $p_b) (local.get $omt_b)) (f64x2.mul (local.get $q_b) (local.get $tv_b))) (local.get $mg_b))
                (f64x2.mul (f64x2.mul (f64x2.mul (f64x2.mul (local.get $bce_b) (local.get $dmg_b)) (local.get $p_b)) (local.get $q_b))
                  (f64x2.sub (v128.const f64x2 1.0 1.0) (f64x2.mul (v128.const f64x2 2.0 2.0) (local.get $tv_b)))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $pair)))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $count))
        (then (local.set $mask (v128.const i64x2 -1 0))))
      (local.set $off (i32.shl (local.get $i) (i32.const 3)))
      (local.set $xv (v128.load (i32.add (local.get $x) (local.get $off))))
      (local.set $tv (v128.load (i32.add (local.get $t) (local.get $off))))
        (local.set $a (f64x2.neg (f64x2.abs (local.get $xv))))
        ;; @expand exp_f64
        ;; @expand sigmoid_log1p_f64
        ;; p = σ(x) and q = 1 − σ(x), each on its non-overflowing side.
        (local.set $nonneg (f64x2.ge (local.get $xv) (v128.const f64x2 0.0 0.0)))
        (local.set $ei (f64x2.mul (local.get $e) (local.get $inv)))
        (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
        (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
        (local.set $omt (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $tv)))
        (local.set $bce (f64x2.add (local.get $lp) (v128.bitselect (f64x2.mul (local.get $omt) (local.get $xv))
          (f64x2.neg (f64x2.mul (local.get $tv) (local.get $xv))) (local.get $nonneg))))
        ;; m = 1 − p_t from p and q without cancellation.
        (local.set $m (f64x2.add (f64x2.mul (local.get $p) (local.get $omt)) (f64x2.mul (local.get $q) (local.get $tv))))
        (local.set $at (v128.const f64x2 1.0 1.0))
        (if (f64.ge (local.get $alpha) (f64.const 0))
          (then (local.set $at (f64x2.add (f64x2.mul (local.get $alv) (local.get $tv)) (f64x2.mul (local.get $omal) (local.get $omt))))))
        ;; m^γ and γ·m^(γ−1) by repeated products (γ = 2: m·m and 2·m).
        (if (i32.eqz (local.get $gamma))
          (then (local.set $mg (v128.const f64x2 1.0 1.0)) (local.set $dmg (v128.const f64x2 0.0 0.0)))
          (else
            (local.set $pm1 (v128.const f64x2 1.0 1.0))
            (local.set $g (i32.const 1))
            (block $powered (loop $power
              (br_if $powered (i32.ge_u (local.get $g) (local.get $gamma)))
              (local.set $pm1 (f64x2.mul (local.get $pm1) (local.get $m)))
              (local.set $g (i32.add (local.get $g) (i32.const 1)))
              (br $power)))
            (local.set $mg (f64x2.mul (local.get $pm1) (local.get $m)))
            (local.set $dmg (f64x2.mul (local.get $gv) (local.get $pm1)))))
        (local.set $li (f64x2.mul (f64x2.mul (local.get $at) (local.get $bce)) (local.get $mg)))
        (v128.store (i32.add (local.get $out) (local.get $off)) (local.get $li))
        (local.set $sum (f64x2.add (local.get $sum) (v128.and (local.get $li) (local.get $mask))))
        (if (local.get $withGrad) (then
          (v128.store (i32.add (local.get $grad) (local.get $off))
            (f64x2.mul (f64x2.mul (local.get $cv) (local.get $at))
              (f64x2.add
                (f64x2.mul (f64x2.sub (f64x2.mul (local.get $p) (local.get $omt)) (f64x2.mul (local.get $q) (local.get $tv))) (local.get $mg))
                (f64x2.mul (f64x2.mul (f64x2.mul (f64x2.mul (local.get $bce) (local.get $dmg)) (local.get $p)) (local.get $q))
                  (f64x2.sub (v128.const f64x2 1.0 1.0) (f64x2.mul (v128.const f64x2 2.0 2.0) (local.get $tv)))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $next)))
    (call $hsum (local.get $sum))
  )

  ;; Quality focal loss, label/score form, over `rows` rows of C logits at x: row r's labelled
  ;; column is label[r] − shift (any other value marks a background row) with target score[r],
  ;; every other column target 0. Writes out[r] = Σ_j BCE·|σ − y|^β and, when withGrad, grad =
  ;; c_r·∂/∂x with c_r = scale·weight[r] (hasWeight) or scale. β is a non-negative integer.
  ;; Returns Σ_r c_r·out[r].
  (func (export "qfl_label_f64")
    (param $x i32) (param $label i32) (param $score i32) (param $weight i32) (param $out i32) (param $grad i32)
    (param $rows i32) (param $C i32) (param $shift f64) (param $scaleC f64) (param $hasWeight i32)
    (param $beta i32) (param $withGrad i32) (result f64)
    (local $row i32) (local $j i32) (local $off i32) (local $g i32) (local $total f64) (local $cr f64) (local $rowTotal f64)
    (local $mask v128) (local $sum v128) (local $col v128) (local $posv v128) (local $scorev v128) (local $cv v128)
    (local $xv v128) (local $y v128) (local $bce v128) (local $d v128) (local $m v128) (local $pm1 v128)
    (local $mb v128) (local $sd v128) (local $li v128) (local $bv v128)
    (local $a v128) (local $kf v128) (local $scale v128) (local $r v128) (local $e v128) (local $w v128)
    (local $inv v128) (local $big v128) (local $f v128) (local $corr v128) (local $kk v128) (local $s v128)
    (local $hfsq v128) (local $z v128) (local $r2 v128) (local $r4 v128) (local $z2 v128) (local $lp v128) (local $nonneg v128) (local $ei v128)
    (local $p v128) (local $q v128)
    (local $xv_b v128) (local $y_b v128) (local $bce_b v128) (local $d_b v128) (local $m_b v128) (local $pm1_b v128) (local $mb_b v128) (local $sd_b v128) (local $li_b v128) (local $a_b v128) (local $kf_b v128) (local $scale_b v128) (local $r_b v128) (local $e_b v128) (local $w_b v128) (local $inv_b v128)
    (local $big_b v128) (local $f_b v128) (local $corr_b v128) (local $kk_b v128) (local $s_b v128) (local $hfsq_b v128) (local $z_b v128) (local $r2_b v128) (local $r4_b v128) (local $z2_b v128) (local $lp_b v128) (local $nonneg_b v128) (local $ei_b v128) (local $p_b v128) (local $q_b v128) (local $col_b v128)
    (local.set $bv (f64x2.splat (f64.convert_i32_u (local.get $beta))))
    (block $rowsDone (loop $nextRow
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $posv (f64x2.splat (f64.sub (f64.load (i32.add (local.get $label) (i32.shl (local.get $row) (i32.const 3)))) (local.get $shift))))
      (local.set $scorev (f64x2.splat (f64.load (i32.add (local.get $score) (i32.shl (local.get $row) (i32.const 3))))))
      (local.set $cr (local.get $scaleC))
      (if (local.get $hasWeight) (then
        (local.set $cr (f64.mul (local.get $scaleC) (f64.load (i32.add (local.get $weight) (i32.shl (local.get $row) (i32.const 3))))))))
      (local.set $cv (f64x2.splat (local.get $cr)))
      (local.set $sum (v128.const f64x2 0.0 0.0))
      (local.set $mask (v128.const i64x2 -1 -1))
      (local.set $col (v128.const f64x2 0 1))
      (local.set $j (i32.const 0))
      ;; β = 2 (the default), two vectors per iteration while four columns remain, their statements
      ;; interleaved as focal_f64's pair loop (latency, not throughput, bounds one vector). Vector b
      ;; is vector a on the next two columns; the row sum adds a's term then b's, the order of the
      ;; loop below, which finishes the row (and whose comments explain the steps), so results are
      ;; bit-identical. Its vectors are whole, so the sum takes no mask.
      (block $pairsDone (loop $pair
        (br_if $pairsDone (i32.or (i32.ne (local.get $beta) (i32.const 2)) (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $C))))
        (local.set $col_b (f64x2.add (local.get $col) (v128.const f64x2 2.0 2.0)))
        (local.set $off (i32.shl (i32.add (i32.mul (local.get $row) (local.get $C)) (local.get $j)) (i32.const 3)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $off))))
        (local.set $xv_b (v128.load offset=16 (i32.add (local.get $x) (local.get $off))))
        (local.set $a (f64x2.neg (f64x2.abs (local.get $xv))))
        (local.set $a_b (f64x2.neg (f64x2.abs (local.get $xv_b))))
        ;; @expand exp_f64 _b
        ;; @expand sigmoid_log1p_f64 _b
        (local.set $nonneg (f64x2.ge (local.get $xv) (v128.const f64x2 0.0 0.0)))
        (local.set $nonneg_b (f64x2.ge (local.get $xv_b) (v128.const f64x2 0.0 0.0)))
        (local.set $ei (f64x2.mul (local.get $e) (local.get $inv)))
        (local.set $ei_b (f64x2.mul (local.get $e_b) (local.get $inv_b)))
        (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
        (local.set $p_b (v128.bitselect (local.get $inv_b) (local.get $ei_b) (local.get $nonneg_b)))
        (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
        (local.set $q_b (v128.bitselect (local.get $ei_b) (local.get $inv_b) (local.get $nonneg_b)))
        (local.set $y (v128.and (local.get $scorev) (f64x2.eq (local.get $col) (local.get $posv))))
        (local.set $y_b (v128.and (local.get $scorev) (f64x2.eq (local.get $col_b) (local.get $posv))))
        (local.set $bce (f64x2.add (local.get $lp) (v128.bitselect (f64x2.mul (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $y)) (local.get $xv))
          (f64x2.neg (f64x2.mul (local.get $y) (local.get $xv))) (local.get $nonneg))))
        (local.set $bce_b (f64x2.add (local.get $lp_b) (v128.bitselect (f64x2.mul (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $y_b)) (local.get $xv_b))
          (f64x2.neg (f64x2.mul (local.get $y_b) (local.get $xv_b))) (local.get $nonneg_b))))
        (local.set $d (v128.bitselect
          (f64x2.sub (local.get $p) (local.get $y))
          (f64x2.sub (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $y)) (local.get $q))
          (f64x2.lt (local.get $p) (v128.const f64x2 0.5 0.5))))
        (local.set $d_b (v128.bitselect
          (f64x2.sub (local.get $p_b) (local.get $y_b))
          (f64x2.sub (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $y_b)) (local.get $q_b))
          (f64x2.lt (local.get $p_b) (v128.const f64x2 0.5 0.5))))
        (local.set $m (f64x2.abs (local.get $d)))
        (local.set $m_b (f64x2.abs (local.get $d_b)))
        ;; β = 2 (this loop's condition): pm1 = 1·m = m exactly, as the power loop would leave it.
        (local.set $pm1 (local.get $m))
        (local.set $pm1_b (local.get $m_b))
        (local.set $mb (f64x2.mul (local.get $pm1) (local.get $m)))
        (local.set $mb_b (f64x2.mul (local.get $pm1_b) (local.get $m_b)))
        (local.set $sd (v128.and
          (v128.or (local.get $pm1) (v128.and (local.get $d) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))
          (f64x2.ne (local.get $m) (v128.const f64x2 0.0 0.0))))
        (local.set $sd_b (v128.and
          (v128.or (local.get $pm1_b) (v128.and (local.get $d_b) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))
          (f64x2.ne (local.get $m_b) (v128.const f64x2 0.0 0.0))))
        (local.set $li (f64x2.mul (local.get $bce) (local.get $mb)))
        (local.set $li_b (f64x2.mul (local.get $bce_b) (local.get $mb_b)))
        (local.set $sum (f64x2.add (local.get $sum) (local.get $li)))
        (local.set $sum (f64x2.add (local.get $sum) (local.get $li_b)))
        (if (local.get $withGrad) (then
          (v128.store (i32.add (local.get $grad) (local.get $off))
            (f64x2.mul (local.get $cv)
              (f64x2.add (f64x2.mul (local.get $d) (local.get $mb))
                (f64x2.mul (f64x2.mul (f64x2.mul (f64x2.mul (local.get $bv) (local.get $bce)) (local.get $p)) (local.get $q)) (local.get $sd)))))
          (v128.store offset=16 (i32.add (local.get $grad) (local.get $off))
            (f64x2.mul (local.get $cv)
              (f64x2.add (f64x2.mul (local.get $d_b) (local.get $mb_b))
                (f64x2.mul (f64x2.mul (f64x2.mul (f64x2.mul (local.get $bv) (local.get $bce_b)) (local.get $p_b)) (local.get $q_b)) (local.get $sd_b)))))))
        (local.set $col (f64x2.add (local.get $col) (v128.const f64x2 4.0 4.0)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $pair)))
      (block $colsDone (loop $nextCol
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $C)))
        (if (i32.eq (i32.add (local.get $j) (i32.const 1)) (local.get $C))
          (then (local.set $mask (v128.const i64x2 -1 0))))
        (local.set $off (i32.shl (i32.add (i32.mul (local.get $row) (local.get $C)) (local.get $j)) (i32.const 3)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $off))))
        (local.set $a (f64x2.neg (f64x2.abs (local.get $xv))))
        ;; @expand exp_f64
        ;; @expand sigmoid_log1p_f64
        ;; p = σ(x) and q = 1 − σ(x), each on its non-overflowing side.
        (local.set $nonneg (f64x2.ge (local.get $xv) (v128.const f64x2 0.0 0.0)))
        (local.set $ei (f64x2.mul (local.get $e) (local.get $inv)))
        (local.set $p (v128.bitselect (local.get $inv) (local.get $ei) (local.get $nonneg)))
        (local.set $q (v128.bitselect (local.get $ei) (local.get $inv) (local.get $nonneg)))
        (local.set $y (v128.and (local.get $scorev) (f64x2.eq (local.get $col) (local.get $posv))))
        (local.set $bce (f64x2.add (local.get $lp) (v128.bitselect (f64x2.mul (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $y)) (local.get $xv))
          (f64x2.neg (f64x2.mul (local.get $y) (local.get $xv))) (local.get $nonneg))))
        ;; σ − y from whichever of σ, 1 − σ is small, so a saturated logit keeps its digits.
        (local.set $d (v128.bitselect
          (f64x2.sub (local.get $p) (local.get $y))
          (f64x2.sub (f64x2.sub (v128.const f64x2 1.0 1.0) (local.get $y)) (local.get $q))
          (f64x2.lt (local.get $p) (v128.const f64x2 0.5 0.5))))
        (local.set $m (f64x2.abs (local.get $d)))
        ;; |d|^β, and sd = sign(d)·|d|^(β−1) (0 where d = 0): d·|d|^β + β·BCE·σ(1 − σ)·sd is the gradient.
        (if (i32.eqz (local.get $beta))
          (then (local.set $mb (v128.const f64x2 1.0 1.0)) (local.set $sd (v128.const f64x2 0.0 0.0)))
          (else
            (local.set $pm1 (v128.const f64x2 1.0 1.0))
            (local.set $g (i32.const 1))
            (block $powered (loop $power
              (br_if $powered (i32.ge_u (local.get $g) (local.get $beta)))
              (local.set $pm1 (f64x2.mul (local.get $pm1) (local.get $m)))
              (local.set $g (i32.add (local.get $g) (i32.const 1)))
              (br $power)))
            (local.set $mb (f64x2.mul (local.get $pm1) (local.get $m)))
            (local.set $sd (v128.and
              (v128.or (local.get $pm1) (v128.and (local.get $d) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))
              (f64x2.ne (local.get $m) (v128.const f64x2 0.0 0.0))))))
        (local.set $li (f64x2.mul (local.get $bce) (local.get $mb)))
        (local.set $sum (f64x2.add (local.get $sum) (v128.and (local.get $li) (local.get $mask))))
        (if (local.get $withGrad) (then
          (v128.store (i32.add (local.get $grad) (local.get $off))
            (f64x2.mul (local.get $cv)
              (f64x2.add (f64x2.mul (local.get $d) (local.get $mb))
                (f64x2.mul (f64x2.mul (f64x2.mul (f64x2.mul (local.get $bv) (local.get $bce)) (local.get $p)) (local.get $q)) (local.get $sd)))))))
        (local.set $col (f64x2.add (local.get $col) (v128.const f64x2 2.0 2.0)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $nextCol)))
      (local.set $rowTotal (call $hsum (local.get $sum)))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 3))) (local.get $rowTotal))
      (local.set $total (f64.add (local.get $total) (f64.mul (local.get $cr) (local.get $rowTotal))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $nextRow)))
    (local.get $total)
  )
)
