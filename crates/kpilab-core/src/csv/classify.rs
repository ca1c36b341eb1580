//! Byte classifier of the reader's fast path: which bytes of a block are
//! delimiters, line feeds, quotes and CRs, as bit masks (simd128 in wasm, SWAR
//! elsewhere). DESIGN.md "Speed" says why: csv-core's byte-at-a-time tokenizer
//! was the bottleneck.

/// Which bytes of a 16-byte block are delimiters or line feeds (`field_end`),
/// line feeds, quotes and CRs: bit `i` stands for byte `i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Masks {
    pub(super) field_end: u32,
    pub(super) lf: u32,
    pub(super) quote: u32,
    pub(super) cr: u32,
}

/// The block as two little-endian words (safe code: no pointer casts).
#[inline(always)]
pub(super) fn words(block: &[u8; 16]) -> (u64, u64) {
    let (lo, hi) = block.split_at(8);
    (u64::from_le_bytes(lo.try_into().expect("8 bytes")), u64::from_le_bytes(hi.try_into().expect("8 bytes")))
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub(super) fn classify(block: &[u8; 16], delimiter: u8) -> Masks {
    use core::arch::wasm32::*;
    let (lo, hi) = words(block);
    let v = u64x2(lo, hi);
    let eq = |b: u8| u8x16_eq(v, u8x16_splat(b));
    let lf = eq(b'\n');
    Masks {
        field_end: u32::from(u8x16_bitmask(v128_or(eq(delimiter), lf))),
        lf: u32::from(u8x16_bitmask(lf)),
        quote: u32::from(u8x16_bitmask(eq(b'"'))),
        cr: u32::from(u8x16_bitmask(eq(b'\r'))),
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
pub(super) fn classify(block: &[u8; 16], delimiter: u8) -> Masks {
    classify_swar(block, delimiter)
}

/// Portable version (native builds, and wasm without simd128): 8 bytes per step.
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
#[inline(always)]
pub(super) fn classify_swar(block: &[u8; 16], delimiter: u8) -> Masks {
    const LOW_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let (lo, hi) = words(block);
    // High bit set in exactly the bytes equal to `byte` (the per-byte addition never
    // carries into the next byte), then gathered into the low 8 bits.
    let eq = |word: u64, byte: u8| {
        let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
        let high = !(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS);
        (((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56) as u32
    };
    let mask = |byte: u8| eq(lo, byte) | eq(hi, byte) << 8;
    let lf = mask(b'\n');
    Masks { field_end: mask(delimiter) | lf, lf, quote: mask(b'"'), cr: mask(b'\r') }
}

/// Bytes the fast path classifies per step: two 16-byte blocks, so that a typical
/// row takes two steps, not three.
pub(super) const STEP: usize = 32;

/// `classify` of both halves of a step, as 32-bit masks.
#[inline(always)]
pub(super) fn classify_step(step: &[u8; STEP], delimiter: u8) -> Masks {
    let (lo, hi) = step.split_at(16);
    let lo = classify(lo.try_into().expect("16 bytes"), delimiter);
    let hi = classify(hi.try_into().expect("16 bytes"), delimiter);
    Masks {
        field_end: lo.field_end | hi.field_end << 16,
        lf: lo.lf | hi.lf << 16,
        quote: lo.quote | hi.quote << 16,
        cr: lo.cr | hi.cr << 16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The masks byte by byte, the obvious way.
    fn classify_scalar(block: &[u8; 16], delimiter: u8) -> Masks {
        let bits = |f: &dyn Fn(u8) -> bool| block.iter().enumerate().map(|(i, &b)| u32::from(f(b)) << i).sum();
        Masks {
            field_end: bits(&|b| b == delimiter || b == b'\n'),
            lf: bits(&|b| b == b'\n'),
            quote: bits(&|b| b == b'"'),
            cr: bits(&|b| b == b'\r'),
        }
    }

    #[test]
    fn classify_marks_every_special_byte() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let alphabet = b",;\n\r\"a0\x00\x80\xff\x7f\x2c\x0a";
        for round in 0..20_000 {
            let mut block = [0u8; 16];
            for b in &mut block {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // Mostly special bytes, sometimes any byte at all.
                *b = if round % 4 == 0 { seed as u8 } else { alphabet[(seed % alphabet.len() as u64) as usize] };
            }
            for delimiter in [b',', b';', b'\t', 0, 0xff] {
                let want = classify_scalar(&block, delimiter);
                assert_eq!(classify(&block, delimiter), want, "{block:?}");
                assert_eq!(classify_swar(&block, delimiter), want, "{block:?}");
            }
        }
    }
}
