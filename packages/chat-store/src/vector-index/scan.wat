;; The scan of the in-process vector index (src/vector-index), compiled into scan-wasm.ts by
;; `node src/vector-index/build-scan-wasm.mjs` (wabt). WebAssembly SIMD: 16 int8 components per step.
(module
  (import "env" "memory" (memory 1))
  ;; out[i] = scales[i] * dot(codes[i], query) for `n` vectors of `dims` int8 components each (`dims` a multiple
  ;; of 16, zero-padded), the query as int16 lanes scaled so that no int32 sum can overflow. Addresses in bytes.
  (func (export "scan") (param $codes i32) (param $scales i32) (param $n i32) (param $dims i32)
                        (param $query i32) (param $out i32)
    (local $i i32) (local $j i32) (local $acc v128) (local $c v128) (local $q i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $q (local.get $query))
        (block $end
          (loop $cols
            (br_if $end (i32.ge_u (local.get $j) (local.get $dims)))
            (local.set $c (v128.load (local.get $codes)))
            (local.set $acc (i32x4.add (local.get $acc)
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $c)) (v128.load (local.get $q)))))
            (local.set $acc (i32x4.add (local.get $acc)
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $c)) (v128.load offset=16 (local.get $q)))))
            (local.set $codes (i32.add (local.get $codes) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 32)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (f32.store (local.get $out)
          (f32.mul (f32.load (local.get $scales))
            (f32.convert_i32_s (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
              (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))))
        (local.set $scales (i32.add (local.get $scales) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))))
