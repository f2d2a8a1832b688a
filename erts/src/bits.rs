//! Bit-level copying between byte buffers, used by bitstrings and the bit syntax.

/// Copies `nbits` bits from `src` starting at bit `src_off` into `dst` at bit `dst_off`
/// (bit 0 is the most significant bit of byte 0). Bits of `dst` outside the range are kept.
pub fn copy_bits(src: &[u8], src_off: usize, dst: &mut [u8], dst_off: usize, nbits: usize) {
    if nbits == 0 {
        return;
    }
    if src_off % 8 == 0 && dst_off % 8 == 0 {
        let whole = nbits / 8;
        let s = src_off / 8;
        let d = dst_off / 8;
        dst[d..d + whole].copy_from_slice(&src[s..s + whole]);
        let rest = nbits % 8;
        if rest != 0 {
            let mask = 0xFFu8 << (8 - rest);
            dst[d + whole] = (dst[d + whole] & !mask) | (src[s + whole] & mask);
        }
        return;
    }
    for i in 0..nbits {
        let sb = src_off + i;
        let bit = (src[sb / 8] >> (7 - sb % 8)) & 1;
        let db = dst_off + i;
        let m = 1u8 << (7 - db % 8);
        if bit == 1 {
            dst[db / 8] |= m;
        } else {
            dst[db / 8] &= !m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_unaligned() {
        let src = [0b1010_1100, 0b1111_0000];
        let mut dst = [0u8; 2];
        copy_bits(&src, 2, &mut dst, 0, 8);
        assert_eq!(dst[0], 0b1011_0011);
        let mut dst2 = [0xFFu8; 1];
        copy_bits(&[0], 0, &mut dst2, 4, 4);
        assert_eq!(dst2[0], 0xF0);
    }
}
