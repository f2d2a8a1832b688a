//! Checksums of iodata (`erlang:md5/1`, `md5_init/0`, `md5_update/2`, `md5_final/1`,
//! `crc32/1,2`, `crc32_combine/3`, `adler32/1,2`, `adler32_combine/3`).

use super::iodata::iodata_to_bytes;
use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use md5::{Digest, Md5};

pub fn register(r: &mut Registry) {
    r.add("erlang", "md5", 1, md5_1);
    r.add("erlang", "md5_init", 0, md5_init_0);
    r.add("erlang", "md5_update", 2, md5_update_2);
    r.add("erlang", "md5_final", 1, md5_final_1);
    r.add("erlang", "crc32", 1, |_, a| crc32(0, a[0]));
    r.add("erlang", "crc32", 2, |_, a| crc32(u32_of(a[0])?, a[1]));
    r.add("erlang", "crc32_combine", 3, crc32_combine_3);
    r.add("erlang", "adler32", 1, |_, a| adler32(1, a[0]));
    r.add("erlang", "adler32", 2, |_, a| adler32(u32_of(a[0])?, a[1]));
    r.add("erlang", "adler32_combine", 3, adler32_combine_3);
}

fn bytes(t: Term) -> Result<Vec<u8>, Fail> {
    iodata_to_bytes(t).ok_or_else(Fail::badarg)
}

fn u32_of(t: Term) -> Result<u32, Fail> {
    crate::bignum::to_i64(t)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(Fail::badarg)
}

fn uint(v: u32) -> Term {
    Term::small(v as i64)
}

fn md5_1(p: &mut Process, a: &[Term]) -> BifResult {
    let d = Md5::digest(bytes(a[0])?);
    Ok(boxed::binary(&mut p.heap, &d))
}

// The MD5 context term: the data fed so far (OTP keeps the C context; the observable
// behaviour — a binary that md5_update/md5_final accept — is the same for our own contexts).
const CTX_TAG: &[u8] = b"md5ctx";

fn md5_init_0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(boxed::binary(&mut p.heap, CTX_TAG))
}

fn ctx_data(t: Term) -> Result<Vec<u8>, Fail> {
    let b = boxed::binary_bytes(t).ok_or_else(Fail::badarg)?;
    if !b.starts_with(CTX_TAG) {
        return Err(Fail::badarg());
    }
    Ok(b[CTX_TAG.len()..].to_vec())
}

fn md5_update_2(p: &mut Process, a: &[Term]) -> BifResult {
    let mut data = ctx_data(a[0])?;
    data.extend_from_slice(&bytes(a[1])?);
    let mut ctx = CTX_TAG.to_vec();
    ctx.extend_from_slice(&data);
    Ok(boxed::binary_from_vec(&mut p.heap, ctx))
}

fn md5_final_1(p: &mut Process, a: &[Term]) -> BifResult {
    let d = Md5::digest(ctx_data(a[0])?);
    Ok(boxed::binary(&mut p.heap, &d))
}

fn crc32(init: u32, t: Term) -> BifResult {
    let mut h = crc32fast::Hasher::new_with_initial(init);
    h.update(&bytes(t)?);
    Ok(uint(h.finalize()))
}

/// CRC-32 of the concatenation A++B from crc(A), crc(B) and len(B) (zlib's
/// `crc32_combine`, by GF(2) matrix squaring).
fn crc32_combine_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (c1, c2) = (u32_of(a[0])?, u32_of(a[1])?);
    let len = crate::bignum::to_i64(a[2])
        .filter(|v| *v >= 0)
        .ok_or_else(Fail::badarg)? as u64;
    Ok(uint(combine_crc(c1, c2, len)))
}

fn gf2_times(mat: &[u32; 32], mut vec: u32) -> u32 {
    let mut sum = 0;
    let mut i = 0;
    while vec != 0 {
        if vec & 1 != 0 {
            sum ^= mat[i];
        }
        vec >>= 1;
        i += 1;
    }
    sum
}

fn gf2_square(square: &mut [u32; 32], mat: &[u32; 32]) {
    for n in 0..32 {
        square[n] = gf2_times(mat, mat[n]);
    }
}

fn combine_crc(mut crc1: u32, crc2: u32, mut len2: u64) -> u32 {
    if len2 == 0 {
        return crc1;
    }
    let mut even = [0u32; 32];
    let mut odd = [0u32; 32];
    odd[0] = 0xedb8_8320;
    let mut row = 1u32;
    for v in odd.iter_mut().skip(1) {
        *v = row;
        row <<= 1;
    }
    gf2_square(&mut even, &odd);
    gf2_square(&mut odd, &even);
    loop {
        gf2_square(&mut even, &odd);
        if len2 & 1 != 0 {
            crc1 = gf2_times(&even, crc1);
        }
        len2 >>= 1;
        if len2 == 0 {
            break;
        }
        gf2_square(&mut odd, &even);
        if len2 & 1 != 0 {
            crc1 = gf2_times(&odd, crc1);
        }
        len2 >>= 1;
        if len2 == 0 {
            break;
        }
    }
    crc1 ^ crc2
}

fn adler32(init: u32, t: Term) -> BifResult {
    let mut a = adler::Adler32::from_checksum(init);
    a.write_slice(&bytes(t)?);
    Ok(uint(a.checksum()))
}

/// Adler-32 of A++B from adler(A), adler(B) and len(B) (zlib's `adler32_combine`).
fn adler32_combine_3(_p: &mut Process, a: &[Term]) -> BifResult {
    const BASE: u64 = 65521;
    let (a1, a2) = (u32_of(a[0])? as u64, u32_of(a[1])? as u64);
    let len = crate::bignum::to_i64(a[2])
        .filter(|v| *v >= 0)
        .ok_or_else(Fail::badarg)? as u64;
    let rem = len % BASE;
    let mut sum1 = a1 & 0xffff;
    let mut sum2 = (rem * sum1) % BASE;
    sum1 += (a2 & 0xffff) + BASE - 1;
    sum2 += ((a1 >> 16) & 0xffff) + ((a2 >> 16) & 0xffff) + BASE - rem;
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum2 >= BASE << 1 {
        sum2 -= BASE << 1;
    }
    if sum2 >= BASE {
        sum2 -= BASE;
    }
    Ok(uint((sum1 | (sum2 << 16)) as u32))
}
