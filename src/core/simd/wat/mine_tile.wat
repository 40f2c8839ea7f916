  ;; Batch-hard mining over one tile of squared distances that sqdist_tile_f64 left in memory
  ;; (mining.ts, `mineTileRows`, whose TypeScript loop this is): for every pair i in [i0, i1),
  ;; j in [j0, j1), j > i, the distance at tile + ((i − i0)·ldo + (j − j0))·8 updates both rows'
  ;; candidates, farthest[]/hp[] for a positive (same float64 label) and nearest[]/hn[] for a
  ;; negative (float64 distances, int32 indices, −1 for none yet). Pairs go in the TypeScript
  ;; loop's order, i then j increasing, and the comparisons are strict, so ties stay with the
  ;; lowest index; a negative is taken when none was yet, even at +∞. Returns the largest distance
  ;; met, starting from `largest` (NaN is never larger).
  (func (export "mine_tile_f64")
    (param $tile i32) (param $ldo i32) (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32)
    (param $labels i32) (param $far i32) (param $hp i32) (param $near i32) (param $hn i32) (param $largest f64) (result f64)
    (local $i i32) (local $j i32) (local $row i32) (local $own f64) (local $dist f64)
    (local.set $i (local.get $i0))
    (block $rowsDone (loop $nextRow
      (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $i1)))
      (local.set $own (f64.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 3)))))
      ;; Address of column 0 of row i (j0 ≥ 0 columns before the tile's first are never read).
      (local.set $row (i32.sub
        (i32.add (local.get $tile) (i32.shl (i32.mul (i32.sub (local.get $i) (local.get $i0)) (local.get $ldo)) (i32.const 3)))
        (i32.shl (local.get $j0) (i32.const 3))))
      (local.set $j (select (local.get $j0) (i32.add (local.get $i) (i32.const 1)) (i32.gt_s (local.get $j0) (local.get $i))))
      (block $pairsDone (loop $nextPair
        (br_if $pairsDone (i32.ge_s (local.get $j) (local.get $j1)))
        (local.set $dist (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))))
        (if (f64.gt (local.get $dist) (local.get $largest)) (then (local.set $largest (local.get $dist))))
        (if (f64.eq (f64.load (i32.add (local.get $labels) (i32.shl (local.get $j) (i32.const 3)))) (local.get $own))
          (then
            (if (f64.gt (local.get $dist) (f64.load (i32.add (local.get $far) (i32.shl (local.get $i) (i32.const 3))))) (then
              (f64.store (i32.add (local.get $far) (i32.shl (local.get $i) (i32.const 3))) (local.get $dist))
              (i32.store (i32.add (local.get $hp) (i32.shl (local.get $i) (i32.const 2))) (local.get $j))))
            (if (f64.gt (local.get $dist) (f64.load (i32.add (local.get $far) (i32.shl (local.get $j) (i32.const 3))))) (then
              (f64.store (i32.add (local.get $far) (i32.shl (local.get $j) (i32.const 3))) (local.get $dist))
              (i32.store (i32.add (local.get $hp) (i32.shl (local.get $j) (i32.const 2))) (local.get $i)))))
          (else
            (if (i32.or (f64.lt (local.get $dist) (f64.load (i32.add (local.get $near) (i32.shl (local.get $i) (i32.const 3)))))
                  (i32.lt_s (i32.load (i32.add (local.get $hn) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 0))) (then
              (f64.store (i32.add (local.get $near) (i32.shl (local.get $i) (i32.const 3))) (local.get $dist))
              (i32.store (i32.add (local.get $hn) (i32.shl (local.get $i) (i32.const 2))) (local.get $j))))
            (if (i32.or (f64.lt (local.get $dist) (f64.load (i32.add (local.get $near) (i32.shl (local.get $j) (i32.const 3)))))
                  (i32.lt_s (i32.load (i32.add (local.get $hn) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 0))) (then
              (f64.store (i32.add (local.get $near) (i32.shl (local.get $j) (i32.const 3))) (local.get $dist))
              (i32.store (i32.add (local.get $hn) (i32.shl (local.get $j) (i32.const 2))) (local.get $i))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $nextPair)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $nextRow)))
    (local.get $largest)
  )
