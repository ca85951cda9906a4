;; The exp-heavy passes of ./fused.ts with WebAssembly SIMD, run in place on the tfjs-wasm backend's own heap
;; (this module imports that memory: ./fusedWasm.ts), four values at a time: V8's Math.exp costs ~8–13 ns a
;; value here, this ~1. Every pointer is a byte offset into that heap; `n` counts values. The callers do the
;; last n mod 4 values of a pass with the scalar code of fused.ts, so nothing here reads or writes past an end.
;;
;; $exp4 is Cephes' expf (as in its single-precision library): x = k·ln 2 + g, |g| ≤ ln2/2, with ln 2 in two
;; parts so g is exact; eᵍ by a degree-7 polynomial (relative error ~1e-7, about one float32 ulp); 2ᵏ made in
;; the exponent bits. x is clamped to [−87.3, 88.7], where 2ᵏ is a normal float: e^−87.3 ≈ 1.2e−38 stands for
;; 0 below it (the callers that need an exact 0 write one). NaN stays NaN (min and max propagate it).
;;
;; scripts/build-wasm.mjs builds it over an unshared and a shared memory (tfjs-wasm's threaded build shares its).
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func $exp4 (param $x v128) (result v128)
    (local $t v128) (local $k v128) (local $g v128) (local $p v128)
    (local.set $x (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 88.72283 88.72283 88.72283 88.72283))
                             (v128.const f32x4 -87.33654 -87.33654 -87.33654 -87.33654)))
    ;; k = round(x·log2 e) by the 1.5·2²³ trick: the sum's low mantissa bits are k, its value k + 1.5·2²³ exactly
    (local.set $t (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
                             (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $k (f32x4.sub (local.get $t) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $g (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $g (f32x4.sub (local.get $g) (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $g)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $g)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $g)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $g)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $g)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; eᵍ ≈ 1 + g + g²·p
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $g)) (local.get $g)) (local.get $g))
                             (v128.const f32x4 1 1 1 1)))
    ;; · 2ᵏ: the float 2ᵏ is (k + 127) << 23, and k + 127 is the trick's bits less those of 1.5·2²³ (0x4B400000) plus 127
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.sub (local.get $t) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))

  ;; GELU and its derivative over n values (n a multiple of 4): fused.ts's geluForward, four at a time.
  (func (export "gelu") (param $x i32) (param $y i32) (param $d i32) (param $n i32)
    (local $end i32) (local $v v128) (local $z v128) (local $t v128) (local $e v128) (local $tail v128) (local $cdf v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $z (f32x4.mul (f32x4.abs (local.get $v)) (v128.const f32x4 0.70710678 0.70710678 0.70710678 0.70710678)))
        (local.set $t (f32x4.div (v128.const f32x4 1 1 1 1)
          (f32x4.add (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $z) (v128.const f32x4 0.3275911 0.3275911 0.3275911 0.3275911)))))
        (local.set $e (call $exp4 (f32x4.neg (f32x4.mul (local.get $z) (local.get $z)))))
        ;; erfc(|x|/√2) = t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e
        (local.set $tail (f32x4.add (v128.const f32x4 -1.453152027 -1.453152027 -1.453152027 -1.453152027)
          (f32x4.mul (local.get $t) (v128.const f32x4 1.061405429 1.061405429 1.061405429 1.061405429))))
        (local.set $tail (f32x4.add (v128.const f32x4 1.421413741 1.421413741 1.421413741 1.421413741) (f32x4.mul (local.get $t) (local.get $tail))))
        (local.set $tail (f32x4.add (v128.const f32x4 -0.284496736 -0.284496736 -0.284496736 -0.284496736) (f32x4.mul (local.get $t) (local.get $tail))))
        (local.set $tail (f32x4.add (v128.const f32x4 0.254829592 0.254829592 0.254829592 0.254829592) (f32x4.mul (local.get $t) (local.get $tail))))
        (local.set $tail (f32x4.mul (f32x4.mul (local.get $t) (local.get $tail)) (f32x4.mul (local.get $e) (v128.const f32x4 0.5 0.5 0.5 0.5))))
        ;; Φ(x) = 1 − tail/2 for x ≥ 0, tail/2 below
        (local.set $cdf (v128.bitselect
          (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $tail))
          (local.get $tail)
          (f32x4.ge (local.get $v) (v128.const f32x4 0 0 0 0))))
        (v128.store (local.get $y) (f32x4.mul (local.get $v) (local.get $cdf)))
        (v128.store (local.get $d) (f32x4.add (local.get $cdf)
          (f32x4.mul (f32x4.mul (local.get $v) (local.get $e)) (v128.const f32x4 0.39894228 0.39894228 0.39894228 0.39894228))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (br $next))))

  ;; Softmax of one row of n values at s, times `scale` (> 0), written to p: p_j = e^{scale·(s_j − max)} / Σ.
  ;; Returns nothing; writes the row's max and Σ (before normalising) to stats[0], stats[1] when stats ≠ 0.
  (func $softmaxRow (param $s i32) (param $p i32) (param $n i32) (param $scale f32) (param $stats i32)
    (local $j i32) (local $n4 i32) (local $vmax v128) (local $max f32) (local $vsum v128) (local $sum f32)
    (local $e v128) (local $m v128) (local $sc v128) (local $inv v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    ;; the max
    (local.set $vmax (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $j (i32.const 0))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $j) (local.get $n4)))
      (local.set $vmax (f32x4.max (local.get $vmax) (v128.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l1)))
    (local.set $max (f32.max (f32.max (f32x4.extract_lane 0 (local.get $vmax)) (f32x4.extract_lane 1 (local.get $vmax)))
                             (f32.max (f32x4.extract_lane 2 (local.get $vmax)) (f32x4.extract_lane 3 (local.get $vmax)))))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $max (f32.max (local.get $max) (f32.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l2)))
    ;; the exponentials and their sum
    (local.set $m (f32x4.splat (local.get $max)))
    (local.set $sc (f32x4.splat (local.get $scale)))
    (local.set $vsum (v128.const f32x4 0 0 0 0))
    (local.set $j (i32.const 0))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (local.get $j) (local.get $n4)))
      (local.set $e (call $exp4 (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2)))) (local.get $m)) (local.get $sc))))
      (v128.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))) (local.get $e))
      (local.set $vsum (f32x4.add (local.get $vsum) (local.get $e)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l3)))
    (local.set $sum (f32.add (f32.add (f32x4.extract_lane 0 (local.get $vsum)) (f32x4.extract_lane 1 (local.get $vsum)))
                             (f32.add (f32x4.extract_lane 2 (local.get $vsum)) (f32x4.extract_lane 3 (local.get $vsum)))))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $e (call $exp4 (f32x4.splat (f32.mul (f32.sub (f32.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2)))) (local.get $max)) (local.get $scale)))))
      (f32.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))) (f32x4.extract_lane 0 (local.get $e)))
      (local.set $sum (f32.add (local.get $sum) (f32x4.extract_lane 0 (local.get $e))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l4)))
    (if (local.get $stats) (then
      (f32.store (local.get $stats) (local.get $max))
      (f32.store offset=4 (local.get $stats) (local.get $sum))))
    ;; normalise
    (local.set $inv (f32x4.splat (f32.div (f32.const 1) (local.get $sum))))
    (local.set $j (i32.const 0))
    (block $d5 (loop $l5
      (br_if $d5 (i32.ge_u (local.get $j) (local.get $n4)))
      (v128.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))
        (f32x4.mul (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))) (local.get $inv)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l5)))
    (block $d6 (loop $l6
      (br_if $d6 (i32.ge_u (local.get $j) (local.get $n)))
      (f32.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))
        (f32.mul (f32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))) (f32x4.extract_lane 0 (local.get $inv))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l6))))

  ;; fused.ts's causalSoftmax: R rows of T scores at s → probabilities at p; row r (query r mod T) over its
  ;; first r mod T + 1 keys when causal, the rest exactly 0.
  (func (export "softmax") (param $s i32) (param $p i32) (param $R i32) (param $T i32) (param $scale f32) (param $causal i32)
    (local $r i32) (local $n i32) (local $j i32) (local $row i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $R)))
      (local.set $n (if (result i32) (local.get $causal)
        (then (i32.add (i32.rem_u (local.get $r) (local.get $T)) (i32.const 1)))
        (else (local.get $T))))
      (local.set $row (i32.shl (i32.mul (local.get $r) (local.get $T)) (i32.const 2)))
      (call $softmaxRow (i32.add (local.get $s) (local.get $row)) (i32.add (local.get $p) (local.get $row))
        (local.get $n) (local.get $scale) (i32.const 0))
      (local.set $j (local.get $n))
      (block $d (loop $z
        (br_if $d (i32.ge_u (local.get $j) (local.get $T)))
        (f32.store (i32.add (i32.add (local.get $p) (local.get $row)) (i32.shl (local.get $j) (i32.const 2))) (f32.const 0))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $z)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next))))

  ;; The loss's softmax: N rows of V logits → probabilities, each row's max and Σ to stats (8 bytes a row), from
  ;; which the caller takes −log p_target = log Σ + max − logit_target in float64.
  (func (export "softmaxStats") (param $s i32) (param $p i32) (param $N i32) (param $V i32) (param $stats i32)
    (local $r i32) (local $row i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $N)))
      (local.set $row (i32.shl (i32.mul (local.get $r) (local.get $V)) (i32.const 2)))
      (call $softmaxRow (i32.add (local.get $s) (local.get $row)) (i32.add (local.get $p) (local.get $row))
        (local.get $V) (f32.const 1) (i32.add (local.get $stats) (i32.shl (local.get $r) (i32.const 3))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next))))
  ;; Σ of a vector's four lanes
  (func $hsum (param $v v128) (result f32)
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
             (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; fused.ts's layerNormForward for C a multiple of 4; b = 0: no bias.
  (func (export "lnForward") (param $x i32) (param $w i32) (param $b i32) (param $N i32) (param $C i32)
    (param $y i32) (param $mean i32) (param $rstd i32)
    (local $r i32) (local $c i32) (local $rowBytes i32) (local $acc v128) (local $d v128) (local $mu f32) (local $rs f32)
    (local $vmu v128) (local $vrs v128) (local $o v128)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $N)))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $c (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $x) (local.get $c)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l1)))
      (local.set $mu (f32.div (call $hsum (local.get $acc)) (f32.convert_i32_u (local.get $C))))
      (local.set $vmu (f32x4.splat (local.get $mu)))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $c (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (local.set $d (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $c))) (local.get $vmu)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l2)))
      (local.set $rs (f32.div (f32.const 1)
        (f32.sqrt (f32.add (f32.div (call $hsum (local.get $acc)) (f32.convert_i32_u (local.get $C))) (f32.const 1e-5)))))
      (f32.store (i32.add (local.get $mean) (i32.shl (local.get $r) (i32.const 2))) (local.get $mu))
      (f32.store (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2))) (local.get $rs))
      (local.set $vrs (f32x4.splat (local.get $rs)))
      (local.set $c (i32.const 0))
      (block $d3 (loop $l3
        (br_if $d3 (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (local.set $o (f32x4.mul (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $c))) (local.get $vmu)) (local.get $vrs))
                                 (v128.load (i32.add (local.get $w) (local.get $c)))))
        (if (local.get $b) (then (local.set $o (f32x4.add (local.get $o) (v128.load (i32.add (local.get $b) (local.get $c)))))))
        (v128.store (i32.add (local.get $y) (local.get $c)) (local.get $o))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l3)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; fused.ts's layerNormBackward for C a multiple of 4; db = 0: no bias gradient. dw and db are zeroed first.
  (func (export "lnBackward") (param $dy i32) (param $x i32) (param $w i32) (param $mean i32) (param $rstd i32)
    (param $N i32) (param $C i32) (param $dx i32) (param $dw i32) (param $db i32)
    (local $r i32) (local $c i32) (local $rowBytes i32) (local $sg v128) (local $sgx v128) (local $vmu v128) (local $vrs v128)
    (local $xh v128) (local $d v128) (local $g v128) (local $mg v128) (local $mgx v128) (local $invC f32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $invC (f32.div (f32.const 1) (f32.convert_i32_u (local.get $C))))
    (memory.fill (local.get $dw) (i32.const 0) (local.get $rowBytes))
    (if (local.get $db) (then (memory.fill (local.get $db) (i32.const 0) (local.get $rowBytes))))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $N)))
      (local.set $vmu (v128.load32_splat (i32.add (local.get $mean) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $vrs (v128.load32_splat (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $sg (v128.const f32x4 0 0 0 0))
      (local.set $sgx (v128.const f32x4 0 0 0 0))
      (local.set $c (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (local.set $xh (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $c))) (local.get $vmu)) (local.get $vrs)))
        (local.set $d (v128.load (i32.add (local.get $dy) (local.get $c))))
        (local.set $g (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w) (local.get $c)))))
        (local.set $sg (f32x4.add (local.get $sg) (local.get $g)))
        (local.set $sgx (f32x4.add (local.get $sgx) (f32x4.mul (local.get $g) (local.get $xh))))
        (v128.store (i32.add (local.get $dw) (local.get $c))
          (f32x4.add (v128.load (i32.add (local.get $dw) (local.get $c))) (f32x4.mul (local.get $d) (local.get $xh))))
        (if (local.get $db) (then (v128.store (i32.add (local.get $db) (local.get $c))
          (f32x4.add (v128.load (i32.add (local.get $db) (local.get $c))) (local.get $d)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l1)))
      (local.set $mg (f32x4.splat (f32.mul (call $hsum (local.get $sg)) (local.get $invC))))
      (local.set $mgx (f32x4.splat (f32.mul (call $hsum (local.get $sgx)) (local.get $invC))))
      (local.set $c (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (local.set $xh (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $c))) (local.get $vmu)) (local.get $vrs)))
        (local.set $g (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $c))) (v128.load (i32.add (local.get $w) (local.get $c)))))
        (v128.store (i32.add (local.get $dx) (local.get $c))
          (f32x4.mul (local.get $vrs) (f32x4.sub (f32x4.sub (local.get $g) (local.get $mg)) (f32x4.mul (local.get $xh) (local.get $mgx)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l2)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
      (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; fused.ts's softmaxBackward: ds = scale·p⊙(dp − Σ dp⊙p), R rows of T (any T).
  (func (export "softmaxBackward") (param $dp i32) (param $p i32) (param $R i32) (param $T i32) (param $scale f32) (param $ds i32)
    (local $r i32) (local $j i32) (local $n4 i32) (local $rowBytes i32) (local $acc v128) (local $dot f32) (local $vdot v128) (local $vsc v128)
    (local.set $rowBytes (i32.shl (local.get $T) (i32.const 2)))
    (local.set $n4 (i32.shl (i32.and (local.get $T) (i32.const -4)) (i32.const 2)))
    (local.set $vsc (f32x4.splat (local.get $scale)))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $R)))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $j) (local.get $n4)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul (v128.load (i32.add (local.get $dp) (local.get $j))) (v128.load (i32.add (local.get $p) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $l1)))
      (local.set $dot (call $hsum (local.get $acc)))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $dot (f32.add (local.get $dot)
          (f32.mul (f32.load (i32.add (local.get $dp) (local.get $j))) (f32.load (i32.add (local.get $p) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l2)))
      (local.set $vdot (f32x4.splat (local.get $dot)))
      (local.set $j (i32.const 0))
      (block $d3 (loop $l3
        (br_if $d3 (i32.ge_u (local.get $j) (local.get $n4)))
        (v128.store (i32.add (local.get $ds) (local.get $j))
          (f32x4.mul (f32x4.mul (local.get $vsc) (v128.load (i32.add (local.get $p) (local.get $j))))
            (f32x4.sub (v128.load (i32.add (local.get $dp) (local.get $j))) (local.get $vdot))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $l3)))
      (block $d4 (loop $l4
        (br_if $d4 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (f32.store (i32.add (local.get $ds) (local.get $j))
          (f32.mul (f32.mul (local.get $scale) (f32.load (i32.add (local.get $p) (local.get $j))))
            (f32.sub (f32.load (i32.add (local.get $dp) (local.get $j))) (local.get $dot))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l4)))
      (local.set $dp (i32.add (local.get $dp) (local.get $rowBytes)))
      (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
      (local.set $ds (i32.add (local.get $ds) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; Σ x² over n values (n a multiple of 4), summed in float64 (two f64x2 accumulators).
  (func (export "sumSquares") (param $x i32) (param $n i32) (result f64)
    (local $end i32) (local $v v128) (local $lo v128) (local $hi v128) (local $s v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $lo (v128.const f64x2 0 0))
    (local.set $hi (v128.const f64x2 0 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v (v128.load (local.get $x)))
      (local.set $s (f64x2.promote_low_f32x4 (local.get $v)))
      (local.set $lo (f64x2.add (local.get $lo) (f64x2.mul (local.get $s) (local.get $s))))
      (local.set $s (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
      (local.set $hi (f64x2.add (local.get $hi) (f64x2.mul (local.get $s) (local.get $s))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $next)))
    (local.set $s (f64x2.add (local.get $lo) (local.get $hi)))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))

  ;; fused.ts's adamwUpdate over n values (a multiple of 4), in float32 as torch.optim.AdamW computes it: m and v
  ;; are this parameter's part of the moment vectors, mOut and vOut the same parts of the new ones.
  (func (export "adamw") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $keep f32) (param $step f32) (param $beta1 f32) (param $beta2 f32) (param $eps f32) (param $rootBc2 f32) (param $gradScale f32)
    (param $pOut i32) (param $mOut i32) (param $vOut i32)
    (local $i i32) (local $bytes i32) (local $gi v128) (local $mi v128) (local $vi v128)
    (local $vkeep v128) (local $vstep v128) (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128)
    (local $veps v128) (local $vroot v128) (local $vscale v128)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vkeep (f32x4.splat (local.get $keep)))
    (local.set $vstep (f32x4.splat (local.get $step)))
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $c1 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta1))))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $c2 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta2))))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vroot (f32x4.splat (local.get $rootBc2)))
    (local.set $vscale (f32x4.splat (local.get $gradScale)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
      (local.set $gi (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $i))) (local.get $vscale)))
      (local.set $mi (f32x4.add (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $i))))
                                (f32x4.mul (local.get $c1) (local.get $gi))))
      (local.set $vi (f32x4.add (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $i))))
                                (f32x4.mul (local.get $c2) (f32x4.mul (local.get $gi) (local.get $gi)))))
      (v128.store (i32.add (local.get $mOut) (local.get $i)) (local.get $mi))
      (v128.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vi))
      (v128.store (i32.add (local.get $pOut) (local.get $i))
        (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $i))) (local.get $vkeep))
          (f32x4.div (f32x4.mul (local.get $vstep) (local.get $mi))
            (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vi)) (local.get $vroot)) (local.get $veps)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))
  ;; out = a ⊙ b over n values (a multiple of 4): GELU's backward, dy ⊙ GELU′(x).
  (func (export "mul") (param $a i32) (param $b i32) (param $out i32) (param $n i32)
    (local $i i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))
  ;; out[c] = Σ_r x[r, c] over N rows of C values (C a multiple of 4): a linear layer's bias gradient, 1ᵀ·dy.
  (func (export "columnSum") (param $x i32) (param $N i32) (param $C i32) (param $out i32)
    (local $r i32) (local $c i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $rowBytes))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $N)))
      (local.set $c (i32.const 0))
      (block $d (loop $col
        (br_if $d (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (v128.store (i32.add (local.get $out) (local.get $c))
          (f32x4.add (v128.load (i32.add (local.get $out) (local.get $c))) (v128.load (i32.add (local.get $x) (local.get $c)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $col)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))
  ;; out = a + b over n values (a multiple of 4): the residual adds and gradient sums of same-shaped tensors.
  (func (export "add") (param $a i32) (param $b i32) (param $out i32) (param $n i32)
    (local $i i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f32x4.add (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; `rows` runs of `bytes` bytes (a multiple of 4), from src to dst, each row `srcStride` / `dstStride` bytes after
  ;; the last: attention's heads taken out of the (B·T, 3C) projection and put back.
  (func (export "copyRows") (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32)
    (param $rows i32) (param $bytes i32)
    (local $r i32) (local $i i32) (local $b16 i32)
    (local.set $b16 (i32.and (local.get $bytes) (i32.const -16)))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (block $d1 (loop $v
        (br_if $d1 (i32.ge_u (local.get $i) (local.get $b16)))
        (v128.store (i32.add (local.get $dst) (local.get $i)) (v128.load (i32.add (local.get $src) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $v)))
      (block $d2 (loop $w
        (br_if $d2 (i32.ge_u (local.get $i) (local.get $bytes)))
        (f32.store (i32.add (local.get $dst) (local.get $i)) (f32.load (i32.add (local.get $src) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $w)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; y[o] = b[o] + Σ_i x[i] · w[o·nIn + i] for o < nOut (b 0: no bias), nIn a multiple of 4: one position through a
  ;; linear layer whose weight is stored transposed, [out, in], so each output is a contiguous dot product. The
  ;; KV-cache decoder's products (./decoder.ts), in float32 with two vector accumulators.
  (func (export "matvec") (param $x i32) (param $w i32) (param $b i32) (param $nIn i32) (param $nOut i32) (param $y i32)
    (local $o i32) (local $i i32) (local $bytes i32) (local $b8 i32) (local $a0 v128) (local $a1 v128) (local $s f32)
    (local.set $bytes (i32.shl (local.get $nIn) (i32.const 2)))
    (local.set $b8 (i32.and (local.get $bytes) (i32.const -32)))
    (block $done (loop $out
      (br_if $done (i32.ge_u (local.get $o) (local.get $nOut)))
      (local.set $a0 (v128.const f32x4 0 0 0 0))
      (local.set $a1 (v128.const f32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (block $d1 (loop $v
        (br_if $d1 (i32.ge_u (local.get $i) (local.get $b8)))
        (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $i))) (v128.load (i32.add (local.get $w) (local.get $i))))))
        (local.set $a1 (f32x4.add (local.get $a1)
          (f32x4.mul (v128.load offset=16 (i32.add (local.get $x) (local.get $i))) (v128.load offset=16 (i32.add (local.get $w) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $v)))
      (if (i32.lt_u (local.get $i) (local.get $bytes))
        (then (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $i))) (v128.load (i32.add (local.get $w) (local.get $i))))))))
      (local.set $a0 (f32x4.add (local.get $a0) (local.get $a1)))
      (local.set $s (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
        (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
      (if (local.get $b) (then (local.set $s (f32.add (local.get $s) (f32.load (local.get $b))))))
      (f32.store (local.get $y) (local.get $s))
      (local.set $w (i32.add (local.get $w) (local.get $bytes)))
      (if (local.get $b) (then (local.set $b (i32.add (local.get $b) (i32.const 4)))))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $out))))
)
