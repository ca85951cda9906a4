;; Matrix products for the GPT on the wasm backend (see gemm.ts): C[n] = op(A[n]) · op(B[n]) for n < batch,
;; op = identity or transpose, float32, every operand contiguous and row-major in memory. No transpose is ever
;; made: the caller gives A and B as strides. Element (i, k) of op(A[n]) is at a + n·sa + i·sai + k·sak and
;; element (k, j) of op(B[n]) at b + n·sb + k·sbk + j·sbj (byte offsets and byte strides); C[n] (M, N) is at
;; c + n·M·N·4, rows N·4 bytes apart. An optional bias (N floats) is added to every row: each sum starts from it.
;;
;; Blocking: the columns of C are cut into panels of 8. For a panel, the K × 8 block of op(B) is packed into
;; this thread's scratch (32 contiguous bytes per k, zero past the last column), then every row of C is
;; computed against it, 4 rows at a time: 8 f32x4 accumulators (4 rows × 8 columns) stay in registers while k
;; runs, each step two vector loads of the packed panel, four broadcasts of A and eight multiply-adds. Rows
;; past the last multiple of 4 are done one at a time the same way.
;;
;; Threads: the work items are (n, panel) pairs, item = n·panels + panel; a call does items [first, end) (the
;; threads of gemm.ts claim them one at a time). Every element of C is written by one item and summed over k
;; in order by one accumulator, so the result is the same bit for bit whoever does which item.
;;
;; `f32x4.relaxed_madd` is the fused multiply-add; scripts/build-wasm.mjs also writes a plain-SIMD variant
;; (mul then add) for engines without relaxed SIMD, and variants over an unshared memory.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; rows i..i+3 of C against one packed panel: ap = &op(A)(i, 0), bp = the packed panel, cp = &C(i, j0)
  (func $rows4
    (param $ap i32) (param $sai i32) (param $sak i32) (param $bp i32) (param $K i32)
    (param $cp i32) (param $ldc i32) (param $nc i32) (param $tile i32)
    (local $k i32) (local $sai2 i32) (local $sai3 i32) (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $out i32) (local $ld i32)
    (local.set $sai2 (i32.shl (local.get $sai) (i32.const 1)))
    (local.set $sai3 (i32.add (local.get $sai2) (local.get $sai)))
    ;; every row starts from the panel's bias (zeros without one), 128 bytes past the tile
    (local.set $c00 (v128.load offset=128 (local.get $tile)))
    (local.set $c01 (v128.load offset=144 (local.get $tile)))
    (local.set $c10 (local.get $c00))
    (local.set $c11 (local.get $c01))
    (local.set $c20 (local.get $c00))
    (local.set $c21 (local.get $c01))
    (local.set $c30 (local.get $c00))
    (local.set $c31 (local.get $c01))
    (block $done
      (loop $kLoop
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $b0 (v128.load (local.get $bp)))
        (local.set $b1 (v128.load offset=16 (local.get $bp)))
        (local.set $av (v128.load32_splat (local.get $ap)))
        (local.set $c00 (f32x4.relaxed_madd (local.get $av) (local.get $b0) (local.get $c00)))
        (local.set $c01 (f32x4.relaxed_madd (local.get $av) (local.get $b1) (local.get $c01)))
        (local.set $av (v128.load32_splat (i32.add (local.get $ap) (local.get $sai))))
        (local.set $c10 (f32x4.relaxed_madd (local.get $av) (local.get $b0) (local.get $c10)))
        (local.set $c11 (f32x4.relaxed_madd (local.get $av) (local.get $b1) (local.get $c11)))
        (local.set $av (v128.load32_splat (i32.add (local.get $ap) (local.get $sai2))))
        (local.set $c20 (f32x4.relaxed_madd (local.get $av) (local.get $b0) (local.get $c20)))
        (local.set $c21 (f32x4.relaxed_madd (local.get $av) (local.get $b1) (local.get $c21)))
        (local.set $av (v128.load32_splat (i32.add (local.get $ap) (local.get $sai3))))
        (local.set $c30 (f32x4.relaxed_madd (local.get $av) (local.get $b0) (local.get $c30)))
        (local.set $c31 (f32x4.relaxed_madd (local.get $av) (local.get $b1) (local.get $c31)))
        (local.set $ap (i32.add (local.get $ap) (local.get $sak)))
        (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kLoop)))
    ;; a full panel goes straight to C; a partial one through the tile, then its nc columns
    (local.set $out (select (local.get $cp) (local.get $tile) (i32.eq (local.get $nc) (i32.const 8))))
    (local.set $ld (select (local.get $ldc) (i32.const 32) (i32.eq (local.get $nc) (i32.const 8))))
    (v128.store (local.get $out) (local.get $c00))
    (v128.store offset=16 (local.get $out) (local.get $c01))
    (local.set $out (i32.add (local.get $out) (local.get $ld)))
    (v128.store (local.get $out) (local.get $c10))
    (v128.store offset=16 (local.get $out) (local.get $c11))
    (local.set $out (i32.add (local.get $out) (local.get $ld)))
    (v128.store (local.get $out) (local.get $c20))
    (v128.store offset=16 (local.get $out) (local.get $c21))
    (local.set $out (i32.add (local.get $out) (local.get $ld)))
    (v128.store (local.get $out) (local.get $c30))
    (v128.store offset=16 (local.get $out) (local.get $c31))
    (if (i32.ne (local.get $nc) (i32.const 8))
      (then (call $copyTile (local.get $tile) (local.get $cp) (local.get $ldc) (i32.const 4) (local.get $nc)))))

  ;; one row of C against one packed panel (the rows past the last multiple of 4)
  (func $rows1
    (param $ap i32) (param $sak i32) (param $bp i32) (param $K i32)
    (param $cp i32) (param $nc i32) (param $tile i32)
    (local $k i32) (local $av v128) (local $c0 v128) (local $c1 v128)
    (local.set $c0 (v128.load offset=128 (local.get $tile)))
    (local.set $c1 (v128.load offset=144 (local.get $tile)))
    (block $done
      (loop $kLoop
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $av (v128.load32_splat (local.get $ap)))
        (local.set $c0 (f32x4.relaxed_madd (local.get $av) (v128.load (local.get $bp)) (local.get $c0)))
        (local.set $c1 (f32x4.relaxed_madd (local.get $av) (v128.load offset=16 (local.get $bp)) (local.get $c1)))
        (local.set $ap (i32.add (local.get $ap) (local.get $sak)))
        (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kLoop)))
    (if (i32.eq (local.get $nc) (i32.const 8))
      (then
        (v128.store (local.get $cp) (local.get $c0))
        (v128.store offset=16 (local.get $cp) (local.get $c1)))
      (else
        (v128.store (local.get $tile) (local.get $c0))
        (v128.store offset=16 (local.get $tile) (local.get $c1))
        (call $copyTile (local.get $tile) (local.get $cp) (i32.const 0) (i32.const 1) (local.get $nc)))))

  ;; the first nc columns of `rows` rows of the tile (rows 32 bytes apart) to C (rows ldc bytes apart)
  (func $copyTile (param $tile i32) (param $cp i32) (param $ldc i32) (param $rows i32) (param $nc i32)
    (local $r i32) (local $j i32)
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $nc)))
            (f32.store
              (i32.add (i32.add (local.get $cp) (i32.mul (local.get $r) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 2)))
              (f32.load (i32.add (i32.add (local.get $tile) (i32.shl (local.get $r) (i32.const 5))) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop))))

  ;; packs columns j0 .. j0+nc-1 of op(B) (bp = &op(B)(0, j0)) into K rows of 8 floats at dst, zero past nc
  (func $pack (param $bp i32) (param $sbk i32) (param $sbj i32) (param $K i32) (param $nc i32) (param $dst i32)
    (local $k i32) (local $j i32) (local $src i32)
    (if (i32.and (i32.eq (local.get $sbj) (i32.const 4)) (i32.eq (local.get $nc) (i32.const 8)))
      (then ;; 8 contiguous floats a row: two vector copies
        (block $done
          (loop $kLoop
            (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
            (v128.store (local.get $dst) (v128.load (local.get $bp)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $bp)))
            (local.set $bp (i32.add (local.get $bp) (local.get $sbk)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kLoop))))
      (else
        (block $done
          (loop $kLoop
            (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
            (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
            (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
            (local.set $src (local.get $bp))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $nc)))
                (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (f32.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $sbj)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jLoop)))
            (local.set $bp (i32.add (local.get $bp) (local.get $sbk)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kLoop))))))

  ;; items [item, end) of the batched product, plus bias[j] on every row (bias: a byte offset, 0 for none);
;; scratch (this thread's): K·32 bytes for the panel, 128 for the tile, 32 for the panel's bias
  (func (export "gemm")
    (param $a i32) (param $b i32) (param $c i32) (param $scratch i32)
    (param $batch i32) (param $M i32) (param $N i32) (param $K i32)
    (param $sa i32) (param $sai i32) (param $sak i32)
    (param $sb i32) (param $sbk i32) (param $sbj i32) (param $bias i32)
    (param $item i32) (param $end i32)
    (local $panels i32) (local $n i32) (local $j0 i32) (local $nc i32)
    (local $i i32) (local $aBase i32) (local $cBase i32) (local $ldc i32) (local $tile i32)
    (local.set $panels (i32.shr_u (i32.add (local.get $N) (i32.const 7)) (i32.const 3)))
    (local.set $ldc (i32.shl (local.get $N) (i32.const 2)))
    (local.set $tile (i32.add (local.get $scratch) (i32.shl (local.get $K) (i32.const 5))))
    (block $done
      (loop $itemLoop
        (br_if $done (i32.ge_u (local.get $item) (local.get $end)))
        (local.set $n (i32.div_u (local.get $item) (local.get $panels)))
        (local.set $j0 (i32.shl (i32.rem_u (local.get $item) (local.get $panels)) (i32.const 3)))
        (local.set $nc (i32.sub (local.get $N) (local.get $j0)))
        (if (i32.gt_u (local.get $nc) (i32.const 8)) (then (local.set $nc (i32.const 8))))
        (call $pack
          (i32.add (i32.add (local.get $b) (i32.mul (local.get $n) (local.get $sb))) (i32.mul (local.get $j0) (local.get $sbj)))
          (local.get $sbk) (local.get $sbj) (local.get $K) (local.get $nc) (local.get $scratch))
        ;; the bias panel: bias[j0 .. j0+nc-1] (nothing at offset 0: no bias), zero past nc
        (v128.store offset=128 (local.get $tile) (v128.const i32x4 0 0 0 0))
        (v128.store offset=144 (local.get $tile) (v128.const i32x4 0 0 0 0))
        (if (local.get $bias)
          (then
            (local.set $i (i32.const 0))
            (block $bDone
              (loop $bLoop
                (br_if $bDone (i32.ge_u (local.get $i) (local.get $nc)))
                (f32.store offset=128
                  (i32.add (local.get $tile) (i32.shl (local.get $i) (i32.const 2)))
                  (f32.load (i32.add (local.get $bias) (i32.shl (i32.add (local.get $j0) (local.get $i)) (i32.const 2)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $bLoop)))))
        (local.set $aBase (i32.add (local.get $a) (i32.mul (local.get $n) (local.get $sa))))
        (local.set $cBase (i32.add (i32.add (local.get $c) (i32.mul (i32.mul (local.get $n) (local.get $M)) (local.get $ldc))) (i32.shl (local.get $j0) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $i4Done
          (loop $i4Loop
            (br_if $i4Done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $M)))
            (call $rows4
              (i32.add (local.get $aBase) (i32.mul (local.get $i) (local.get $sai))) (local.get $sai) (local.get $sak)
              (local.get $scratch) (local.get $K)
              (i32.add (local.get $cBase) (i32.mul (local.get $i) (local.get $ldc))) (local.get $ldc) (local.get $nc) (local.get $tile))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $i4Loop)))
        (block $i1Done
          (loop $i1Loop
            (br_if $i1Done (i32.ge_u (local.get $i) (local.get $M)))
            (call $rows1
              (i32.add (local.get $aBase) (i32.mul (local.get $i) (local.get $sai))) (local.get $sak)
              (local.get $scratch) (local.get $K)
              (i32.add (local.get $cBase) (i32.mul (local.get $i) (local.get $ldc))) (local.get $nc) (local.get $tile))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $i1Loop)))
        (local.set $item (i32.add (local.get $item) (i32.const 1)))
        (br $itemLoop)))))
