//! Checks `ports::driver_abi` and `include/erl_driver.h` against OTP's installed headers, with
//! bindgen (libclang) at test time.
//!
//! bindgen reads two header sets: OTP's `erl_driver.h`/`erl_drv_nif.h` (found under
//! `code:root_dir()`, else `/usr/include`) and ours (`include/`). Each is read together with a
//! generated header that captures, for every constant, its C type
//! (`typedef __typeof__(NAME) beam_rs_chk_type_NAME`) and its value
//! (`static const long long beam_rs_chk_value_NAME = (long long)(NAME)`), which clang evaluates.
//! bindgen's output (Rust source: structs with clang's sizes, alignments and field offsets in
//! its layout assertions, type aliases, constants, function declarations) is parsed with `syn`
//! and compared:
//! - with the Rust mirror, for both header sets: every struct (size, alignment, field names in
//!   order, offsets, field types with callback signatures), every opaque handle, every integer
//!   or handle type alias, and the value of every constant;
//! - OTP's with ours: the C types and values of all constants (also the helper macros without a
//!   Rust counterpart) and the full set of function prototypes with their signatures;
//! - completeness: every macro and enumerator of OTP's two headers has a Rust counterpart, and
//!   the test's table covers every constant of `driver_abi/consts.rs`.
//!
//! Needs libclang at run time (Debian: `libclang-dev`, which brings `libclang-14-dev`, or just
//! `libclang1-14` plus `libclang-common-14-dev`) and OTP's headers (`erlang-dev`).

use std::any::type_name;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::mem::{align_of, offset_of, size_of, MaybeUninit};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ports::driver_abi::*;

mod common {
    pub mod c_types;
}
use common::c_types::{int_lit, path_ident, Canon};

// ================================================================================================
// The Rust side
// ================================================================================================

#[derive(Clone, Debug)]
struct RField {
    name: &'static str,
    offset: usize,
    ty: &'static str,
}

#[derive(Clone, Debug)]
struct RStruct {
    name: &'static str,
    size: usize,
    align: usize,
    fields: Vec<RField>,
}

fn type_name_at<F>(_: *const F) -> &'static str {
    type_name::<F>()
}

/// Layout of a mirror struct; the field list must be complete (checked at compile time).
macro_rules! rust_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {{
        #[allow(dead_code)]
        fn every_field_listed(v: $t) {
            let $t { $($f: _),* } = v;
        }
        let value = MaybeUninit::<$t>::uninit();
        let p = value.as_ptr();
        RStruct {
            name: stringify!($t),
            size: size_of::<$t>(),
            align: align_of::<$t>(),
            fields: vec![$(RField {
                name: stringify!($f),
                offset: offset_of!($t, $f),
                // SAFETY: only the field's address is taken; nothing is read.
                ty: type_name_at(unsafe { std::ptr::addr_of!((*p).$f) }),
            }),*],
        }
    }};
}

fn rust_structs() -> Vec<RStruct> {
    vec![
        rust_struct!(ErlDrvSysInfo {
            driver_major_version,
            driver_minor_version,
            erts_version,
            otp_release,
            thread_support,
            smp_support,
            async_threads,
            scheduler_threads,
            nif_major_version,
            nif_minor_version,
            dirty_scheduler_support,
        }),
        rust_struct!(ErlDrvThreadOpts {
            suggested_stack_size
        }),
        rust_struct!(ErlDrvMonitor { data }),
        rust_struct!(SysIOVec { iov_base, iov_len }),
        rust_struct!(ErlDrvBinary {
            orig_size,
            orig_bytes
        }),
        rust_struct!(ErlDrvNowData {
            megasecs,
            secs,
            microsecs
        }),
        rust_struct!(ErlIOVec {
            vsize,
            size,
            iov,
            binv
        }),
        rust_struct!(ErlDrvEntry {
            init,
            start,
            stop,
            output,
            ready_input,
            ready_output,
            driver_name,
            finish,
            handle,
            control,
            timeout,
            outputv,
            ready_async,
            flush,
            call,
            unused_event_callback,
            extended_marker,
            major_version,
            minor_version,
            driver_flags,
            handle2,
            process_exit,
            stop_select,
            emergency_close,
        }),
    ]
}

/// Incomplete C structs that only ever appear behind a pointer, and their Rust mirrors.
/// (`ErlDrvMutex_`, `ErlDrvCond_`, `ErlDrvRWLock_` are reached through their typedef names.)
const OPAQUE_TAGS: &[(&str, &str)] = &[
    ("_erl_drv_data", "ErlDrvDataOpaque"),
    ("_erl_drv_event", "ErlDrvEventOpaque"),
    ("_erl_drv_port", "ErlDrvPortOpaque"),
    ("ErlDrvTid_", "ErlDrvTidOpaque"),
    ("erl_drv_port_data_lock", "ErlDrvPdlOpaque"),
];

macro_rules! rust_opaque {
    ($($t:ident),* $(,)?) => { vec![$((stringify!($t), size_of::<$t>())),*] };
}

fn rust_opaques() -> Vec<(&'static str, usize)> {
    rust_opaque!(
        ErlDrvDataOpaque,
        ErlDrvEventOpaque,
        ErlDrvPortOpaque,
        ErlDrvTidOpaque,
        ErlDrvPdlOpaque,
        ErlDrvMutex,
        ErlDrvCond,
        ErlDrvRWLock,
    )
}

macro_rules! rust_aliases {
    ($($t:ident),* $(,)?) => { vec![$((stringify!($t), type_name::<$t>())),*] };
}

/// Type aliases that are not a struct name.
fn rust_aliases() -> Vec<(&'static str, &'static str)> {
    rust_aliases!(
        ErlNapiSInt64,
        ErlNapiUInt64,
        ErlNapiSInt,
        ErlNapiUInt,
        ErlDrvSInt64,
        ErlDrvUInt64,
        ErlDrvSInt,
        ErlDrvUInt,
        ErlDrvTermData,
        ErlDrvSizeT,
        ErlDrvSSizeT,
        ErlDrvTime,
        ErlDrvTimeUnit,
        ErlDirtyJobFlags,
        ErlNifSelectFlags,
        ErlDrvTSDKey,
        ErlDrvData,
        ErlDrvEvent,
        ErlDrvPort,
        ErlDrvThreadData,
        ErlDrvTid,
        ErlDrvPDL,
    )
}

trait RustConst: Copy {
    fn value(self) -> i128;
    /// A C value reinterpreted in this type (for constants stored in a narrower field).
    fn wrap(c: i128) -> i128;
}

macro_rules! int_const {
    ($($t:ty),*) => {$(
        impl RustConst for $t {
            fn value(self) -> i128 {
                self as i128
            }
            fn wrap(c: i128) -> i128 {
                c as $t as i128
            }
        }
    )*};
}
int_const!(i32, u32, i64, u64, isize, usize);

impl<T> RustConst for *mut T {
    fn value(self) -> i128 {
        self as isize as i128
    }
    fn wrap(c: i128) -> i128 {
        c as isize as i128
    }
}

#[derive(Clone, Debug)]
struct RConst {
    name: &'static str,
    value: i128,
    wrap: fn(i128) -> i128,
}

fn rconst<T: RustConst>(name: &'static str, v: T) -> RConst {
    RConst {
        name,
        value: v.value(),
        wrap: T::wrap,
    }
}

macro_rules! rust_consts {
    ($($c:ident),* $(,)?) => { vec![$(rconst(stringify!($c), $c)),*] };
}

fn rust_consts() -> Vec<RConst> {
    rust_consts!(
        ERL_DRV_EXTENDED_MARKER,
        ERL_DRV_EXTENDED_MAJOR_VERSION,
        ERL_DRV_EXTENDED_MINOR_VERSION,
        ERL_DRV_MIN_REQUIRED_MAJOR_VERSION_ON_LOAD,
        ERL_NIF_SELECT_READ,
        ERL_NIF_SELECT_WRITE,
        ERL_NIF_SELECT_STOP,
        ERL_NIF_SELECT_CANCEL,
        ERL_NIF_SELECT_CUSTOM_MSG,
        ERL_NIF_SELECT_ERROR,
        ERL_DRV_READ,
        ERL_DRV_WRITE,
        ERL_DRV_USE,
        ERL_DRV_USE_NO_CALLBACK,
        DO_READ,
        DO_WRITE,
        PORT_CONTROL_FLAG_BINARY,
        PORT_CONTROL_FLAG_HEAVY,
        PORT_FLAG_BINARY,
        PORT_FLAG_LINE,
        ERL_DRV_FLAG_USE_PORT_LOCKING,
        ERL_DRV_FLAG_SOFT_BUSY,
        ERL_DRV_FLAG_NO_BUSY_MSGQ,
        ERL_DRV_FLAG_USE_INIT_ACK,
        DRIVER_CALL_KEEP_BUFFER,
        ERL_DRV_ERROR_GENERAL,
        ERL_DRV_ERROR_ERRNO,
        ERL_DRV_ERROR_BADARG,
        ERL_DRV_BUSY_MSGQ_DISABLED,
        ERL_DRV_BUSY_MSGQ_READ_ONLY,
        ERL_DRV_BUSY_MSGQ_LIM_MAX,
        ERL_DRV_BUSY_MSGQ_LIM_MIN,
        ERL_DRV_SEC,
        ERL_DRV_MSEC,
        ERL_DRV_USEC,
        ERL_DRV_NSEC,
        ERL_DRV_TIME_ERROR,
        ERL_DIRTY_JOB_CPU_BOUND,
        ERL_DIRTY_JOB_IO_BOUND,
        ERL_DRV_NIL,
        ERL_DRV_ATOM,
        ERL_DRV_INT,
        ERL_DRV_PORT,
        ERL_DRV_BINARY,
        ERL_DRV_STRING,
        ERL_DRV_TUPLE,
        ERL_DRV_LIST,
        ERL_DRV_STRING_CONS,
        ERL_DRV_PID,
        ERL_DRV_FLOAT,
        ERL_DRV_EXT2TERM,
        ERL_DRV_UINT,
        ERL_DRV_BUF2BINARY,
        ERL_DRV_INT64,
        ERL_DRV_UINT64,
        ERL_DRV_MAP,
    )
}

/// Constants whose Rust value is the C value reinterpreted in the Rust type (the unsigned
/// marker is stored in an `int` field).
const BIT_PATTERN_CONSTS: &[&str] = &["ERL_DRV_EXTENDED_MARKER"];

/// Macros of the C headers without a Rust counterpart; compared between OTP's headers and ours.
const C_ONLY_CONSTS: &[&str] = &[
    "ERL_NAPI_SINT64_MAX__",
    "ERL_NAPI_SINT64_MIN__",
    "ERTS_NAPI_TIME_ERROR__",
    "ERTS_NAPI_SEC__",
    "ERTS_NAPI_MSEC__",
    "ERTS_NAPI_USEC__",
    "ERTS_NAPI_NSEC__",
    "SIZEOF_CHAR",
    "SIZEOF_SHORT",
    "SIZEOF_INT",
    "SIZEOF_LONG",
    "SIZEOF_LONG_LONG",
    "SIZEOF_VOID_P",
];

/// Object-like macros of OTP's headers that are not constants.
const NON_CONSTANT_MACROS: &[&str] = &[
    "EXTERN",
    "ERL_DRV_DEPRECATED_FUNC",
    "ERL_DRIVER_TYPES_ONLY",
    "WIN32_DYNAMIC_ERL_DRIVER",
    "ERL_DRIVER_EXPORT",
];

/// Declared by OTP's erl_driver.h but internal to beam (not part of the driver API).
const OTP_INTERNAL_FUNCTIONS: &[&str] = &["dtrace_drvport_str"];

// ================================================================================================
// Finding the headers and running bindgen
// ================================================================================================

fn our_include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../include")
}

/// OTP's `usr/include` under `code:root_dir()`, else `/usr/include` (Debian's erlang-dev).
fn otp_include_dir() -> PathBuf {
    let mut candidates = Vec::new();
    if let Ok(out) = Command::new("erl")
        .args([
            "-noshell",
            "-eval",
            "io:format(\"~s\",[code:root_dir()]),halt().",
        ])
        .output()
    {
        let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !root.is_empty() {
            candidates.push(Path::new(&root).join("usr/include"));
        }
    }
    candidates.push(PathBuf::from("/usr/include"));
    candidates
        .iter()
        .find(|d| d.join("erl_driver.h").is_file() && d.join("erl_drv_nif.h").is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!("OTP's erl_driver.h not found in {candidates:?}: install Erlang/OTP's headers (erlang-dev)")
        })
}

/// bindgen's output for `erl_driver.h` in `include` plus the constant probes for `names`.
fn run_bindgen(include: &Path, names: &[&str]) -> String {
    let mut src = String::from("#include <erl_driver.h>\n");
    for n in names {
        writeln!(
            src,
            "typedef __typeof__({n}) beam_rs_chk_type_{n};\n\
             static const long long beam_rs_chk_value_{n} = (long long)({n});"
        )
        .unwrap();
    }
    let builder = bindgen::Builder::default()
        .header_contents("beam_rs_driver_abi_check.h", &src)
        .clang_arg(format!("-I{}", include.display()))
        .allowlist_file(r".*[/\\]erl_driver\.h")
        .allowlist_file(r".*[/\\]erl_drv_nif\.h")
        .allowlist_var("beam_rs_chk_.*")
        .allowlist_type("beam_rs_chk_.*")
        .default_enum_style(bindgen::EnumVariation::Consts)
        .prepend_enum_name(false)
        .layout_tests(true)
        .generate_comments(false);
    let what = include.display();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || builder.generate())) {
        Ok(Ok(bindings)) => bindings.to_string(),
        Ok(Err(e)) => panic!("bindgen could not read erl_driver.h in {what}: {e}"),
        Err(_) => panic!(
            "bindgen failed on erl_driver.h in {what}; is libclang installed \
             (apt-get install libclang-dev clang)?"
        ),
    }
}

struct Bindings {
    otp_dir: PathBuf,
    otp: String,
    ours: String,
}

/// Generated once per test binary (a few hundred milliseconds each).
fn bindings() -> &'static Bindings {
    static B: OnceLock<Bindings> = OnceLock::new();
    B.get_or_init(|| {
        let names: Vec<&str> = rust_consts()
            .iter()
            .map(|c| c.name)
            .chain(C_ONLY_CONSTS.iter().copied())
            .collect();
        let otp_dir = otp_include_dir();
        let otp = run_bindgen(&otp_dir, &names);
        let ours = run_bindgen(&our_include_dir(), &names);
        Bindings { otp_dir, otp, ours }
    })
}

// ================================================================================================
// What bindgen said, parsed
// ================================================================================================

struct CStruct {
    fields: Vec<(String, syn::Type)>,
    opaque: bool,
}

#[derive(Default)]
struct CModel {
    label: String,
    structs: BTreeMap<String, CStruct>,
    sizes: BTreeMap<String, usize>,
    aligns: BTreeMap<String, usize>,
    offsets: BTreeMap<(String, String), usize>,
    aliases: BTreeMap<String, syn::Type>,
    consts: BTreeMap<String, syn::Expr>,
    fns: BTreeMap<String, syn::Signature>,
    statics: BTreeMap<String, syn::Type>,
}

/// One line of bindgen's layout assertions: `["Size of X"][size_of::<X>() - 56usize];`.
fn layout_assertion(e: &syn::Expr) -> Option<(String, usize)> {
    let syn::Expr::Index(ix) = e else { return None };
    let syn::Expr::Array(arr) = &*ix.expr else {
        return None;
    };
    let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(s),
        ..
    })) = arr.elems.first()
    else {
        return None;
    };
    let syn::Expr::Binary(bin) = &*ix.index else {
        return None;
    };
    let n = int_lit(&bin.right)?;
    Some((s.value(), usize::try_from(n).ok()?))
}

impl CModel {
    fn parse(label: &str, source: &str) -> CModel {
        let file = syn::parse_file(source).expect("bindgen's output parses");
        let mut m = CModel {
            label: label.to_string(),
            ..CModel::default()
        };
        for item in file.items {
            match item {
                syn::Item::Struct(s) => {
                    let fields: Vec<(String, syn::Type)> = s
                        .fields
                        .iter()
                        .map(|f| (f.ident.as_ref().unwrap().to_string(), f.ty.clone()))
                        .collect();
                    let opaque = fields.len() == 1 && fields[0].0 == "_unused";
                    m.structs
                        .insert(s.ident.to_string(), CStruct { fields, opaque });
                }
                syn::Item::Const(c) if c.ident == "_" => {
                    let syn::Expr::Block(b) = &*c.expr else {
                        continue;
                    };
                    for stmt in &b.block.stmts {
                        let syn::Stmt::Expr(e, _) = stmt else {
                            continue;
                        };
                        let Some((what, n)) = layout_assertion(e) else {
                            continue;
                        };
                        if let Some(t) = what.strip_prefix("Size of ") {
                            m.sizes.insert(t.to_string(), n);
                        } else if let Some(t) = what.strip_prefix("Alignment of ") {
                            m.aligns.insert(t.to_string(), n);
                        } else if let Some(tf) = what.strip_prefix("Offset of field: ") {
                            let (t, f) = tf.split_once("::").expect("Type::field");
                            m.offsets.insert((t.to_string(), f.to_string()), n);
                        }
                    }
                }
                syn::Item::Const(c) => {
                    m.consts.insert(c.ident.to_string(), *c.expr);
                }
                syn::Item::Type(t) => {
                    m.aliases.insert(t.ident.to_string(), *t.ty);
                }
                syn::Item::ForeignMod(fm) => {
                    for fi in fm.items {
                        match fi {
                            syn::ForeignItem::Fn(f) => {
                                m.fns.insert(f.sig.ident.to_string(), f.sig);
                            }
                            syn::ForeignItem::Static(s) => {
                                m.statics.insert(s.ident.to_string(), *s.ty);
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        assert!(
            m.structs.contains_key("erl_drv_entry") && !m.fns.is_empty(),
            "{label}: bindgen's output lacks erl_drv_entry or the functions"
        );
        m
    }

    /// C struct name -> the name of its Rust mirror: the typedef naming it, or the opaque
    /// handle's mirror, or its own name (anonymous structs are named after their typedef).
    fn struct_names(&self) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        for (cname, s) in &self.structs {
            let typedef = self.aliases.iter().find_map(|(a, t)| {
                (path_ident(t).as_deref() == Some(cname.as_str())).then(|| a.clone())
            });
            let opaque = OPAQUE_TAGS
                .iter()
                .find(|(c, _)| c == cname)
                .map(|(_, r)| r.to_string());
            let rust = match (s.opaque, opaque, typedef) {
                (true, Some(r), _) => r,
                (_, _, Some(a)) => a,
                _ => cname.clone(),
            };
            names.insert(cname.clone(), rust);
        }
        names
    }

    fn canon(&self) -> Canon<'_> {
        Canon {
            aliases: Some(&self.aliases),
            struct_names: self.struct_names(),
        }
    }

    /// The C type and value of a probed constant (see `run_bindgen`).
    fn constant(&self, name: &str) -> Result<(String, i128), String> {
        let canon = self.canon();
        let ty = self
            .aliases
            .get(&format!("beam_rs_chk_type_{name}"))
            .map(|t| canon.canon(t))
            .ok_or_else(|| format!("{}: no type for {name}", self.label))?;
        let mut value = self
            .consts
            .get(&format!("beam_rs_chk_value_{name}"))
            .and_then(int_lit)
            .ok_or_else(|| format!("{}: clang could not evaluate {name}", self.label))?;
        // The probe casts to `long long`: an unsigned 64-bit value above i64::MAX wrapped.
        if ty.starts_with('u') && value < 0 {
            value += 1i128 << 64;
        }
        Ok((ty, value))
    }
}

// ================================================================================================
// Comparisons
// ================================================================================================

/// Struct layouts and field types of `m` against the Rust mirrors; also the opaque handles.
fn check_structs(m: &CModel, rust: &[RStruct], errors: &mut Vec<String>) {
    let canon = m.canon();
    let names = canon.struct_names.clone();
    let rcanon = Canon::rust();
    let mut seen = BTreeSet::new();
    for (cname, s) in m.structs.iter().filter(|(_, s)| !s.opaque) {
        let rname = &names[cname];
        seen.insert(rname.clone());
        let l = format!("{}: {rname}", m.label);
        let Some(r) = rust.iter().find(|r| r.name == rname) else {
            errors.push(format!("{l}: C struct `{cname}` has no Rust mirror"));
            continue;
        };
        match m.sizes.get(cname) {
            Some(&n) if n == r.size => {}
            other => errors.push(format!("{l}: size C {other:?}, Rust {}", r.size)),
        }
        match m.aligns.get(cname) {
            Some(&n) if n == r.align => {}
            other => errors.push(format!("{l}: alignment C {other:?}, Rust {}", r.align)),
        }
        let c_fields: Vec<&str> = s.fields.iter().map(|(f, _)| f.as_str()).collect();
        let r_fields: Vec<&str> = r.fields.iter().map(|f| f.name).collect();
        if c_fields != r_fields {
            errors.push(format!("{l}: fields C {c_fields:?}, Rust {r_fields:?}"));
            continue;
        }
        for ((fname, cty), rf) in s.fields.iter().zip(&r.fields) {
            match m.offsets.get(&(cname.clone(), fname.clone())) {
                Some(&o) if o == rf.offset => {}
                other => errors.push(format!(
                    "{l}.{fname}: offset C {other:?}, Rust {}",
                    rf.offset
                )),
            }
            let (c, rr) = (canon.canon(cty), rcanon.canon_str(rf.ty));
            if c != rr {
                errors.push(format!("{l}.{fname}: type C `{c}`, Rust `{rr}`"));
            }
        }
    }
    for r in rust {
        if !seen.contains(r.name) {
            errors.push(format!(
                "{}: Rust struct {} is not a struct of the header",
                m.label, r.name
            ));
        }
    }

    let c_opaque: BTreeSet<String> = m
        .structs
        .iter()
        .filter(|(_, s)| s.opaque)
        .map(|(c, _)| names[c].clone())
        .collect();
    let r_opaque: BTreeSet<String> = rust_opaques().iter().map(|(n, _)| n.to_string()).collect();
    if c_opaque != r_opaque {
        errors.push(format!(
            "{}: opaque handles C {c_opaque:?}, Rust {r_opaque:?}",
            m.label
        ));
    }
    for (n, size) in rust_opaques() {
        if size != 0 {
            errors.push(format!("Rust opaque {n} has size {size}"));
        }
    }
}

/// Integer and handle typedefs of `m` against the Rust aliases, both ways.
fn check_aliases(m: &CModel, errors: &mut Vec<String>) {
    let canon = m.canon();
    let rcanon = Canon::rust();
    let rust = rust_aliases();
    for (name, rty) in &rust {
        match m.aliases.get(*name) {
            None => errors.push(format!("{}: no typedef {name}", m.label)),
            Some(t) => {
                let (c, r) = (canon.canon(t), rcanon.canon_str(rty));
                if c != r {
                    errors.push(format!("{}: typedef {name}: C `{c}`, Rust `{r}`", m.label));
                }
            }
        }
    }
    for (name, t) in &m.aliases {
        let names_struct = path_ident(t).is_some_and(|i| m.structs.contains_key(&i));
        if name.starts_with("Erl") && !names_struct && !rust.iter().any(|(n, _)| n == name) {
            errors.push(format!("{}: typedef {name} has no Rust alias", m.label));
        }
    }
}

/// Every constant's value in `m` against Rust.
fn check_constant_values(m: &CModel, rust: &[RConst], errors: &mut Vec<String>) {
    for r in rust {
        match m.constant(r.name) {
            Err(e) => errors.push(e),
            Ok((_, c)) => {
                let same = c == r.value
                    || (BIT_PATTERN_CONSTS.contains(&r.name) && (r.wrap)(c) == r.value);
                if !same {
                    errors.push(format!(
                        "{}: {} is {c} in C, {} in Rust",
                        m.label, r.name, r.value
                    ));
                }
            }
        }
    }
}

/// Object-like `#define`s of a header file (names only).
fn defined_macros(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("define") else {
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let rest = rest.trim_start();
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end > 0 && !rest[end..].starts_with('(') {
            names.insert(rest[..end].to_string());
        }
    }
    names
}

fn models() -> (CModel, CModel) {
    let b = bindings();
    (CModel::parse("OTP", &b.otp), CModel::parse("ours", &b.ours))
}

fn report(what: &str, errors: Vec<String>) {
    assert!(
        errors.is_empty(),
        "{what}: {} mismatches:\n  {}",
        errors.len(),
        errors.join("\n  ")
    );
}

// ================================================================================================
// Tests
// ================================================================================================

#[test]
fn structs_match_otp_and_our_headers() {
    let (otp, ours) = models();
    let rust = rust_structs();
    let mut errors = Vec::new();
    check_structs(&otp, &rust, &mut errors);
    check_structs(&ours, &rust, &mut errors);
    report("structs", errors);
    // The facts measured on OTP 25 (x86_64) stay true.
    if cfg!(target_pointer_width = "64") {
        assert_eq!(otp.sizes["erl_drv_entry"], 176);
        assert_eq!(otp.sizes["erl_io_vec"], 32);
    }
}

#[test]
fn type_aliases_match_otp_and_our_headers() {
    let (otp, ours) = models();
    let mut errors = Vec::new();
    check_aliases(&otp, &mut errors);
    check_aliases(&ours, &mut errors);
    report("typedefs", errors);
}

#[test]
fn constants_match_otp_and_our_headers() {
    let (otp, ours) = models();
    let rust = rust_consts();
    let mut errors = Vec::new();
    check_constant_values(&otp, &rust, &mut errors);
    check_constant_values(&ours, &rust, &mut errors);

    // C type and value, OTP against ours, including the helpers without a Rust counterpart.
    for name in rust
        .iter()
        .map(|c| c.name)
        .chain(C_ONLY_CONSTS.iter().copied())
    {
        match (otp.constant(name), ours.constant(name)) {
            (Ok(a), Ok(b)) if a == b => {}
            (a, b) => errors.push(format!("{name}: OTP {a:?}, ours {b:?}")),
        }
    }

    // Every macro and enumerator of OTP's headers has a counterpart.
    let dir = &bindings().otp_dir;
    let mut otp_names = defined_macros(&dir.join("erl_driver.h"));
    otp_names.extend(defined_macros(&dir.join("erl_drv_nif.h")));
    otp_names.extend(
        otp.consts
            .keys()
            .filter(|n| !n.starts_with("beam_rs_chk_"))
            .cloned(),
    );
    for name in &otp_names {
        let covered = rust.iter().any(|c| c.name == name)
            || C_ONLY_CONSTS.contains(&name.as_str())
            || NON_CONSTANT_MACROS.contains(&name.as_str())
            || name.starts_with("ERL_NAPI_ATTR_")
            || name.ends_with("__");
        if !covered {
            errors.push(format!("OTP's constant {name} has no Rust counterpart"));
        }
    }

    // The table above covers all of consts.rs.
    let consts_rs = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/driver_abi/consts.rs");
    let file = syn::parse_file(&std::fs::read_to_string(&consts_rs).unwrap()).unwrap();
    for item in file.items {
        if let syn::Item::Const(c) = item {
            if !rust.iter().any(|r| c.ident == r.name) {
                errors.push(format!(
                    "consts.rs: {} is not checked by this test",
                    c.ident
                ));
            }
        }
    }
    report("constants", errors);
}

#[test]
fn functions_match_otp_header() {
    let (otp, ours) = models();
    let (co, cu) = (otp.canon(), ours.canon());
    let mut errors = Vec::new();
    let otp_fns: BTreeSet<&String> = otp
        .fns
        .keys()
        .filter(|f| !OTP_INTERNAL_FUNCTIONS.contains(&f.as_str()))
        .collect();
    let our_fns: BTreeSet<&String> = ours.fns.keys().collect();
    for f in otp_fns.difference(&our_fns) {
        errors.push(format!("ours lacks {f}"));
    }
    for f in our_fns.difference(&otp_fns) {
        errors.push(format!("ours declares {f}, OTP does not"));
    }
    for f in otp_fns.intersection(&our_fns) {
        let (a, b) = (co.signature(&otp.fns[*f]), cu.signature(&ours.fns[*f]));
        if a != b {
            errors.push(format!("{f}: OTP `{a}`, ours `{b}`"));
        }
    }
    let otp_statics: BTreeMap<&String, String> =
        otp.statics.iter().map(|(n, t)| (n, co.canon(t))).collect();
    let our_statics: BTreeMap<&String, String> =
        ours.statics.iter().map(|(n, t)| (n, cu.canon(t))).collect();
    if otp_statics != our_statics {
        errors.push(format!(
            "variables: OTP {otp_statics:?}, ours {our_statics:?}"
        ));
    }
    report("functions", errors);
    assert_eq!(our_fns.len(), 111, "OTP 25's driver API has 111 functions");
}

#[test]
fn the_checks_catch_mismatches() {
    let (otp, _) = models();
    let mut errors = Vec::new();

    let mut rust = rust_structs();
    let iovec = rust.iter_mut().find(|s| s.name == "ErlIOVec").unwrap();
    iovec.fields[1].offset += 4;
    iovec.fields[3].ty = type_name::<*mut ErlDrvBinary>();
    rust.retain(|s| s.name != "ErlDrvNowData");
    check_structs(&otp, &rust, &mut errors);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("ErlIOVec.size: offset")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("ErlIOVec.binv: type")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("`ErlDrvNowData` has no Rust mirror")),
        "{errors:#?}"
    );

    errors.clear();
    let mut consts = rust_consts();
    consts
        .iter_mut()
        .find(|c| c.name == "ERL_DRV_MAP")
        .unwrap()
        .value = 18;
    consts
        .iter_mut()
        .find(|c| c.name == "ERL_DRV_BUSY_MSGQ_DISABLED")
        .unwrap()
        .value = -1;
    check_constant_values(&otp, &consts, &mut errors);
    assert_eq!(errors.len(), 2, "{errors:#?}");

    let rcanon = Canon::rust();
    let c_start = &otp.structs["erl_drv_entry"].fields[1].1;
    assert_ne!(
        otp.canon().canon(c_start),
        rcanon.canon_str(type_name::<
            Option<unsafe extern "C" fn(ErlDrvPort) -> ErlDrvData>,
        >()),
        "a callback with a missing parameter must not compare equal"
    );
}
