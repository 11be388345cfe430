;; Adam's update over flat float32 vectors in this module's (imported) memory, four lanes
;; at a time: the host side of src/train/adam.ts's 'host' layout.
;;
;; Each step is one float32 operation of TensorFlow.js' update, in its order, so the
;; results are the backend's bit for bit (wasm's f32x4 arithmetic is IEEE 754 with
;; round-to-nearest, as the backends' kernels are):
;;
;;   m ← m·β1 + g·(1 − β1),   v ← v·β2 + g²·(1 − β2),
;;   θ ← (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε) · (−lr) + θ.
;;
;; The tensorflow backend's kernels flush subnormal numbers to zero, in their inputs and
;; their results. To reproduce that, a result is "flushed" when `tiny` is 2^−126: each
;; lane of magnitude below it becomes a zero of its sign (NaN lanes compare false and
;; stay). With `tiny` 0, for wasm and cpu, nothing is flushed. Only the results that can
;; be subnormal when their inputs are not are flushed; the others provably need not be,
;; given 0 ≤ β < 1 (so 0 < 1 − β ≤ 1 and 0 < 1 − β^t ≤ 1), ε flushed by the caller, and
;; g, m, v, θ stored flushed:
;;   - m / (1 − β1^t) and v / (1 − β2^t) are at least as large as m and v;
;;   - √ of a normal number is normal, and √(…) + ε ≥ ε (or = √(…) when ε is 0);
;;   - v·β2 + g²(1 − β2) adds two non-negative flushed numbers;
;;   - g² is not flushed before its product with 1 − β2 ≤ 1: if g² is subnormal, so is
;;     the product, and both ways give +0.
;; `prepare` flushes the gradients and any weights read afresh, so every load is flushed.
;;
;; Flushing costs more than the arithmetic, and subnormal results are rare, so `update`
;; first computes four lanes without flushing and tests the eight results that would be
;; flushed. Only where one of them is a nonzero subnormal does it compute those lanes
;; again with the flushes. Where none is, every flush would have returned its input
;; unchanged (a zero keeps its sign), so both ways give the same bits. Everything is
;; written out in the loop: V8 does not inline calls between wasm functions, and a call
;; per four lanes costs more than the test (bench/host-adam-pass.ts).
;;
;; Assembled by scripts/assemble-wasm.mjs into src/train/adam-wasm-bytes.ts.
(module
  (import "host" "memory" (memory 1))

  ;; One Adam step over n floats (n a multiple of 4) at byte offsets g, m, v and theta
  ;; (each 16-byte aligned): m, v and theta are updated in place, g is read only.
  (func (export "update")
    (param $n i32) (param $g i32) (param $m i32) (param $v i32) (param $theta i32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $epsilon f32) (param $negLearningRate f32) (param $correction1 f32) (param $correction2 f32)
    (param $tinyScalar f32)
    (local $at i32) (local $end i32) (local $tiny v128) (local $magnitude v128) (local $limit v128) (local $minusOne v128)
    (local $b1 v128) (local $ob1 v128) (local $b2 v128) (local $ob2 v128)
    (local $eps v128) (local $nlr v128) (local $c1 v128) (local $c2 v128)
    (local $gi v128) (local $m0 v128) (local $v0 v128) (local $theta0 v128) (local $x v128) (local $y v128)
    (local $decayedM v128) (local $newPartM v128) (local $mi v128) (local $decayedV v128) (local $newPartV v128) (local $vi v128)
    (local $quotient v128) (local $change v128) (local $thetaNew v128)
    (local.set $tiny (f32x4.splat (local.get $tinyScalar)))
    ;; A lane is a nonzero subnormal when its bits shifted left by one (the sign dropped)
    ;; minus one, unsigned, are below 2^24 − 1 (zero wraps to the largest number); with
    ;; `tiny` 0 the limit is 0, so that nothing is ever taken for one.
    (local.set $limit (i32x4.splat
      (select (i32.sub (i32.shl (i32.reinterpret_f32 (local.get $tinyScalar)) (i32.const 1)) (i32.const 1)) (i32.const 0)
        (f32.gt (local.get $tinyScalar) (f32.const 0)))))
    (local.set $minusOne (v128.const i32x4 -1 -1 -1 -1))
    (local.set $magnitude (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $ob1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $ob2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $eps (f32x4.splat (local.get $epsilon)))
    (local.set $nlr (f32x4.splat (local.get $negLearningRate)))
    (local.set $c1 (f32x4.splat (local.get $correction1)))
    (local.set $c2 (f32x4.splat (local.get $correction2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $gi (v128.load (i32.add (local.get $g) (local.get $at))))
        (local.set $theta0 (v128.load (i32.add (local.get $theta) (local.get $at))))
        ;; m ← m·β1 + g·(1 − β1),  v ← v·β2 + g²·(1 − β2)
        (local.set $m0 (v128.load (i32.add (local.get $m) (local.get $at))))
        (local.set $v0 (v128.load (i32.add (local.get $v) (local.get $at))))
        (local.set $decayedM (f32x4.mul (local.get $m0) (local.get $b1)))
        (local.set $newPartM (f32x4.mul (local.get $gi) (local.get $ob1)))
        (local.set $mi (f32x4.add (local.get $decayedM) (local.get $newPartM)))
        (local.set $decayedV (f32x4.mul (local.get $v0) (local.get $b2)))
        (local.set $newPartV (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $ob2)))
        (local.set $vi (f32x4.add (local.get $decayedV) (local.get $newPartV)))
        ;; θ ← (m / c1) / (√(v / c2) + ε) · (−lr) + θ
        (local.set $quotient
          (f32x4.div
            (f32x4.div (local.get $mi) (local.get $c1))
            (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vi) (local.get $c2))) (local.get $eps))))
        (local.set $change (f32x4.mul (local.get $quotient) (local.get $nlr)))
        (local.set $thetaNew (f32x4.add (local.get $change) (local.get $theta0)))
        (if (v128.any_true (i32x4.lt_u
              (i32x4.min_u
                (i32x4.min_u
                  (i32x4.min_u (i32x4.add (i32x4.shl (local.get $decayedM) (i32.const 1)) (local.get $minusOne)) (i32x4.add (i32x4.shl (local.get $newPartM) (i32.const 1)) (local.get $minusOne)))
                  (i32x4.min_u (i32x4.add (i32x4.shl (local.get $mi) (i32.const 1)) (local.get $minusOne)) (i32x4.add (i32x4.shl (local.get $decayedV) (i32.const 1)) (local.get $minusOne))))
                (i32x4.min_u
                  (i32x4.min_u (i32x4.add (i32x4.shl (local.get $newPartV) (i32.const 1)) (local.get $minusOne)) (i32x4.add (i32x4.shl (local.get $quotient) (i32.const 1)) (local.get $minusOne)))
                  (i32x4.min_u (i32x4.add (i32x4.shl (local.get $change) (i32.const 1)) (local.get $minusOne)) (i32x4.add (i32x4.shl (local.get $thetaNew) (i32.const 1)) (local.get $minusOne)))))
              (local.get $limit)))
          (then
            ;; The same step with each of those results flushed (see above), as in a lane of the backend.
            (local.set $x (f32x4.mul (local.get $m0) (local.get $b1)))
            (local.set $x (v128.andnot (local.get $x) (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
            (local.set $y (f32x4.mul (local.get $gi) (local.get $ob1)))
            (local.set $y (v128.andnot (local.get $y) (v128.and (f32x4.lt (f32x4.abs (local.get $y)) (local.get $tiny)) (local.get $magnitude))))
            (local.set $mi (f32x4.add (local.get $x) (local.get $y)))
            (local.set $mi (v128.andnot (local.get $mi) (v128.and (f32x4.lt (f32x4.abs (local.get $mi)) (local.get $tiny)) (local.get $magnitude))))
            (local.set $x (f32x4.mul (local.get $v0) (local.get $b2)))
            (local.set $x (v128.andnot (local.get $x) (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
            (local.set $y (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $ob2)))
            (local.set $y (v128.andnot (local.get $y) (v128.and (f32x4.lt (f32x4.abs (local.get $y)) (local.get $tiny)) (local.get $magnitude))))
            (local.set $vi (f32x4.add (local.get $x) (local.get $y)))
            (local.set $x
              (f32x4.div
                (f32x4.div (local.get $mi) (local.get $c1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vi) (local.get $c2))) (local.get $eps))))
            (local.set $x (v128.andnot (local.get $x) (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
            (local.set $x (f32x4.mul (local.get $x) (local.get $nlr)))
            (local.set $x (v128.andnot (local.get $x) (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
            (local.set $thetaNew (f32x4.add (local.get $x) (local.get $theta0)))
            (local.set $thetaNew (v128.andnot (local.get $thetaNew) (v128.and (f32x4.lt (f32x4.abs (local.get $thetaNew)) (local.get $tiny)) (local.get $magnitude))))
            (v128.store (i32.add (local.get $m) (local.get $at)) (local.get $mi))
            (v128.store (i32.add (local.get $v) (local.get $at)) (local.get $vi))
            (v128.store (i32.add (local.get $theta) (local.get $at)) (local.get $thetaNew)))
          (else
            (v128.store (i32.add (local.get $m) (local.get $at)) (local.get $mi))
            (v128.store (i32.add (local.get $v) (local.get $at)) (local.get $vi))
            (v128.store (i32.add (local.get $theta) (local.get $at)) (local.get $thetaNew))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next))))

  ;; Flushes the n floats at byte offset `at` in place (n a multiple of 4, 16-byte
  ;; aligned; nothing changes when `tiny` is 0), and returns 1 if all are finite, else 0:
  ;; x·0 is ±0 for a finite x and NaN for ±∞ or NaN, and a NaN survives the sum.
  (func (export "prepare") (param $n i32) (param $at i32) (param $tinyScalar f32) (result i32)
    (local $end i32) (local $tiny v128) (local $x v128) (local $sum v128)
    (local.set $tiny (f32x4.splat (local.get $tinyScalar)))
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $x (v128.load (local.get $at)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $x) (v128.const f32x4 0 0 0 0))))
        (v128.store (local.get $at)
          (v128.andnot (local.get $x)
            (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny))
              (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
    (i32x4.all_true (f32x4.eq (local.get $sum) (local.get $sum)))))
