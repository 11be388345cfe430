;; The cpu kernel of the Concrete Monte Carlo estimate (src/kernels/concrete-monte-carlo.ts)
;; in WebAssembly, four rows of noise at a time, one in each SIMD lane: for each row the
;; relaxed sample, the logs of its coordinates, the Concrete log-density (minus the
;; prior's for a KL) and the running float64 sum of value / n per batch entry.
;;
;; Bit for bit the numbers of the JavaScript loop (totalsInJavaScript). Each float32 step
;; there, Math.fround(a ∘ b) of two float32 values for ∘ one of +, −, ×, ÷, is the float32
;; operation itself here (a double's 53 bits are more than 2 × 24 + 2, so rounding to
;; double and then to float32 never differs from rounding once); its float64 sums are
;; float64 sums here, in the same order. exp and log are float32Exp and float32Log of
;; test/float32-exp-log.ts, the same operations in the same order: a value in
;; double whose float32 rounding is kept where the bracket [v − 2^-40 |v|, v + 2^-40 |v|]
;; rounds to one float32, and otherwise (or out of the fast range) the imported Math.exp
;; or Math.log, the functions the cpu backend's Exp and Log kernels call.
;;
;; Memory (bytes): [0, 48) scratch for those recomputations and for the values added to
;; the totals, [48, 64) the four rows' total addresses; the caller's arrays from 64 on, at offsets it passes.
;; Assembled by scripts/assemble-wasm.mjs into src/kernels/concrete-monte-carlo-wasm-bytes.ts.
(module
  (import "math" "exp" (func $mathExp (param f64) (result f64)))
  (import "math" "log" (func $mathLog (param f64) (result f64)))
  (memory (export "memory") 8)

  ;; The lanes of $y where $ok is false, recomputed as Math.fround(f(x)) of the lanes of $x,
  ;; f being Math.exp ($useLog 0) or Math.log ($useLog 1).
  (func $recompute (param $x v128) (param $y v128) (param $ok v128) (param $useLog i32) (result v128)
    (local $at i32) (local $v f64)
    (v128.store (i32.const 0) (local.get $x))
    (v128.store (i32.const 16) (local.get $y))
    (v128.store (i32.const 32) (local.get $ok))
    (loop $lane
      (if (i32.eqz (i32.load offset=32 (local.get $at)))
        (then
          (local.set $v (f64.promote_f32 (f32.load (local.get $at))))
          (f32.store offset=16 (local.get $at) (f32.demote_f64
            (if (result f64) (local.get $useLog) (then (call $mathLog (local.get $v))) (else (call $mathExp (local.get $v))))))))
      (br_if $lane (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 4))) (i32.const 16))))
    (v128.load (i32.const 16)))

  ;; float32 of a pair of doubles $v in lanes 0 and 1, and of the bracket's ends in the same lanes of $ends.
  (func $bracket (param $v v128) (param $halfWidth v128) (result v128 v128)
    (f32x4.demote_f64x2_zero (local.get $v))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.sub (local.get $v) (local.get $halfWidth)))
      (f32x4.demote_f64x2_zero (f64x2.add (local.get $v) (local.get $halfWidth)))))

  ;; e^x for a pair of doubles x in [-103, 0]: float32Exp's value in double, its bracket's float32 ends.
  (func $exp2 (param $x v128) (result v128 v128)
    (local $t v128) (local $k v128) (local $r v128) (local $r2 v128) (local $r4 v128) (local $p v128) (local $e v128)
    (local.set $t (f64x2.add (f64x2.mul (local.get $x) (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0))
      (v128.const f64x2 0x1.8p52 0x1.8p52)))
    (local.set $k (f64x2.sub (local.get $t) (v128.const f64x2 0x1.8p52 0x1.8p52)))
    (local.set $r (f64x2.sub (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (v128.const f64x2 0x1.62e42ffp-1 0x1.62e42ffp-1)))
      (f64x2.mul (local.get $k) (v128.const f64x2 -0x1.71844p-35 -0x1.71844p-35))))
    ;; Σ r^n/n!, n = 0 … 11, by Estrin's scheme (pairs, then powers r², r⁴, r⁸): a quarter of Horner's chain of dependent steps
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
    (local.set $p (f64x2.add
      (f64x2.add
        (f64x2.add (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r) (v128.const f64x2 1 1))) (f64x2.mul (local.get $r2) (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)))))
        (f64x2.mul (local.get $r4) (f64x2.add (f64x2.add (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7))) (f64x2.mul (local.get $r2) (f64x2.add (v128.const f64x2 0x1.6c16c16c16c17p-10 0x1.6c16c16c16c17p-10) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.a01a01a01a01ap-13 0x1.a01a01a01a01ap-13)))))))
      (f64x2.mul (f64x2.mul (local.get $r4) (local.get $r4))
        (f64x2.add (f64x2.add (v128.const f64x2 0x1.a01a01a01a01ap-16 0x1.a01a01a01a01ap-16) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.71de3a556c734p-19 0x1.71de3a556c734p-19))) (f64x2.mul (local.get $r2) (f64x2.add (v128.const f64x2 0x1.27e4fb7789f5cp-22 0x1.27e4fb7789f5cp-22) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.ae64567f544e4p-26 0x1.ae64567f544e4p-26))))))))
    ;; times 2^k: k is in the low bits of t, the exponent field is k + 1023
    (local.set $e (f64x2.mul (local.get $p)
      (i64x2.shl (i64x2.add (i64x2.sub (local.get $t) (v128.const i64x2 0x4338000000000000 0x4338000000000000)) (v128.const i64x2 1023 1023))
        (i32.const 52))))
    (call $bracket (local.get $e) (f64x2.mul (local.get $e) (v128.const f64x2 0x1p-40 0x1p-40))))

  ;; float32Exp of four float32 lanes.
  (func $exp4 (export "exp4") (param $x v128) (result v128)
    (local $y v128) (local $ends v128) (local $y2 v128) (local $ends2 v128) (local $ok v128)
    (call $exp2 (f64x2.promote_low_f32x4 (local.get $x)))
    (local.set $ends) (local.set $y)
    (call $exp2 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))))
    (local.set $ends2) (local.set $y2)
    (local.set $y (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y) (local.get $y2)))
    ;; certain: in [-103, 0] and both ends equal
    (local.set $ok (v128.and
      (v128.and (f32x4.ge (local.get $x) (v128.const f32x4 -103 -103 -103 -103)) (f32x4.le (local.get $x) (v128.const f32x4 0 0 0 0)))
      (f32x4.eq
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ends) (local.get $ends2))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ends) (local.get $ends2)))))
    (if (result v128) (i32x4.all_true (local.get $ok))
      (then (local.get $y))
      (else (call $recompute (local.get $x) (local.get $y) (local.get $ok) (i32.const 0)))))

  ;; log z for a pair of doubles z in [√½, √2) and k: float32Log's value in double, its bracket's float32 ends.
  (func $log2 (param $z v128) (param $k v128) (result v128 v128)
    (local $s v128) (local $w v128) (local $w2 v128) (local $w4 v128) (local $p v128) (local $l v128)
    (local.set $s (f64x2.div (f64x2.sub (local.get $z) (v128.const f64x2 1 1)) (f64x2.add (local.get $z) (v128.const f64x2 1 1))))
    (local.set $w (f64x2.mul (local.get $s) (local.get $s)))
    ;; Σ w^m/(2m + 1), m = 0 … 8, by Estrin's scheme (pairs, then w², w⁴, w⁸)
    (local.set $w2 (f64x2.mul (local.get $w) (local.get $w)))
    (local.set $w4 (f64x2.mul (local.get $w2) (local.get $w2)))
    (local.set $p (f64x2.add
      (f64x2.add
        (f64x2.add (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $w) (v128.const f64x2 0x1.5555555555555p-2 0x1.5555555555555p-2))) (f64x2.mul (local.get $w2) (f64x2.add (v128.const f64x2 0x1.999999999999ap-3 0x1.999999999999ap-3) (f64x2.mul (local.get $w) (v128.const f64x2 0x1.2492492492492p-3 0x1.2492492492492p-3)))))
        (f64x2.mul (local.get $w4) (f64x2.add (f64x2.add (v128.const f64x2 0x1.c71c71c71c71cp-4 0x1.c71c71c71c71cp-4) (f64x2.mul (local.get $w) (v128.const f64x2 0x1.745d1745d1746p-4 0x1.745d1745d1746p-4))) (f64x2.mul (local.get $w2) (f64x2.add (v128.const f64x2 0x1.3b13b13b13b14p-4 0x1.3b13b13b13b14p-4) (f64x2.mul (local.get $w) (v128.const f64x2 0x1.1111111111111p-4 0x1.1111111111111p-4)))))))
      (f64x2.mul (f64x2.mul (local.get $w4) (local.get $w4)) (v128.const f64x2 0x1.e1e1e1e1e1e1ep-5 0x1.e1e1e1e1e1e1ep-5))))
    (local.set $l (f64x2.add (f64x2.mul (local.get $k) (v128.const f64x2 0x1.62e42fefa39efp-1 0x1.62e42fefa39efp-1))
      (f64x2.mul (f64x2.add (local.get $s) (local.get $s)) (local.get $p))))
    (call $bracket (local.get $l) (f64x2.mul (f64x2.abs (local.get $l)) (v128.const f64x2 0x1p-40 0x1p-40))))

  ;; float32Log of four float32 lanes.
  (func $log4 (export "log4") (param $x v128) (result v128)
    (local $k v128) (local $z v128) (local $y v128) (local $ends v128) (local $y2 v128) (local $ends2 v128) (local $ok v128)
    ;; x = 2^k z with z in [√½, √2): k from the bits, z by taking k from the exponent field (exact)
    (local.set $k (i32x4.shr_s (i32x4.sub (local.get $x) (v128.const i32x4 0x3f3504f3 0x3f3504f3 0x3f3504f3 0x3f3504f3)) (i32.const 23)))
    (local.set $z (i32x4.sub (local.get $x) (i32x4.shl (local.get $k) (i32.const 23))))
    (call $log2 (f64x2.promote_low_f32x4 (local.get $z)) (f64x2.convert_low_i32x4_s (local.get $k)))
    (local.set $ends) (local.set $y)
    (call $log2 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $z) (local.get $z)))
      (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $k) (local.get $k))))
    (local.set $ends2) (local.set $y2)
    (local.set $y (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y) (local.get $y2)))
    ;; certain: a positive normal float32 (bits in [0x00800000, 0x7f800000)) and both ends equal
    (local.set $ok (v128.and
      (v128.and (i32x4.ge_s (local.get $x) (v128.const i32x4 0x00800000 0x00800000 0x00800000 0x00800000))
        (i32x4.lt_s (local.get $x) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)))
      (f32x4.eq
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ends) (local.get $ends2))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ends) (local.get $ends2)))))
    (if (result v128) (i32x4.all_true (local.get $ok))
      (then (local.get $y))
      (else (call $recompute (local.get $x) (local.get $y) (local.get $ok) (i32.const 1)))))

  ;; float32Exp ($useLog 0) or float32Log ($useLog 1) in place over $n float32 at $at, $n a multiple of 4 (for the tests).
  (func (export "map") (param $at i32) (param $n i32) (param $useLog i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (v128.store (local.get $at) (if (result v128) (local.get $useLog)
        (then (call $log4 (v128.load (local.get $at)))) (else (call $exp4 (v128.load (local.get $at))))))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $next))))

  ;; Four lanes of one coordinate: the float32 at $at + $stride · j in lane j.
  (func $gather (param $at i32) (param $stride i32) (result v128)
    (v128.load32_lane 3 (i32.add (local.get $at) (i32.mul (local.get $stride) (i32.const 3)))
      (v128.load32_lane 2 (i32.add (local.get $at) (i32.shl (local.get $stride) (i32.const 1)))
        (v128.load32_lane 1 (i32.add (local.get $at) (local.get $stride))
          (v128.load32_zero (local.get $at))))))

  ;; Four lanes of one coordinate from four rows that start at the addresses in $rows
  ;; (all one address when $same: a load and a splat).
  (func $rowsAt (param $rows v128) (param $offset i32) (param $same i32) (result v128)
    (if (result v128) (local.get $same)
      (then (v128.load32_splat (i32.add (i32x4.extract_lane 0 (local.get $rows)) (local.get $offset))))
      (else
        (v128.load32_lane 3 (i32.add (i32x4.extract_lane 3 (local.get $rows)) (local.get $offset))
          (v128.load32_lane 2 (i32.add (i32x4.extract_lane 2 (local.get $rows)) (local.get $offset))
            (v128.load32_lane 1 (i32.add (i32x4.extract_lane 1 (local.get $rows)) (local.get $offset))
              (v128.load32_zero (i32.add (i32x4.extract_lane 0 (local.get $rows)) (local.get $offset)))))))))

  ;; The four rows' Concrete log-densities, cpuRowLogDensity lane by lane: α at the row
  ;; addresses $alpha (all one when $same), the coordinates' logs at $logX (K vectors), scores to $scaled, and
  ;; the constants τ + 1, τ and log Γ(K) + (K − 1) log τ.
  (func $density (param $alpha v128) (param $same i32) (param $logX i32) (param $scaled i32) (param $K i32)
    (param $tauPlusOne f32) (param $tau f32) (param $constant f32) (result v128)
    (local $k i32) (local $a v128) (local $lx v128) (local $s v128) (local $max v128) (local $e v128)
    (local $low v128) (local $high v128) (local $sumLow v128) (local $sumHigh v128)
    (loop $scores
      (local.set $a (call $rowsAt (local.get $alpha) (i32.shl (local.get $k) (i32.const 2)) (local.get $same)))
      (local.set $lx (v128.load (i32.add (local.get $logX) (i32.shl (local.get $k) (i32.const 4)))))
      (local.set $e (f32x4.sub (local.get $a) (f32x4.mul (f32x4.splat (local.get $tauPlusOne)) (local.get $lx))))
      (local.set $low (f64x2.add (local.get $low) (f64x2.promote_low_f32x4 (local.get $e))))
      (local.set $high (f64x2.add (local.get $high) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e)))))
      (local.set $s (f32x4.sub (local.get $a) (f32x4.mul (f32x4.splat (local.get $tau)) (local.get $lx))))
      (v128.store (i32.add (local.get $scaled) (i32.shl (local.get $k) (i32.const 4))) (local.get $s))
      (local.set $max (if (result v128) (local.get $k)
        (then (v128.bitselect (local.get $s) (local.get $max) (f32x4.gt (local.get $s) (local.get $max))))
        (else (local.get $s))))
      (br_if $scores (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $K))))
    (local.set $k (i32.const 0))
    (loop $exps
      (local.set $e (call $exp4 (f32x4.sub (v128.load (i32.add (local.get $scaled) (i32.shl (local.get $k) (i32.const 4)))) (local.get $max))))
      (local.set $sumLow (f64x2.add (local.get $sumLow) (f64x2.promote_low_f32x4 (local.get $e))))
      (local.set $sumHigh (f64x2.add (local.get $sumHigh) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e)))))
      (br_if $exps (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $K))))
    ;; numerator − K (max + log Σ exp) + constant, in float32
    (f32x4.add
      (f32x4.sub (call $narrow (local.get $low) (local.get $high))
        (f32x4.mul (f32x4.splat (f32.convert_i32_u (local.get $K)))
          (f32x4.add (local.get $max) (call $log4 (call $narrow (local.get $sumLow) (local.get $sumHigh))))))
      (f32x4.splat (local.get $constant))))

  ;; Two pairs of doubles as four float32.
  (func $narrow (param $low v128) (param $high v128) (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $low)) (f32x4.demote_f64x2_zero (local.get $high))))

  ;; $count rows of noise at $noise (K float32 each; memory must hold whole groups of four
  ;; rows), the first being row $b of the logits' B rows (logits and log π at $logits and
  ;; $logPi, B · K float32 each); the prior at $prior has P float32: none (P = 0), one row
  ;; (P = K) or one per batch entry (P = B · K). Adds value / n to the float64 total of each
  ;; row's batch entry at $totals, row after row. $scratch holds 3 K vectors.
  (func (export "rows") (param $noise i32) (param $count i32) (param $b i32)
    (param $logits i32) (param $logPi i32) (param $prior i32) (param $totals i32) (param $scratch i32)
    (param $K i32) (param $B i32) (param $P i32) (param $n f32)
    (param $tau f32) (param $tauPlusOne f32) (param $constant f32)
    (param $priorTau f32) (param $priorTauPlusOne f32) (param $priorConstant f32)
    (local $k i32) (local $j i32) (local $at i32) (local $row i32) (local $rowBytes i32) (local $logX i32) (local $scaled i32)
    (local $one i32) (local $oneRow i32)
    (local $lanes v128) (local $entries v128) (local $priors v128) (local $s v128) (local $max v128) (local $sum32 v128) (local $value v128)
    (local $sumLow v128) (local $sumHigh v128)
    (local.set $rowBytes (i32.shl (local.get $K) (i32.const 2)))
    (local.set $logX (i32.add (local.get $scratch) (i32.shl (local.get $K) (i32.const 4))))
    (local.set $scaled (i32.add (local.get $logX) (i32.shl (local.get $K) (i32.const 4))))
    ;; every lane reads the same logits when there is one batch entry, the same prior when it is one row
    (local.set $one (i32.eq (local.get $B) (i32.const 1)))
    (local.set $oneRow (i32.or (local.get $one) (i32.eq (local.get $P) (local.get $K))))
    (block $done (loop $group
      (br_if $done (i32.ge_s (local.get $row) (local.get $count)))
      ;; the four rows' batch entries b, b + 1, … mod B (three wraps suffice, as b < B), as byte offsets of their logits
      (local.set $lanes (i32x4.add (i32x4.splat (local.get $b)) (v128.const i32x4 0 1 2 3)))
      (local.set $j (i32.const 0))
      (loop $wrap
        (local.set $lanes (i32x4.sub (local.get $lanes)
          (v128.and (i32x4.ge_u (local.get $lanes) (i32x4.splat (local.get $B))) (i32x4.splat (local.get $B)))))
        (br_if $wrap (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 3))))
      (local.set $entries (i32x4.mul (local.get $lanes) (i32x4.splat (local.get $rowBytes))))
      (local.set $priors (i32x4.add (i32x4.splat (local.get $prior))
        (if (result v128) (i32.eq (local.get $P) (local.get $K)) (then (v128.const i32x4 0 0 0 0)) (else (local.get $entries)))))
      (v128.store offset=48 (i32.const 0) (i32x4.add (i32x4.splat (local.get $totals)) (i32x4.shl (local.get $lanes) (i32.const 3))))
      (local.set $b (i32.rem_u (i32.add (local.get $b) (i32.const 4)) (local.get $B)))
      ;; the relaxed sample: scores (l + g) / τ and their maximum
      (local.set $k (i32.const 0))
      (loop $scores
        (local.set $at (i32.shl (local.get $k) (i32.const 2)))
        (local.set $s (f32x4.div
          (f32x4.add (call $rowsAt (i32x4.add (local.get $entries) (i32x4.splat (local.get $logits))) (local.get $at) (local.get $one))
            (call $gather (i32.add (local.get $noise) (local.get $at)) (local.get $rowBytes)))
          (f32x4.splat (local.get $tau))))
        (v128.store (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 4))) (local.get $s))
        (local.set $max (if (result v128) (local.get $k)
          (then (v128.bitselect (local.get $s) (local.get $max) (f32x4.gt (local.get $s) (local.get $max))))
          (else (local.get $s))))
        (br_if $scores (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $K))))
      ;; exp(score − max) and their float64 sums
      (local.set $k (i32.const 0))
      (local.set $sumLow (v128.const i64x2 0 0))
      (local.set $sumHigh (v128.const i64x2 0 0))
      (loop $exps
        (local.set $at (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 4))))
        (local.set $s (call $exp4 (f32x4.sub (v128.load (local.get $at)) (local.get $max))))
        (v128.store (local.get $at) (local.get $s))
        (local.set $sumLow (f64x2.add (local.get $sumLow) (f64x2.promote_low_f32x4 (local.get $s))))
        (local.set $sumHigh (f64x2.add (local.get $sumHigh) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s) (local.get $s)))))
        (br_if $exps (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $K))))
      (local.set $sum32 (call $narrow (local.get $sumLow) (local.get $sumHigh)))
      ;; divided by the sum, kept in [2^-126, 1] (NaN stays NaN), and their logs
      (local.set $k (i32.const 0))
      (loop $logs
        (local.set $s (f32x4.div (v128.load (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 4)))) (local.get $sum32)))
        (local.set $s (v128.bitselect (v128.const f32x4 1 1 1 1) (local.get $s) (f32x4.gt (local.get $s) (v128.const f32x4 1 1 1 1))))
        (local.set $s (v128.bitselect (v128.const f32x4 0x1p-126 0x1p-126 0x1p-126 0x1p-126) (local.get $s)
          (f32x4.lt (local.get $s) (v128.const f32x4 0x1p-126 0x1p-126 0x1p-126 0x1p-126))))
        (v128.store (i32.add (local.get $logX) (i32.shl (local.get $k) (i32.const 4))) (call $log4 (local.get $s)))
        (br_if $logs (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $K))))
      (local.set $value (call $density (i32x4.add (local.get $entries) (i32x4.splat (local.get $logPi))) (local.get $one) (local.get $logX) (local.get $scaled)
        (local.get $K) (local.get $tauPlusOne) (local.get $tau) (local.get $constant)))
      (if (local.get $P) (then
        (local.set $value (f32x4.sub (local.get $value)
          (call $density (local.get $priors) (local.get $oneRow) (local.get $logX) (local.get $scaled)
            (local.get $K) (local.get $priorTauPlusOne) (local.get $priorTau) (local.get $priorConstant))))))
      ;; value / n added to each row's total, in row order
      (v128.store (i32.const 0) (f32x4.div (local.get $value) (f32x4.splat (local.get $n))))
      (local.set $j (i32.const 0))
      (loop $add
        (if (i32.lt_s (i32.add (local.get $row) (local.get $j)) (local.get $count)) (then
          (local.set $at (i32.load offset=48 (i32.shl (local.get $j) (i32.const 2))))
          (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.promote_f32 (f32.load (i32.shl (local.get $j) (i32.const 2))))))))
        (br_if $add (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 4))))
      (local.set $noise (i32.add (local.get $noise) (i32.shl (local.get $rowBytes) (i32.const 2))))
      (local.set $row (i32.add (local.get $row) (i32.const 4)))
      (br $group))))
)
