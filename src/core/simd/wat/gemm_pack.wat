  ;; ---- Packing for gebp_f64 / gebp_f32 (src/core/simd/gemm.ts stages rows here, then these
  ;; reorder them into the micro-kernels' panels; pure data movement, so the products' bits do
  ;; not depend on it) ----

  ;; Row-major block → column panels: `rows` rows at src (row stride `stride` bytes), `panels`
  ;; panels of `width` bytes (16 or 32); panel t's row p goes to dst + (t·rows + p)·width.
  ;; Writes are sequential; reads walk one panel's column of the block.
  (func (export "gemm_pack_panels")
    (param $src i32) (param $stride i32) (param $dst i32) (param $rows i32) (param $panels i32) (param $width i32)
    (local $t i32) (local $p i32) (local $s i32)
    (block $done (loop $panel
      (br_if $done (i32.ge_u (local.get $t) (local.get $panels)))
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $t) (local.get $width))))
      (local.set $p (i32.const 0))
      (if (i32.eq (local.get $width) (i32.const 32))
        (then (block $rows32 (loop $row32
          (br_if $rows32 (i32.ge_u (local.get $p) (local.get $rows)))
          (v128.store (local.get $dst) (v128.load (local.get $s)))
          (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $s)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (local.set $s (i32.add (local.get $s) (local.get $stride)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $row32))))
        (else (block $rows16 (loop $row16
          (br_if $rows16 (i32.ge_u (local.get $p) (local.get $rows)))
          (v128.store (local.get $dst) (v128.load (local.get $s)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $s (i32.add (local.get $s) (local.get $stride)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $row16)))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $panel)))
  )

  ;; `lanes` rows of `count` 4-byte elements (row r at src + r·stride) → one panel, interleaved:
  ;; element p of row r goes to dst + (p·lanes + r)·4.
  (func (export "gemm_interleave_32")
    (param $src i32) (param $stride i32) (param $dst i32) (param $lanes i32) (param $count i32)
    (local $r i32) (local $s i32) (local $d i32) (local $end i32) (local $step i32)
    (local.set $step (i32.shl (local.get $lanes) (i32.const 2)))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $lanes)))
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $stride))))
      (local.set $end (i32.add (local.get $s) (i32.shl (local.get $count) (i32.const 2))))
      (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2))))
      (block $rowDone (loop $element
        (br_if $rowDone (i32.ge_u (local.get $s) (local.get $end)))
        (i32.store (local.get $d) (i32.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (local.set $d (i32.add (local.get $d) (local.get $step)))
        (br $element)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row)))
  )

  ;; The 8-byte twin of gemm_interleave_32: element p of row r goes to dst + (p·lanes + r)·8.
  (func (export "gemm_interleave_64")
    (param $src i32) (param $stride i32) (param $dst i32) (param $lanes i32) (param $count i32)
    (local $r i32) (local $s i32) (local $d i32) (local $end i32) (local $step i32)
    (local.set $step (i32.shl (local.get $lanes) (i32.const 3)))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $lanes)))
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $stride))))
      (local.set $end (i32.add (local.get $s) (i32.shl (local.get $count) (i32.const 3))))
      (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 3))))
      (block $rowDone (loop $element
        (br_if $rowDone (i32.ge_u (local.get $s) (local.get $end)))
        (i64.store (local.get $d) (i64.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (i32.const 8)))
        (local.set $d (i32.add (local.get $d) (local.get $step)))
        (br $element)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row)))
  )
