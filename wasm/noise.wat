;; The host noise generator of src/random.ts, in WebAssembly: xoshiro128** and the
;; uniform, Gumbel, logistic and normal transforms over a buffer in this module's own memory.
;;
;; Every draw is bit-identical to the JavaScript reference (Random's loops, with V8's
;; Math.log and Math.log1p, and Math.cos and Math.sin for the normal draws). The integer
;; steps and the uniforms are exact. The transforms take a fast log in double and keep
;; its float32 rounding only where it is certain (see "The transforms" below); elsewhere
;; the normal draws go back to JavaScript (see toNormal), and the Gumbel and logistic
;; draws, about one pair in 10 000, recompute with a
;; port of the log and log1p that V8 itself runs (FreeBSD's msun version of fdlibm,
;; e_log.c and s_log1p.c, plain double arithmetic): wasm's f64 arithmetic is IEEE 754
;; with round-to-nearest, so the same operations in the same order give the same bits.
;; Where fdlibm branches, both sides are computed in both SIMD lanes and a mask picks
;; one per lane. test/random-wasm.test.ts checks all 2^23 possible uniforms through
;; every transform against Math.log (and, for the normal draws, the bound their guard
;; assumes on each factor).
;;
;; Assembled by scripts/assemble-wasm.mjs into src/noise-wasm-bytes.ts. It must stay
;; under 4 KiB: browsers refuse to compile larger modules synchronously on the main thread.
;;
;; Memory: bytes [0, 16) hold the generator's state s0..s3; the draws live at `buffer`,
;; at most `capacity` 4-byte values a call. The caller writes the state before a call
;; and reads it back after.
(module
  (memory (export "memory") 2)
  (global (export "buffer") i32 (i32.const 16))
  (global (export "capacity") i32 (i32.const 4096))
  ;; The transforms' doubles: log u (or log(−log u)), and log(1 − u) at scratch + 8 capacity
  (global (export "scratch") i32 (i32.const 24592))
  ;; How many pairs took the exact path since instantiation (test/random-wasm.test.ts
  ;; checks that the fast path decides nearly all).
  (global $exactPairs (export "exactPairs") (mut i32) (i32.const 0))

  ;; n successive 32-bit outputs of xoshiro128** (Blackman & Vigna, 2018), as
  ;; Random.nextUint32 makes them, stored at `buffer`; the state advances n steps.
  (func $bits (export "bits") (param $n i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $t i32) (local $at i32) (local $end i32)
    (local.set $s0 (i32.load offset=0 (i32.const 0)))
    (local.set $s1 (i32.load offset=4 (i32.const 0)))
    (local.set $s2 (i32.load offset=8 (i32.const 0)))
    (local.set $s3 (i32.load offset=12 (i32.const 0)))
    (local.set $at (i32.const 16))
    (local.set $end (i32.add (i32.const 16) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        ;; output: rotl(s1 * 5, 7) * 9
        (i32.store (local.get $at)
          (i32.mul (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7)) (i32.const 9)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $next)))
    (i32.store offset=0 (i32.const 0) (local.get $s0))
    (i32.store offset=4 (i32.const 0) (local.get $s1))
    (i32.store offset=8 (i32.const 0) (local.get $s2))
    (i32.store offset=12 (i32.const 0) (local.get $s3)))

  ;; n uniforms: bits as `bits` makes them, each turned into the float32
  ;; (k + 1/2) / 2^23 for k its top 23 bits. Every step is exact in float32 (k + 1/2
  ;; has 24 significant bits, and 2^-23 is a power of two), so this is the double of
  ;; the JavaScript toUniform, stored without rounding.
  (func $uniforms (export "uniforms") (param $n i32)
    (local $at i32) (local $end i32)
    (call $bits (local.get $n))
    (local.set $at (i32.const 16))
    (local.set $end (i32.add (i32.const 16) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (v128.store (local.get $at)
          (f32x4.mul
            (f32x4.add
              (f32x4.convert_i32x4_u (i32x4.shr_u (v128.load (local.get $at)) (i32.const 9)))
              (v128.const f32x4 0.5 0.5 0.5 0.5))
            (v128.const f32x4 0x1p-23 0x1p-23 0x1p-23 0x1p-23)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next))))

  ;; n Gumbel draws: uniforms, then −log(−log u) in place.
  (func (export "gumbel") (param $n i32)
    (call $uniforms (local.get $n))
    (call $toGumbel (local.get $n)))

  ;; ---- The transforms: fast logs, then a rounding guard ----------------------------
  ;;
  ;; fdlibm's log costs about as much in two SIMD lanes as V8's scalar call does, so the
  ;; bulk of the work uses a cheaper log in double ($logInPlace: relative error below
  ;; 2^-46.9 on the inputs here, u, 1 − u and −log u) and keeps its float32 rounding only
  ;; where that cannot differ from the rounding of fdlibm's double. If both ends of
  ;; [v − δ, v + δ], δ = 2^-42 (1 + |v|), round to the same float32, so does every value
  ;; in between (rounding is monotone), fdlibm's included: δ is 16 times the fast path's
  ;; error bound or more (2^-46.9 for each log, worst near x = 1.0013, and the error of the
  ;; inner log carries into the outer one at most one for one). Otherwise the pair is
  ;; recomputed by the fdlibm port below ($gumbelOf, $logisticOf), which about one pair
  ;; in 10 000 needs. Every lane thus stores the float32 rounding of fdlibm's double.
  ;;
  ;; Memory past `buffer`: the fast log's table at 16400, scratch doubles at 24592 and
  ;; 57360 (two regions of `capacity`), the loops' constants at 90128.

  ;; The float32 uniforms u at `buffer` become −log(−log u) in float32.
  (func $toGumbel (export "toGumbel") (param $n i32)
    (local $end i32)
    (local.set $end (call $widen (local.get $n) (i32.const 24592) (i32.const 0)))
    (call $logInPlace (i32.const 24592) (local.get $end))
    (call $logInPlace (i32.const 24592) (local.get $end)) ;; log |log u| = log(−log u)
    (call $settleGumbel (local.get $n)))

  ;; The float32 uniforms at `buffer`, n of them (n even), become n standard normals in
  ;; float32, pair by pair as Random.normalArray makes them (Box–Muller):
  ;; √(−2 log u1) · (cos 2πu2, sin 2πu2), two pairs at a time. The log is the fast one
  ;; ($logInPlace); the angle is split exactly as 4 u2 = q + t (q the nearest whole
  ;; number, never a tie on the grid, |t| ≤ 1/2), and cos and sin of φ = t π/2 come from
  ;; two short polynomials in φ² (least-squares fits on |φ| ≤ π/4, errors below 2.5e-12
  ;; and 6.5e-14), turned to the quadrant q: (c, s), (−s, c), (−c, −s), (s, −c). Each
  ;; factor then lies within a bound of V8's double (measured over all 2^23 uniforms by
  ;; test/random-wasm.test.ts: the radius relatively, the angle's factors absolutely), so
  ;; the product lies within r · 2^-37 of V8's; where that interval holds a float32
  ;; rounding boundary, the pair's first draw is written as NaN for the caller to
  ;; recompute the pair in JavaScript (about one pair in 400). For the test, the angle's
  ;; factors before their signs are kept, pair by pair: cos at scratch + 8 capacity, sin
  ;; at scratch + 12 capacity.
  (func (export "toNormal") (param $n i32)
    (local $at i32) (local $from i32) (local $end i32)
    (local $r v128) (local $t v128) (local $q v128) (local $z v128) (local $s v128) (local $c v128)
    (local $x v128) (local $y v128) (local $d v128) (local $odd v128) (local $open v128)
    (local.set $end (i32.add (i32.const 16) (i32.shl (local.get $n) (i32.const 2))))
    ;; the pairs' first uniforms as doubles at scratch, then their logs
    (local.set $at (i32.const 16))
    (local.set $from (i32.const 24592))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (v128.store (local.get $from) (f64x2.promote_low_f32x4
          (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (v128.load (local.get $at)) (v128.load (local.get $at)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $next)))
    (call $logInPlace (i32.const 24592) (local.get $from))
    (local.set $at (i32.const 16))
    (local.set $from (i32.const 24592))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        ;; r = √(−2 log u1) of the two pairs
        (local.set $r (f64x2.sqrt (f64x2.mul (f64x2.splat (f64.const -2)) (v128.load (local.get $from)))))
        ;; 4 u2 = q + t, exactly, and φ = t π/2
        (local.set $t (f64x2.mul (f64x2.splat (f64.const 4)) (f64x2.promote_low_f32x4
          (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (v128.load (local.get $at)) (v128.load (local.get $at))))))
        (local.set $q (f64x2.nearest (local.get $t)))
        (local.set $t (f64x2.mul (f64x2.sub (local.get $t) (local.get $q)) (f64x2.splat (f64.const 1.5707963267948966))))
        (local.set $z (f64x2.mul (local.get $t) (local.get $t)))
        (local.set $s (f64x2.add (local.get $t) (f64x2.mul (f64x2.mul (local.get $t) (local.get $z))
          (f64x2.add (f64x2.splat (f64.const -0.1666666662657953)) (f64x2.mul (local.get $z)
          (f64x2.add (f64x2.splat (f64.const 0.008333328130875124)) (f64x2.mul (local.get $z)
          (f64x2.add (f64x2.splat (f64.const -0.00019839018266171882)) (f64x2.mul (local.get $z)
            (f64x2.splat (f64.const 2.7158227666676594e-06)))))))))))
        (local.set $c (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $z)
          (f64x2.add (f64x2.splat (f64.const -0.4999999999953158)) (f64x2.mul (local.get $z)
          (f64x2.add (f64x2.splat (f64.const 0.04166666656030948)) (f64x2.mul (local.get $z)
          (f64x2.add (f64x2.splat (f64.const -0.0013888881001820925)) (f64x2.mul (local.get $z)
          (f64x2.add (f64x2.splat (f64.const 2.4799027379805286e-05)) (f64x2.mul (local.get $z)
            (f64x2.splat (f64.const -2.717924625717414e-07)))))))))))))
        ;; q odd (1 or 3) swaps cos and sin; cos is negated for q = 1, 2 and sin for q = 2, 3
        (local.set $odd (f64x2.eq (f64x2.abs (f64x2.sub (local.get $q) (f64x2.splat (f64.const 2)))) (f64x2.splat (f64.const 1))))
        (local.set $x (v128.bitselect (local.get $s) (local.get $c) (local.get $odd)))
        (local.set $y (v128.bitselect (local.get $c) (local.get $s) (local.get $odd)))
        (v128.store offset=32768 (local.get $from) (local.get $x))
        (v128.store offset=49152 (local.get $from) (local.get $y))
        (local.set $x (f64x2.mul (local.get $x) (v128.bitselect (f64x2.neg (local.get $r)) (local.get $r)
          (f64x2.eq (f64x2.abs (f64x2.sub (local.get $q) (f64x2.splat (f64.const 1.5)))) (f64x2.splat (f64.const 0.5))))))
        (local.set $y (f64x2.mul (local.get $y) (v128.bitselect (f64x2.neg (local.get $r)) (local.get $r)
          (f64x2.eq (f64x2.abs (f64x2.sub (local.get $q) (f64x2.splat (f64.const 2.5)))) (f64x2.splat (f64.const 0.5))))))
        (local.set $d (f64x2.mul (local.get $r) (f64x2.splat (f64.const 0x1p-37))))
        ;; per pair, all ones where either draw's interval [p − d, p + d] straddles a float32 rounding boundary
        (local.set $open (v128.or
          (f32x4.ne (f32x4.demote_f64x2_zero (f64x2.sub (local.get $x) (local.get $d))) (f32x4.demote_f64x2_zero (f64x2.add (local.get $x) (local.get $d))))
          (f32x4.ne (f32x4.demote_f64x2_zero (f64x2.sub (local.get $y) (local.get $d))) (f32x4.demote_f64x2_zero (f64x2.add (local.get $y) (local.get $d))))))
        ;; (cos a, sin a, cos b, sin b) in float32, NaN first where the pair is left open
        (v128.store (local.get $at) (v128.bitselect (f32x4.splat (f32.const nan))
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $x)) (f32x4.demote_f64x2_zero (local.get $y)))
          (i8x16.shuffle 0 1 2 3 8 9 10 11 4 5 6 7 8 9 10 11 (local.get $open) (local.get $open))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $next))))

  ;; The float32 uniforms u at `buffer` become log u − log1p(−u) in float32, computed as
  ;; log u − log(1 − u): 1 − u is exact for every u on the grid, so the two are one number.
  (func $toLogistic (export "toLogistic") (param $n i32)
    (call $logInPlace (i32.const 24592) (call $widen (local.get $n) (i32.const 24592) (i32.const 0)))
    (call $logInPlace (i32.const 57360) (call $widen (local.get $n) (i32.const 57360) (i32.const 1)))
    (call $settleLogistic (local.get $n)))

  ;; The n float32s at `buffer` as doubles at `to` (or 1 minus them, if `complement`),
  ;; four at a time; returns the end of what was written.
  (func $widen (param $n i32) (param $to i32) (param $complement i32) (result i32)
    (local $at i32) (local $end i32) (local $u v128) (local $x v128) (local $ones v128)
    (local.set $end (i32.add (i32.const 16) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $ones (i64x2.splat (i64.extend_i32_s (i32.sub (i32.const 0) (local.get $complement)))))
    (local.set $at (i32.const 16))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $u (v128.load (local.get $at)))
        (local.set $x (f64x2.promote_low_f32x4 (local.get $u)))
        (v128.store offset=0 (local.get $to)
          (v128.bitselect (f64x2.sub (v128.const f64x2 1 1) (local.get $x)) (local.get $x) (local.get $ones)))
        ;; lanes 2 and 3 moved down, to widen them too
        (local.set $x (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $u) (local.get $u))))
        (v128.store offset=16 (local.get $to)
          (v128.bitselect (f64x2.sub (v128.const f64x2 1 1) (local.get $x)) (local.get $x) (local.get $ones)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (local.set $to (i32.add (local.get $to) (i32.const 32)))
        (br $next)))
    (local.get $to))

  ;; At instantiation: the loops' constants, and the fast log's table.
  (start $setUp)
  (func $setUp
    (call $storeConstants)
    (call $fillTable))

  ;; The fast log table, 256 entries of 32 bytes at 16400: [c, 1/c, log c, unused], c the
  ;; middle of its interval of mantissas (see $logInPlace) and log c from fdlibm.
  (func $fillTable
    (local $i i32) (local $at i32) (local $c v128) (local $logs v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 256)))
        ;; the middles of intervals i and i + 1, as bits: OFFSET + (i + 1/2) 2^44, and
        ;; OFFSET + 2^43 = 0x3fe69d5500000000
        (local.set $c (i64x2.add
          (i64x2.shl (i64x2.replace_lane 1 (i64x2.splat (i64.extend_i32_u (local.get $i)))
                                           (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1))))
                     (i32.const 44))
          (v128.const i64x2 0x3fe69d5500000000 0x3fe69d5500000000)))
        ;; the interval that holds 1 takes c = 1 exactly, so that log x near x = 1 keeps
        ;; its relative accuracy (no log c to cancel against): (0x3ff… − OFFSET) >> 44 = 150
        (if (i32.eq (local.get $i) (i32.const 150))
          (then (local.set $c (f64x2.replace_lane 0 (local.get $c) (f64.const 1)))))
        (local.set $logs (call $log (local.get $c)))
        (local.set $at (i32.add (i32.const 16400) (i32.shl (local.get $i) (i32.const 5))))
        (v128.store offset=0 (local.get $at)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (local.get $c) (f64x2.div (v128.const f64x2 1 1) (local.get $c))))
        (f64.store offset=16 (local.get $at) (f64x2.extract_lane 0 (local.get $logs)))
        (v128.store offset=32 (local.get $at)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
            (local.get $c) (f64x2.div (v128.const f64x2 1 1) (local.get $c))))
        (f64.store offset=48 (local.get $at) (f64x2.extract_lane 1 (local.get $logs)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $next))))

  ;; x ← log |x| for the doubles in [at, end), two at a time, |x| positive, normal and
  ;; finite. x = 2^k z with z in [OFFSET, 2 OFFSET), OFFSET = 0x3fe6955500000000 ≈ 0.705;
  ;; the top 8 bits of z's mantissa field pick an interval and its entry [c, 1/c, log c];
  ;; then log x = k log 2 + log c + log1p(r), r = (z − c)/c with |r| < 2^-9 (z − c is
  ;; exact), and log1p(r) ≈ r − r²/2 + r³/3 − r⁴/4 + r⁵/5 leaves out less than r⁶/6.
  ;; Everything is written out in the loop, because a call spills every vector register,
  ;; and the constants are loaded once before it (see $storeConstants).
  (func $logInPlace (param $at i32) (param $end i32)
    (local $x v128) (local $bits v128) (local $entries v128) (local $e0 i32) (local $e1 i32)
    (local $first v128) (local $second v128) (local $r v128) (local $k v128)
    (local $absolute v128) (local $offset v128) (local $entryBits v128) (local $exponent v128)
    (local $ln2High v128) (local $ln2Low v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128)
    (local.set $absolute (v128.load offset=90128 (i32.const 0)))
    (local.set $offset (v128.load offset=90144 (i32.const 0)))
    (local.set $entryBits (v128.load offset=90160 (i32.const 0)))
    (local.set $exponent (v128.load offset=90176 (i32.const 0)))
    (local.set $ln2High (v128.load offset=90192 (i32.const 0)))
    (local.set $ln2Low (v128.load offset=90208 (i32.const 0)))
    (local.set $c2 (v128.load offset=90224 (i32.const 0)))
    (local.set $c3 (v128.load offset=90240 (i32.const 0)))
    (local.set $c4 (v128.load offset=90256 (i32.const 0)))
    (local.set $c5 (v128.load offset=90272 (i32.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $x (v128.and (v128.load (local.get $at)) (local.get $absolute)))
        (local.set $bits (i64x2.sub (local.get $x) (local.get $offset)))
        ;; 32 × the top 8 bits of the mantissa field, the entry's offset in the table
        (local.set $entries (v128.and (i64x2.shr_u (local.get $bits) (i32.const 39)) (local.get $entryBits)))
        (local.set $e0 (i32x4.extract_lane 0 (local.get $entries)))
        (local.set $e1 (i32x4.extract_lane 2 (local.get $entries)))
        (local.set $first (v128.load offset=16400 (local.get $e0)))
        (local.set $second (v128.load offset=16400 (local.get $e1)))
        ;; r = (z − c) · (1/c), z = x with the exponent of k taken out
        (local.set $r (f64x2.mul
          (f64x2.sub
            (i64x2.sub (local.get $x) (v128.and (local.get $bits) (local.get $exponent)))
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $first) (local.get $second)))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $first) (local.get $second))))
        ;; k, the arithmetic top 12 bits of `bits`, from the high words as doubles
        (local.set $k (f64x2.convert_low_i32x4_s
          (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15
            (i32x4.shr_s (local.get $bits) (i32.const 20)) (local.get $bits))))
        ;; (k ln2_hi + log c) + (log1p(r) + k ln2_lo); k · ln2_hi is exact
        (v128.store (local.get $at)
          (f64x2.add
            (f64x2.add (f64x2.mul (local.get $k) (local.get $ln2High))
                       (v128.load64_lane offset=16416 1 (local.get $e1) (v128.load64_zero offset=16416 (local.get $e0))))
            (f64x2.add
              (f64x2.add (local.get $r)
                (f64x2.mul (f64x2.mul (local.get $r) (local.get $r))
                  (f64x2.add (local.get $c2) (f64x2.mul (local.get $r)
                  (f64x2.add (local.get $c3) (f64x2.mul (local.get $r)
                  (f64x2.add (local.get $c4) (f64x2.mul (local.get $r) (local.get $c5)))))))))
              (f64x2.mul (local.get $k) (local.get $ln2Low)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next))))

  ;; The constants of the loops above and below, stored once at 90128: V8 builds a
  ;; v128.const afresh from two general registers at each use inside a loop (three
  ;; instructions), while a vector loaded before the loop stays in a register.
  (func $storeConstants
    (v128.store offset=90128 (i32.const 0) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)) ;; |x|
    (v128.store offset=90144 (i32.const 0) (v128.const i64x2 0x3fe6955500000000 0x3fe6955500000000)) ;; OFFSET
    (v128.store offset=90160 (i32.const 0) (v128.const i64x2 0x1fe0 0x1fe0))                         ;; entry bits
    (v128.store offset=90176 (i32.const 0) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000)) ;; k's bits
    (v128.store offset=90192 (i32.const 0) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01)) ;; ln2_hi
    (v128.store offset=90208 (i32.const 0) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)) ;; ln2_lo
    (v128.store offset=90224 (i32.const 0) (v128.const f64x2 -0.5 -0.5))
    (v128.store offset=90240 (i32.const 0) (v128.const f64x2 0x1.5555555555555p-2 0x1.5555555555555p-2)) ;; 1/3
    (v128.store offset=90256 (i32.const 0) (v128.const f64x2 -0.25 -0.25))
    (v128.store offset=90272 (i32.const 0) (v128.const f64x2 0.2 0.2))
    (v128.store offset=90288 (i32.const 0) (v128.const f64x2 1 1))
    (v128.store offset=90304 (i32.const 0) (v128.const f64x2 0x1p-42 0x1p-42)))                     ;; the guard's δ

  ;; The n Gumbel draws −(log(−log u)) from the scratch doubles into `buffer` as float32,
  ;; two at a time; where the guard cannot tell the rounding, from u (still in `buffer`)
  ;; by the exact path.
  (func $settleGumbel (param $n i32)
    (local $at i32) (local $end i32) (local $from i32) (local $g v128) (local $d v128) (local $low v128)
    (local $one v128) (local $guard v128)
    (local.set $at (i32.const 16))
    (local.set $from (i32.const 24592))
    (local.set $end (i32.add (i32.const 16) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $one (v128.load offset=90288 (i32.const 0)))
    (local.set $guard (v128.load offset=90304 (i32.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $g (f64x2.neg (v128.load (local.get $from))))
        (local.set $d (f64x2.mul (f64x2.add (local.get $one) (f64x2.abs (local.get $g))) (local.get $guard)))
        (local.set $low (f32x4.demote_f64x2_zero (f64x2.sub (local.get $g) (local.get $d))))
        (if (v128.any_true (f32x4.ne (local.get $low) (f32x4.demote_f64x2_zero (f64x2.add (local.get $g) (local.get $d)))))
          (then
            (global.set $exactPairs (i32.add (global.get $exactPairs) (i32.const 1)))
            (local.set $low (f32x4.demote_f64x2_zero
              (call $gumbelOf (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $at))))))))
        (v128.store64_lane 0 (local.get $at) (local.get $low))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $next))))

  ;; The n logistic draws log u − log(1 − u) from the two scratch regions into `buffer`,
  ;; guarded as $settleGumbel with δ = 2^-42 (1 + |log u| + |log(1 − u)|).
  (func $settleLogistic (param $n i32)
    (local $at i32) (local $end i32) (local $from i32) (local $a v128) (local $b v128) (local $d v128)
    (local $l v128) (local $low v128) (local $one v128) (local $guard v128)
    (local.set $at (i32.const 16))
    (local.set $from (i32.const 24592))
    (local.set $end (i32.add (i32.const 16) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $one (v128.load offset=90288 (i32.const 0)))
    (local.set $guard (v128.load offset=90304 (i32.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $a (v128.load offset=0 (local.get $from)))
        (local.set $b (v128.load offset=32768 (local.get $from)))
        (local.set $l (f64x2.sub (local.get $a) (local.get $b)))
        (local.set $d (f64x2.mul
          (f64x2.add (local.get $one) (f64x2.add (f64x2.abs (local.get $a)) (f64x2.abs (local.get $b))))
          (local.get $guard)))
        (local.set $low (f32x4.demote_f64x2_zero (f64x2.sub (local.get $l) (local.get $d))))
        (if (v128.any_true (f32x4.ne (local.get $low) (f32x4.demote_f64x2_zero (f64x2.add (local.get $l) (local.get $d)))))
          (then
            (global.set $exactPairs (i32.add (global.get $exactPairs) (i32.const 1)))
            (local.set $low (f32x4.demote_f64x2_zero
              (call $logisticOf (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $at))))))))
        (v128.store64_lane 0 (local.get $at) (local.get $low))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $next))))

  ;; ---- The exact path: fdlibm's log and log1p, ported operation for operation ----------
  ;;
  ;; Its constants are splats (f64x2.splat of an f64.const, 11 bytes; i64x2.splat, 4 to 8)
  ;; rather than v128.const (18 bytes): the same lanes, on a path that runs rarely, and the
  ;; bytes saved make room for toNormal under the 4 KiB limit.

  ;; −log(−log u) of two uniforms, as Math.log gives it
  (func $gumbelOf (param $u v128) (result v128)
    (f64x2.neg (call $log (f64x2.neg (call $log (local.get $u))))))

  ;; log u − log1p(−u) of two uniforms, as Math.log and Math.log1p give it
  (func $logisticOf (param $u v128) (result v128)
    (f64x2.sub (call $log (local.get $u)) (call $log1pOfNegative (f64x2.neg (local.get $u)))))

  ;; The two 64-bit lanes' integers (small, in either sign) as doubles.
  (func $toDouble (param $k v128) (result v128)
    (f64x2.convert_low_i32x4_s
      (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $k) (local.get $k))))

  ;; Natural log of two positive, normal, finite doubles (the only inputs the
  ;; transforms make): fdlibm's __ieee754_log without its special cases.
  ;; x = 2^k (1 + f) with √2/2 ≤ 1 + f < √2, and log(1 + f) from s = f / (2 + f).
  (func $log (param $x v128) (result v128)
    (local $high v128) (local $m v128) (local $half v128) (local $f v128)
    (local $dk v128) (local $s v128) (local $z v128) (local $w v128) (local $r v128)
    (local $hfsq v128) (local $kHigh v128) (local $kLow v128)
    (local.set $high (i64x2.shr_u (local.get $x) (i32.const 32)))
    (local.set $m (v128.and (local.get $high) (i64x2.splat (i64.const 0xfffff))))
    ;; 0x100000 where the mantissa is at least √2 − 1: then x is taken as 2^(k+1) · (x/2^(k+1))
    (local.set $half (v128.and (i64x2.add (local.get $m) (i64x2.splat (i64.const 0x95f64)))
                               (i64x2.splat (i64.const 0x100000))))
    (local.set $dk (call $toDouble
      (i64x2.add (i64x2.sub (i64x2.shr_u (local.get $high) (i32.const 20)) (i64x2.splat (i64.const 1023)))
                 (i64x2.shr_u (local.get $half) (i32.const 20)))))
    ;; 1 + f: x's mantissa under the exponent 0 (or −1)
    (local.set $f (f64x2.sub
      (v128.or
        (i64x2.shl (v128.or (local.get $m) (v128.xor (local.get $half) (i64x2.splat (i64.const 0x3ff00000))))
                   (i32.const 32))
        (v128.and (local.get $x) (i64x2.splat (i64.const 0xffffffff))))
      (f64x2.splat (f64.const 1))))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (f64x2.splat (f64.const 2)) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $w (f64x2.mul (local.get $z) (local.get $z)))
    ;; R = t2 + t1, the odd and even halves of the polynomial in s²
    (local.set $r (f64x2.add
      (f64x2.mul (local.get $z)
        (f64x2.add (f64x2.splat (f64.const 6.666666666666735130e-01)) (f64x2.mul (local.get $w)
        (f64x2.add (f64x2.splat (f64.const 2.857142874366239149e-01)) (f64x2.mul (local.get $w)
        (f64x2.add (f64x2.splat (f64.const 1.818357216161805012e-01)) (f64x2.mul (local.get $w)
                   (f64x2.splat (f64.const 1.479819860511658591e-01)))))))))
      (f64x2.mul (local.get $w)
        (f64x2.add (f64x2.splat (f64.const 3.999999999940941908e-01)) (f64x2.mul (local.get $w)
        (f64x2.add (f64x2.splat (f64.const 2.222219843214978396e-01)) (f64x2.mul (local.get $w)
                   (f64x2.splat (f64.const 1.531383769920937332e-01)))))))))
    (local.set $hfsq (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $f)) (local.get $f)))
    ;; k · log 2 in two parts (ln2_hi has trailing zeros, so k · ln2_hi is exact)
    (local.set $kHigh (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 6.93147180369123816490e-01))))
    (local.set $kLow (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 1.90821492927058770002e-10))))
    ;; fdlibm returns f − (…) where k = 0 and k·ln2_hi − ((… − k·ln2_lo) − f) elsewhere; with
    ;; k = 0 the second is the first bit for bit (0 − (a − f) = f − a, also at a = f), so
    ;; only the three formulas remain. The same holds for its f = 0 case, inside the first.
    (v128.bitselect
      ;; |f| < 2^-20: log(1 + f) ≈ f − f²/2 + f³/3
      (f64x2.sub (local.get $kHigh)
        (f64x2.sub
          (f64x2.sub
            (f64x2.mul (f64x2.mul (local.get $f) (local.get $f))
              (f64x2.sub (f64x2.splat (f64.const 0.5))
                (f64x2.mul (f64x2.splat (f64.const 0.33333333333333333)) (local.get $f))))
            (local.get $kLow))
          (local.get $f)))
      (v128.bitselect
        ;; mantissa in [0x6147a, 0x6b851]: log(1 + f) = f − (f²/2 − s (f²/2 + R))
        (f64x2.sub (local.get $kHigh)
          (f64x2.sub
            (f64x2.sub (local.get $hfsq)
              (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $r))) (local.get $kLow)))
            (local.get $f)))
        ;; elsewhere: log(1 + f) = f − s (f − R)
        (f64x2.sub (local.get $kHigh)
          (f64x2.sub
            (f64x2.sub (f64x2.mul (local.get $s) (f64x2.sub (local.get $f) (local.get $r))) (local.get $kLow))
            (local.get $f)))
        (v128.and (i64x2.ge_s (local.get $m) (i64x2.splat (i64.const 0x6147a)))
                  (i64x2.le_s (local.get $m) (i64x2.splat (i64.const 0x6b851)))))
      (i64x2.lt_s (v128.and (i64x2.add (local.get $m) (i64x2.splat (i64.const 2))) (i64x2.splat (i64.const 0xfffff)))
                  (i64x2.splat (i64.const 3)))))

  ;; log(1 + x) of two doubles in (−1, −2^-29] (the transforms give −u, u ≤ 1 − 2^-24):
  ;; fdlibm's log1p on that range. Near 0 it works on f = x itself (k = 0, no correction);
  ;; further out on 1 + x = 2^k (1 + f), with c the rounding error of 1 + x relative to it.
  (func $log1pOfNegative (param $x v128) (result v128)
    (local $near v128) (local $u v128) (local $high v128) (local $m v128) (local $up v128)
    (local $k v128) (local $c v128) (local $f v128) (local $dk v128) (local $hfsq v128)
    (local $s v128) (local $z v128) (local $kHigh v128) (local $kLowC v128)
    ;; |x| at most 0.2929 (high word 0x3fd2bec3)
    (local.set $near (i64x2.le_s (v128.and (i64x2.shr_u (local.get $x) (i32.const 32)) (i64x2.splat (i64.const 0x7fffffff)))
                                 (i64x2.splat (i64.const 0x3fd2bec3))))
    (local.set $u (f64x2.add (f64x2.splat (f64.const 1)) (local.get $x)))
    (local.set $high (i64x2.shr_u (local.get $u) (i32.const 32)))
    (local.set $m (v128.and (local.get $high) (i64x2.splat (i64.const 0xfffff))))
    ;; 1 + x < 1 here, so fdlibm's correction is (x − (u − 1)) / u (its other form needs k > 0)
    (local.set $c (f64x2.div (f64x2.sub (local.get $x) (f64x2.sub (local.get $u) (f64x2.splat (f64.const 1)))) (local.get $u)))
    ;; all ones where the mantissa is at least √2 − 1: then u is taken as 2^(k+1) · (u/2^(k+1))
    (local.set $up (i64x2.ge_s (local.get $m) (i64x2.splat (i64.const 0x6a09e))))
    (local.set $k (i64x2.sub (i64x2.sub (i64x2.shr_u (local.get $high) (i32.const 20)) (i64x2.splat (i64.const 1023)))
                             (local.get $up)))
    (local.set $f (f64x2.sub
      (v128.or
        (i64x2.shl
          (v128.or (local.get $m)
            (v128.xor (i64x2.splat (i64.const 0x3ff00000)) (v128.and (local.get $up) (i64x2.splat (i64.const 0x100000)))))
          (i32.const 32))
        (v128.and (local.get $u) (i64x2.splat (i64.const 0xffffffff))))
      (f64x2.splat (f64.const 1))))
    ;; fdlibm's hu, 0 when |f| < 2^-20: the mantissa itself, or (2^20 − it) / 4 after halving
    (local.set $m (v128.bitselect
      (i64x2.shr_s (i64x2.sub (i64x2.splat (i64.const 0x100000)) (local.get $m)) (i32.const 2))
      (local.get $m) (local.get $up)))
    ;; near 0: k = 0, f = x, c = 0, and hu = 1 (never the |f| < 2^-20 formula)
    (local.set $k (v128.andnot (local.get $k) (local.get $near)))
    (local.set $c (v128.andnot (local.get $c) (local.get $near)))
    (local.set $f (v128.bitselect (local.get $x) (local.get $f) (local.get $near)))
    (local.set $m (v128.bitselect (i64x2.splat (i64.const 1)) (local.get $m) (local.get $near)))
    (local.set $dk (call $toDouble (local.get $k)))
    (local.set $hfsq (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $f)) (local.get $f)))
    (local.set $kHigh (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 6.93147180369123816490e-01))))
    (local.set $kLowC (f64x2.add
      (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 1.90821492927058770002e-10)))
      (local.get $c)))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (f64x2.splat (f64.const 2)) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    ;; As in $log, fdlibm's k = 0 and f = 0 forms equal these bit for bit.
    (v128.bitselect
      ;; |f| < 2^-20: R = f²/2 · (1 − 2f/3)
      (f64x2.sub (local.get $kHigh)
        (f64x2.sub
          (f64x2.sub
            (f64x2.mul (local.get $hfsq)
              (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (f64x2.splat (f64.const 0.66666666666666666)) (local.get $f))))
            (local.get $kLowC))
          (local.get $f)))
      ;; log(1 + f) = f − (f²/2 − s (f²/2 + R)), R a polynomial in s²
      (f64x2.sub (local.get $kHigh)
        (f64x2.sub
          (f64x2.sub (local.get $hfsq)
            (f64x2.add
              (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq)
                (f64x2.mul (local.get $z)
                  (f64x2.add (f64x2.splat (f64.const 6.666666666666735130e-01)) (f64x2.mul (local.get $z)
                  (f64x2.add (f64x2.splat (f64.const 3.999999999940941908e-01)) (f64x2.mul (local.get $z)
                  (f64x2.add (f64x2.splat (f64.const 2.857142874366239149e-01)) (f64x2.mul (local.get $z)
                  (f64x2.add (f64x2.splat (f64.const 2.222219843214978396e-01)) (f64x2.mul (local.get $z)
                  (f64x2.add (f64x2.splat (f64.const 1.818357216161805012e-01)) (f64x2.mul (local.get $z)
                  (f64x2.add (f64x2.splat (f64.const 1.531383769920937332e-01)) (f64x2.mul (local.get $z)
                             (f64x2.splat (f64.const 1.479819860511658591e-01)))))))))))))))))
              (local.get $kLowC)))
          (local.get $f)))
      (i64x2.eq (local.get $m) (i64x2.splat (i64.const 0)))))
)
