;; Batched matrix product with WebAssembly SIMD, for attention on the wasm backend (see kernels.ts).
;;   C[n] = A[n] · B[n]   A (N, M, K), B (N, K, P), C (N, M, P): float32, row-major, contiguous.
;; tfjs-wasm 4.22 sends batched products to a scalar loop (~1.2 GFLOP/s measured); attention's are batched
;; (batch × heads) and small (T × hs), so that loop was a third of a training step.
;;
;; Loop order n, i, j-block, k: for 16 output columns at a time, four f32x4 accumulators stay in registers
;; while k runs down the rows of B, each step one broadcast of A[n, i, k] and four 4-wide multiply-adds.
;; Then 4 columns at a time, then single columns for the rest. Every C element is summed over k in order.
;; Compile with `node scripts/build-wasm.mjs` (wabt), which writes bmmWasm.ts.
(module
  (memory (export "memory") 1)
  (func (export "bmm")
    (param $a i32) (param $b i32) (param $c i32) ;; byte offsets of A, B, C in this module's memory
    (param $N i32) (param $M i32) (param $K i32) (param $P i32)
    (local $n i32) (local $i i32) (local $j i32) (local $k i32)
    (local $aBase i32) (local $bBase i32) (local $cBase i32)
    (local $aRow i32) (local $cRow i32) (local $ap i32) (local $bp i32) (local $rowB i32)
    (local $av v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $s f32)
    (local.set $rowB (i32.shl (local.get $P) (i32.const 2)))
    (local.set $n (i32.const 0))
    (block $nDone
      (loop $nLoop
        (br_if $nDone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $aBase (i32.add (local.get $a) (i32.shl (i32.mul (local.get $n) (i32.mul (local.get $M) (local.get $K))) (i32.const 2))))
        (local.set $bBase (i32.add (local.get $b) (i32.shl (i32.mul (local.get $n) (i32.mul (local.get $K) (local.get $P))) (i32.const 2))))
        (local.set $cBase (i32.add (local.get $c) (i32.shl (i32.mul (local.get $n) (i32.mul (local.get $M) (local.get $P))) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
            (local.set $aRow (i32.add (local.get $aBase) (i32.shl (i32.mul (local.get $i) (local.get $K)) (i32.const 2))))
            (local.set $cRow (i32.add (local.get $cBase) (i32.shl (i32.mul (local.get $i) (local.get $P)) (i32.const 2))))
            (local.set $j (i32.const 0))
            ;; 16 columns at a time
            (block $j16Done
              (loop $j16Loop
                (br_if $j16Done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $P)))
                (local.set $acc0 (v128.const i32x4 0 0 0 0))
                (local.set $acc1 (v128.const i32x4 0 0 0 0))
                (local.set $acc2 (v128.const i32x4 0 0 0 0))
                (local.set $acc3 (v128.const i32x4 0 0 0 0))
                (local.set $ap (local.get $aRow))
                (local.set $bp (i32.add (local.get $bBase) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $k (i32.const 0))
                (block $kDone
                  (loop $kLoop
                    (br_if $kDone (i32.ge_u (local.get $k) (local.get $K)))
                    (local.set $av (f32x4.splat (f32.load (local.get $ap))))
                    (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (v128.load (local.get $bp)))))
                    (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (v128.load offset=16 (local.get $bp)))))
                    (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (v128.load offset=32 (local.get $bp)))))
                    (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (v128.load offset=48 (local.get $bp)))))
                    (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                    (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $kLoop)))
                (v128.store (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc0))
                (v128.store offset=16 (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc1))
                (v128.store offset=32 (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc2))
                (v128.store offset=48 (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc3))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $j16Loop)))
            ;; 4 columns at a time
            (block $j4Done
              (loop $j4Loop
                (br_if $j4Done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $P)))
                (local.set $acc0 (v128.const i32x4 0 0 0 0))
                (local.set $ap (local.get $aRow))
                (local.set $bp (i32.add (local.get $bBase) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $k (i32.const 0))
                (block $kDone4
                  (loop $kLoop4
                    (br_if $kDone4 (i32.ge_u (local.get $k) (local.get $K)))
                    (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (f32x4.splat (f32.load (local.get $ap))) (v128.load (local.get $bp)))))
                    (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                    (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $kLoop4)))
                (v128.store (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc0))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $j4Loop)))
            ;; the last P mod 4 columns, one at a time
            (block $j1Done
              (loop $j1Loop
                (br_if $j1Done (i32.ge_u (local.get $j) (local.get $P)))
                (local.set $s (f32.const 0))
                (local.set $ap (local.get $aRow))
                (local.set $bp (i32.add (local.get $bBase) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $k (i32.const 0))
                (block $kDone1
                  (loop $kLoop1
                    (br_if $kDone1 (i32.ge_u (local.get $k) (local.get $K)))
                    (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $ap)) (f32.load (local.get $bp)))))
                    (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                    (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $kLoop1)))
                (f32.store (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $j1Loop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $nLoop)))))
