//! A small safe wrapper over PCRE2 (the `pcre2-sys` binding): compiling a pattern with options,
//! matching at an offset, reading the capture offsets and the named groups. All `unsafe` of the
//! `re` BIFs lives here.

use pcre2_sys as ffi;
use std::ptr;

/// A compiled pattern.
pub struct Code {
    code: *mut ffi::pcre2_code_8,
}

// SAFETY: a compiled PCRE2 pattern is immutable and may be used for matching from several
// threads at once (each match has its own match data).
unsafe impl Send for Code {}
// SAFETY: see above.
unsafe impl Sync for Code {}

impl Drop for Code {
    fn drop(&mut self) {
        // SAFETY: `code` came from `pcre2_compile_8` and is freed once, here.
        unsafe { ffi::pcre2_code_free_8(self.code) }
    }
}

/// A compile error: PCRE2's error code and the offset in the pattern.
#[derive(Debug)]
pub struct CompileError {
    pub code: i32,
    pub offset: usize,
}

/// Newline conventions (`{newline, NL}`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Newline {
    Cr,
    Lf,
    CrLf,
    Any,
    AnyCrLf,
}

/// What a match attempt found.
pub enum MatchResult {
    /// Start/end byte offsets of group 0 up to the highest group that took part (`None`: a
    /// group below it that did not).
    Match(Vec<Option<(usize, usize)>>),
    NoMatch,
    /// The match or recursion limit was hit.
    Limit,
    /// Another PCRE2 error (a bad UTF-8 subject, ...).
    Error(i32),
}

impl Code {
    /// Compiles `pattern` with PCRE2 option bits `options`.
    pub fn compile(
        pattern: &[u8],
        options: u32,
        newline: Option<Newline>,
        bsr_anycrlf: Option<bool>,
    ) -> Result<Code, CompileError> {
        let mut err: libc::c_int = 0;
        let mut off: usize = 0;
        // SAFETY: the compile context is created, configured and freed here; the pattern
        // pointer and length describe a live slice; the out-parameters are valid.
        unsafe {
            let ctx = ffi::pcre2_compile_context_create_8(ptr::null_mut());
            if !ctx.is_null() {
                if let Some(nl) = newline {
                    let v = match nl {
                        Newline::Cr => ffi::PCRE2_NEWLINE_CR,
                        Newline::Lf => ffi::PCRE2_NEWLINE_LF,
                        Newline::CrLf => ffi::PCRE2_NEWLINE_CRLF,
                        Newline::Any => ffi::PCRE2_NEWLINE_ANY,
                        Newline::AnyCrLf => ffi::PCRE2_NEWLINE_ANYCRLF,
                    };
                    ffi::pcre2_set_newline_8(ctx, v);
                }
                if let Some(anycrlf) = bsr_anycrlf {
                    let v = if anycrlf {
                        ffi::PCRE2_BSR_ANYCRLF
                    } else {
                        ffi::PCRE2_BSR_UNICODE
                    };
                    ffi::pcre2_set_bsr_8(ctx, v);
                }
            }
            let code = ffi::pcre2_compile_8(
                pattern.as_ptr(),
                pattern.len(),
                options,
                &mut err,
                &mut off,
                ctx,
            );
            if !ctx.is_null() {
                ffi::pcre2_compile_context_free_8(ctx);
            }
            if code.is_null() {
                return Err(CompileError {
                    code: err,
                    offset: off,
                });
            }
            Ok(Code { code })
        }
    }

    fn info_u32(&self, what: u32) -> u32 {
        let mut v: u32 = 0;
        // SAFETY: these info items write one `uint32_t`.
        unsafe {
            ffi::pcre2_pattern_info_8(self.code, what, &mut v as *mut u32 as *mut libc::c_void);
        }
        v
    }

    /// Number of capturing groups.
    pub fn capture_count(&self) -> usize {
        self.info_u32(ffi::PCRE2_INFO_CAPTURECOUNT) as usize
    }

    /// The named groups: `(name, group number)`, in name order.
    pub fn names(&self) -> Vec<(Vec<u8>, usize)> {
        let count = self.info_u32(ffi::PCRE2_INFO_NAMECOUNT) as usize;
        let size = self.info_u32(ffi::PCRE2_INFO_NAMEENTRYSIZE) as usize;
        if count == 0 || size < 3 {
            return Vec::new();
        }
        let mut table: *const u8 = ptr::null();
        // SAFETY: NAMETABLE writes a pointer to `count` entries of `size` bytes: a big-endian
        // 16-bit group number then the NUL-terminated name; the table lives as long as `code`.
        let entries = unsafe {
            ffi::pcre2_pattern_info_8(
                self.code,
                ffi::PCRE2_INFO_NAMETABLE,
                &mut table as *mut *const u8 as *mut libc::c_void,
            );
            if table.is_null() {
                return Vec::new();
            }
            std::slice::from_raw_parts(table, count * size)
        };
        entries
            .chunks(size)
            .map(|e| {
                let n = ((e[0] as usize) << 8) | e[1] as usize;
                let name: Vec<u8> = e[2..].iter().take_while(|b| **b != 0).copied().collect();
                (name, n)
            })
            .collect()
    }

    /// Matches `subject` from byte `offset` with PCRE2 match option bits `options`.
    pub fn exec(
        &self,
        subject: &[u8],
        offset: usize,
        options: u32,
        match_limit: Option<u32>,
        depth_limit: Option<u32>,
    ) -> MatchResult {
        // SAFETY: match data and context are created for this call and freed before return;
        // the subject pointer/length describe a live slice; the ovector holds 2 * `pairs`
        // offsets as documented by PCRE2.
        unsafe {
            let md = ffi::pcre2_match_data_create_from_pattern_8(self.code, ptr::null_mut());
            if md.is_null() {
                return MatchResult::Error(-48);
            }
            let mctx = if match_limit.is_some() || depth_limit.is_some() {
                let c = ffi::pcre2_match_context_create_8(ptr::null_mut());
                if !c.is_null() {
                    if let Some(l) = match_limit {
                        ffi::pcre2_set_match_limit_8(c, l);
                    }
                    if let Some(l) = depth_limit {
                        ffi::pcre2_set_depth_limit_8(c, l);
                    }
                }
                c
            } else {
                ptr::null_mut()
            };
            let rc = ffi::pcre2_match_8(
                self.code,
                subject.as_ptr(),
                subject.len(),
                offset,
                options,
                md,
                mctx,
            );
            let result = if rc > 0 {
                let ov = ffi::pcre2_get_ovector_pointer_8(md);
                // `rc` pairs: up to the highest group that took part.
                let set = rc as usize;
                let mut v = Vec::with_capacity(set);
                for i in 0..set {
                    let (s, e) = (*ov.add(2 * i), *ov.add(2 * i + 1));
                    if s == usize::MAX || e < s {
                        v.push(None);
                    } else {
                        v.push(Some((s, e)));
                    }
                }
                MatchResult::Match(v)
            } else if rc == ffi::PCRE2_ERROR_NOMATCH {
                MatchResult::NoMatch
            } else if rc == ffi::PCRE2_ERROR_MATCHLIMIT || rc == ffi::PCRE2_ERROR_DEPTHLIMIT {
                MatchResult::Limit
            } else {
                MatchResult::Error(rc)
            };
            if !mctx.is_null() {
                ffi::pcre2_match_context_free_8(mctx);
            }
            ffi::pcre2_match_data_free_8(md);
            result
        }
    }
}

/// The library's version as PCRE2 reports it (`"10.42 2022-12-11"`): the version and release
/// date, the same shape as the string OTP's `re:version/0` returns for its PCRE.
pub fn version() -> String {
    let mut buf = [0u8; 64];
    // SAFETY: PCRE2_CONFIG_VERSION writes a NUL-terminated string of at most 24 code units
    // into the buffer, which is larger.
    let n = unsafe {
        ffi::pcre2_config_8(
            ffi::PCRE2_CONFIG_VERSION,
            buf.as_mut_ptr() as *mut libc::c_void,
        )
    };
    // `n` counts the bytes written including the NUL.
    let len = if n > 0 {
        (n as usize - 1).min(buf.len())
    } else {
        0
    };
    String::from_utf8_lossy(&buf[..len]).into_owned()
}

/// PCRE2's message for an error code.
pub fn error_message(code: i32) -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is writable for its length; PCRE2 NUL-terminates within it.
    let n = unsafe { ffi::pcre2_get_error_message_8(code, buf.as_mut_ptr(), buf.len()) };
    if n < 0 {
        return format!("error {code}");
    }
    String::from_utf8_lossy(&buf[..n as usize]).into_owned()
}

pub use ffi::{
    PCRE2_ANCHORED as ANCHORED, PCRE2_CASELESS as CASELESS, PCRE2_DOLLAR_ENDONLY as DOLLAR_ENDONLY,
    PCRE2_DOTALL as DOTALL, PCRE2_DUPNAMES as DUPNAMES, PCRE2_EXTENDED as EXTENDED,
    PCRE2_FIRSTLINE as FIRSTLINE, PCRE2_MULTILINE as MULTILINE, PCRE2_NEVER_UTF as NEVER_UTF,
    PCRE2_NOTBOL as NOTBOL, PCRE2_NOTEMPTY as NOTEMPTY, PCRE2_NOTEMPTY_ATSTART as NOTEMPTY_ATSTART,
    PCRE2_NOTEOL as NOTEOL, PCRE2_NO_AUTO_CAPTURE as NO_AUTO_CAPTURE,
    PCRE2_NO_START_OPTIMIZE as NO_START_OPTIMIZE, PCRE2_UCP as UCP, PCRE2_UNGREEDY as UNGREEDY,
    PCRE2_UTF as UTF,
};
