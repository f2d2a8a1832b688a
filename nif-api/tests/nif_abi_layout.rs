//! Checks `nif_api::abi` and our `include/erl_nif.h` against OTP 25's installed `erl_nif.h`,
//! with bindgen (libclang) at test time.
//!
//! bindgen reads two header sets: OTP's (`erl_nif.h`, `erl_nif_api_funcs.h`, `erl_drv_nif.h`,
//! found under `code:root_dir()`, else `/usr/include`) and ours (`include/`). Each is read
//! together with a generated source of probes that clang evaluates:
//! - for every constant, its C type (`typedef __typeof__(NAME) beam_rs_chk_type_NAME`) and
//!   value (`static const long long beam_rs_chk_value_NAME = (long long)(NAME)`);
//! - for every helper that is a macro or an inline function (`enif_make_pid`,
//!   `enif_select_read`, `enif_make_tuple3`, `enif_get_int64`, ...), the type of a call or of
//!   its address (`typedef __typeof__(...) beam_rs_chk_helper_NAME`);
//! - one use of `ERL_NIF_INIT`, which defines `nif_init`.
//!
//! bindgen's output (Rust source: structs and unions with clang's sizes, alignments and field
//! offsets in its layout assertions, type aliases, constants, function declarations) is parsed
//! with `syn` and compared:
//! - with the Rust mirror, for both header sets: every struct and union (size, alignment, field
//!   names in order, offsets, field types with callback signatures), every integer or handle
//!   typedef, the resource callback types, and the value of every constant (strings too);
//! - OTP's with ours: the C types and values of all constants, the set of opaque structs, the
//!   full set of function prototypes (the 169 `enif_*` functions of OTP 25 on LP64) with their
//!   signatures, the types of the helpers, the signature of `nif_init`, and the names of all
//!   macros (object-like and function-like, so `#ifdef` tests see the same names);
//! - completeness: every macro and enumerator of OTP's headers has a Rust counterpart (or is
//!   listed here as C-only), and the test's table covers every constant of `src/abi.rs`.
//!
//! `NIF_ABI_DUMP=DIR` writes bindgen's two outputs to `DIR/otp.rs` and `DIR/ours.rs`.
//!
//! Needs libclang at run time (Debian: `libclang-dev`, or `libclang1-14` plus
//! `libclang-common-14-dev`) and OTP's headers (`erlang-dev`).

use std::any::type_name;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::c_int;
use std::fmt::Write as _;
use std::mem::{align_of, offset_of, size_of, MaybeUninit};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use nif_api::abi::*;
use ports::driver_abi::{
    ErlDirtyJobFlags, ErlNapiSInt, ErlNapiSInt64, ErlNapiUInt, ErlNapiUInt64,
    ERL_DIRTY_JOB_CPU_BOUND, ERL_DIRTY_JOB_IO_BOUND,
};
#[path = "../../ports/tests/common/c_types.rs"]
mod c_types;
use c_types::{int_lit, path_ident, Canon};

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
        rust_layout!($t { $($f),* })
    }};
}

/// Layout of a mirror union (a union pattern names one field, so completeness rests on the
/// comparison of the field lists with C's).
macro_rules! rust_layout {
    ($t:ident { $($f:ident),* $(,)? }) => {{
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
        rust_struct!(ErlNifFunc {
            name,
            arity,
            fptr,
            flags
        }),
        rust_struct!(ErlNifEntry {
            major,
            minor,
            name,
            num_of_funcs,
            funcs,
            load,
            reload,
            upgrade,
            unload,
            vm_variant,
            options,
            sizeof_ErlNifResourceTypeInit,
            min_erts,
        }),
        rust_struct!(ErlNifBinary {
            size,
            data,
            ref_bin,
            __spare__
        }),
        rust_struct!(ErlNifPid { pid }),
        rust_struct!(ErlNifPort { port_id }),
        rust_struct!(ErlNifResourceTypeInit {
            dtor,
            stop,
            down,
            members,
            dyncall
        }),
        rust_struct!(ErlNifMonitor { data }),
        rust_struct!(ErlNifMapIterator {
            map,
            size,
            idx,
            u,
            __spare__
        }),
        rust_layout!(ErlNifMapIteratorU { flat, hash }),
        rust_struct!(ErlNifMapIteratorFlat { ks, vs }),
        rust_struct!(ErlNifMapIteratorHash { wstack, kv }),
        rust_struct!(SysIOVec { iov_base, iov_len }),
        rust_struct!(ErlNifIOVec {
            iovcnt,
            size,
            iov,
            ref_bins,
            flags,
            small_iov,
            small_ref_bin,
        }),
        rust_struct!(ErlNifSysInfo {
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
        rust_struct!(ErlNifThreadOpts {
            suggested_stack_size
        }),
    ]
}

/// bindgen's names of the anonymous struct and union inside `ErlNifMapIterator`, and the Rust
/// mirrors of them.
const ANONYMOUS: &[(&str, &str)] = &[
    ("ErlNifMapIterator__bindgen_ty_1", "ErlNifMapIteratorU"),
    (
        "ErlNifMapIterator__bindgen_ty_1__bindgen_ty_1",
        "ErlNifMapIteratorFlat",
    ),
    (
        "ErlNifMapIterator__bindgen_ty_1__bindgen_ty_2",
        "ErlNifMapIteratorHash",
    ),
];

/// The incomplete C structs of the headers (only ever behind a pointer), each with the name it
/// has on the Rust side. `ErtsDynamicWStack_` is an internal field of the map iterator, where
/// this runtime keeps a pointer of its own: `void *` in Rust.
const OPAQUE_TAGS: &[(&str, &str)] = &[
    ("enif_environment_t", "ErlNifEnv"),
    ("enif_resource_type_t", "ErlNifResourceType"),
    ("erts_io_queue", "ErlNifIOQueue"),
    ("ErtsDynamicWStack_", "c_void"),
    ("ErlDrvTid_", "ErlDrvTidOpaque"),
    ("ErlDrvMutex_", "ErlNifMutex"),
    ("ErlDrvCond_", "ErlNifCond"),
    ("ErlDrvRWLock_", "ErlNifRWLock"),
];

macro_rules! rust_aliases {
    ($($t:ident),* $(,)?) => { vec![$((stringify!($t), type_name::<$t>())),*] };
}

/// Typedefs that are not a struct name.
fn rust_aliases() -> Vec<(&'static str, &'static str)> {
    rust_aliases!(
        ErlNapiSInt64,
        ErlNapiUInt64,
        ErlNapiSInt,
        ErlNapiUInt,
        ErlDirtyJobFlags,
        ErlNifSelectFlags,
        ErlNifUInt64,
        ErlNifSInt64,
        ErlNifUInt,
        ErlNifSInt,
        ERL_NIF_TERM,
        ERL_NIF_UINT,
        ErlNifTime,
        ErlNifTimeUnit,
        ErlNifEvent,
        ErlNifResourceFlags,
        ErlNifCharEncoding,
        ErlNifTid,
        ErlNifTSDKey,
        ErlNifDirtyTaskFlags,
        ErlNifMapIteratorEntry,
        ErlNifUniqueInteger,
        ErlNifBinaryToTerm,
        ErlNifHash,
        ErlNifIOQueueOpts,
        ErlNifTermType,
    )
}

/// The resource callbacks: C typedefs a function type, bindgen turns it into a nullable
/// function pointer (`Option<fn>`); the Rust alias names the function pointer itself.
fn rust_fn_aliases() -> Vec<(&'static str, &'static str)> {
    rust_aliases!(
        ErlNifResourceDtor,
        ErlNifResourceStop,
        ErlNifResourceDown,
        ErlNifResourceDynCall,
    )
}

trait RustConst: Copy {
    fn value(self) -> i128;
}

macro_rules! int_const {
    ($($t:ty),*) => {$(
        impl RustConst for $t {
            fn value(self) -> i128 {
                self as i128
            }
        }
    )*};
}
int_const!(i32, u32, i64, u64, isize, usize);

#[derive(Clone, Debug)]
struct RConst {
    name: &'static str,
    value: i128,
}

fn rconst<T: RustConst>(name: &'static str, v: T) -> RConst {
    RConst {
        name,
        value: v.value(),
    }
}

macro_rules! rust_consts {
    ($($c:ident),* $(,)?) => { vec![$(rconst(stringify!($c), $c)),*] };
}

fn rust_consts() -> Vec<RConst> {
    rust_consts!(
        ERL_NIF_MAJOR_VERSION,
        ERL_NIF_MINOR_VERSION,
        ERL_NIF_MIN_REQUIRED_MAJOR_VERSION_ON_LOAD,
        ERL_NIF_TIME_ERROR,
        ERL_NIF_SEC,
        ERL_NIF_MSEC,
        ERL_NIF_USEC,
        ERL_NIF_NSEC,
        ERL_NIF_SELECT_STOP_CALLED,
        ERL_NIF_SELECT_STOP_SCHEDULED,
        ERL_NIF_SELECT_INVALID_EVENT,
        ERL_NIF_SELECT_FAILED,
        ERL_NIF_SELECT_READ_CANCELLED,
        ERL_NIF_SELECT_WRITE_CANCELLED,
        ERL_NIF_SELECT_ERROR_CANCELLED,
        ERL_NIF_SELECT_NOTSUP,
        ERL_NIF_RT_CREATE,
        ERL_NIF_RT_TAKEOVER,
        ERL_NIF_LATIN1,
        ERL_NIF_DIRTY_JOB_CPU_BOUND,
        ERL_NIF_DIRTY_JOB_IO_BOUND,
        ERL_NIF_THR_UNDEFINED,
        ERL_NIF_THR_NORMAL_SCHEDULER,
        ERL_NIF_THR_DIRTY_CPU_SCHEDULER,
        ERL_NIF_THR_DIRTY_IO_SCHEDULER,
        ERL_NIF_MAP_ITERATOR_FIRST,
        ERL_NIF_MAP_ITERATOR_LAST,
        ERL_NIF_MAP_ITERATOR_HEAD,
        ERL_NIF_MAP_ITERATOR_TAIL,
        ERL_NIF_UNIQUE_POSITIVE,
        ERL_NIF_UNIQUE_MONOTONIC,
        ERL_NIF_BIN2TERM_SAFE,
        ERL_NIF_INTERNAL_HASH,
        ERL_NIF_PHASH2,
        ERL_NIF_IOVEC_SIZE,
        ERL_NIF_IOQ_NORMAL,
        ERL_NIF_TERM_TYPE_ATOM,
        ERL_NIF_TERM_TYPE_BITSTRING,
        ERL_NIF_TERM_TYPE_FLOAT,
        ERL_NIF_TERM_TYPE_FUN,
        ERL_NIF_TERM_TYPE_INTEGER,
        ERL_NIF_TERM_TYPE_LIST,
        ERL_NIF_TERM_TYPE_MAP,
        ERL_NIF_TERM_TYPE_PID,
        ERL_NIF_TERM_TYPE_PORT,
        ERL_NIF_TERM_TYPE_REFERENCE,
        ERL_NIF_TERM_TYPE_TUPLE,
        ERL_NIF_TERM_TYPE__MISSING_DEFAULT_CASE__READ_THE_MANUAL,
        ERL_NIF_SELECT_READ,
        ERL_NIF_SELECT_WRITE,
        ERL_NIF_SELECT_STOP,
        ERL_NIF_SELECT_CANCEL,
        ERL_NIF_SELECT_CUSTOM_MSG,
        ERL_NIF_SELECT_ERROR,
        ERL_DIRTY_JOB_CPU_BOUND,
        ERL_DIRTY_JOB_IO_BOUND,
    )
}

/// String macros and their Rust values.
fn rust_strings() -> Vec<(&'static str, &'static str)> {
    vec![
        ("ERL_NIF_VM_VARIANT", ERL_NIF_VM_VARIANT),
        ("ERL_NIF_MIN_ERTS_VERSION", ERL_NIF_MIN_ERTS_VERSION),
    ]
}

/// Constants of `abi.rs` that OTP 25's header does not have.
const RUST_ONLY_CONSTS: &[&str] = &[
    // NIF 2.17 (OTP 26); accepted by this runtime's atom and string functions.
    "ERL_NIF_UTF8",
];

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

/// Object-like macros of OTP's headers that are not constants (the pieces of `ERL_NIF_INIT`,
/// and the 64-bit integer functions, which are the `long` ones on LP64).
const NON_CONSTANT_MACROS: &[&str] = &[
    "STATIC_ERLANG_NIF",
    "ERL_NIF_INIT_GLOB",
    "ERL_NIF_INIT_ARGS",
    "ERL_NIF_INIT_BODY",
    "ERL_NIF_INIT_EXPORT",
    "ERL_NIF_INIT_PROLOGUE",
    "ERL_NIF_INIT_EPILOGUE",
    "enif_get_int64",
    "enif_get_uint64",
    "enif_make_int64",
    "enif_make_uint64",
];

/// Macros of OTP's headers that are its own machinery, not interface: the header guard, the
/// function-table scheme of its Windows build (with one name, `enif_ioq_enq`, that has no
/// function behind it), the inline keyword it undefines again, helpers of `ERL_NIF_INIT_NAME`,
/// and a switch of its DTrace build.
const OTP_INTERNAL_MACROS: &[&str] = &[
    "__ERL_NIF_H__",
    "ERL_NIF_API_FUNC_DECL",
    "ERL_NIF_API_FUNC_MACRO",
    "enif_ioq_enq",
    "ERL_NIF_INLINE",
    "ERL_NIF_INIT_NAME2",
    "ERL_NIF_INIT_NAME3",
    "HAVE_USE_DTRACE",
];

/// Helpers that are macros or inline functions, each with a probe expression (`&NAME` takes
/// the address of a function; the others call the macro with typed null arguments).
fn helper_probes() -> Vec<(String, String)> {
    let mut v = Vec::new();
    for maker in ["make_tuple", "make_list"] {
        for n in 1..=9 {
            let name = format!("enif_{maker}{n}");
            v.push((name.clone(), format!("&{name}")));
        }
    }
    for name in [
        "enif_get_int64",
        "enif_get_uint64",
        "enif_make_int64",
        "enif_make_uint64",
    ] {
        v.push((name.to_string(), format!("&{name}")));
    }
    let e = "(ErlNifEnv *)0";
    let pid = "(const ErlNifPid *)0";
    v.push((
        "enif_make_pid".to_string(),
        format!("enif_make_pid({e}, {pid})"),
    ));
    v.push((
        "enif_compare_pids".to_string(),
        format!("enif_compare_pids({pid}, {pid})"),
    ));
    for which in ["read", "write", "error"] {
        v.push((
            format!("enif_select_{which}"),
            format!(
                "enif_select_{which}({e}, (ErlNifEvent)0, (void *)0, {pid}, (ERL_NIF_TERM)0, {e})"
            ),
        ));
    }
    v
}

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
        .find(|d| d.join("erl_nif.h").is_file() && d.join("erl_nif_api_funcs.h").is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!("OTP's erl_nif.h not found in {candidates:?}: install Erlang/OTP's headers (erlang-dev)")
        })
}

/// bindgen's output for `erl_nif.h` in `include` plus the probes.
fn run_bindgen(include: &Path, names: &[&str]) -> String {
    let mut src = String::from("#include <erl_nif.h>\n");
    for n in names {
        writeln!(
            src,
            "typedef __typeof__({n}) beam_rs_chk_type_{n};\n\
             static const long long beam_rs_chk_value_{n} = (long long)({n});"
        )
        .unwrap();
    }
    for (name, expr) in helper_probes() {
        writeln!(src, "typedef __typeof__({expr}) beam_rs_chk_helper_{name};").unwrap();
    }
    src.push_str(
        "static ErlNifFunc beam_rs_chk_funcs[1];\n\
         ERL_NIF_INIT(beam_rs_chk_module, beam_rs_chk_funcs, 0, 0, 0, 0)\n",
    );
    let builder = bindgen::Builder::default()
        .header_contents("beam_rs_nif_abi_check.h", &src)
        .clang_arg(format!("-I{}", include.display()))
        .allowlist_file(r".*[/\\]erl_nif\.h")
        .allowlist_file(r".*[/\\]erl_nif_api_funcs\.h")
        .allowlist_file(r".*[/\\]erl_drv_nif\.h")
        .allowlist_var("beam_rs_chk_.*")
        .allowlist_type("beam_rs_chk_.*")
        .allowlist_function("nif_init")
        .default_enum_style(bindgen::EnumVariation::Consts)
        .prepend_enum_name(false)
        .layout_tests(true)
        .generate_comments(false);
    let what = include.display();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || builder.generate())) {
        Ok(Ok(bindings)) => bindings.to_string(),
        Ok(Err(e)) => panic!("bindgen could not read erl_nif.h in {what}: {e}"),
        Err(_) => panic!(
            "bindgen failed on erl_nif.h in {what}; is libclang installed \
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
        // For a look at what bindgen said: NIF_ABI_DUMP=DIR writes both outputs there.
        if let Some(dir) = std::env::var_os("NIF_ABI_DUMP") {
            let dir = PathBuf::from(dir);
            std::fs::write(dir.join("otp.rs"), &otp).unwrap();
            std::fs::write(dir.join("ours.rs"), &ours).unwrap();
        }
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
}

fn byte_str_lit(e: &syn::Expr) -> Option<Vec<u8>> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::ByteStr(b),
            ..
        }) => Some(b.value()),
        syn::Expr::Reference(r) => byte_str_lit(&r.expr),
        syn::Expr::Paren(p) => byte_str_lit(&p.expr),
        syn::Expr::Group(g) => byte_str_lit(&g.expr),
        _ => None,
    }
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

fn named_fields(fields: impl Iterator<Item = syn::Field>) -> Vec<(String, syn::Type)> {
    fields
        .map(|f| (f.ident.as_ref().unwrap().to_string(), f.ty))
        .collect()
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
                    let fields = named_fields(s.fields.into_iter());
                    // An incomplete struct: `_unused` (declared at file scope) or `_address`
                    // (first named inside another struct).
                    let opaque = fields.len() == 1
                        && (fields[0].0 == "_unused" || fields[0].0 == "_address");
                    m.structs
                        .insert(s.ident.to_string(), CStruct { fields, opaque });
                }
                syn::Item::Union(u) => {
                    let fields = named_fields(u.fields.named.into_iter());
                    m.structs.insert(
                        u.ident.to_string(),
                        CStruct {
                            fields,
                            opaque: false,
                        },
                    );
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
                        if let syn::ForeignItem::Fn(f) = fi {
                            m.fns.insert(f.sig.ident.to_string(), f.sig);
                        }
                    }
                }
                _ => {}
            }
        }
        assert!(
            m.structs.contains_key("enif_entry_t") && m.fns.contains_key("enif_alloc"),
            "{label}: bindgen's output lacks enif_entry_t or the functions"
        );
        m
    }

    /// C struct name -> the name of its Rust mirror: a listed anonymous or opaque one, the
    /// typedef naming it, or its own name (anonymous structs are named after their typedef).
    fn struct_names(&self) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        for cname in self.structs.keys() {
            let listed = ANONYMOUS
                .iter()
                .chain(OPAQUE_TAGS)
                .find(|(c, _)| c == cname)
                .map(|(_, r)| r.to_string());
            let typedef = self.aliases.iter().find_map(|(a, t)| {
                (path_ident(t).as_deref() == Some(cname.as_str())).then(|| a.clone())
            });
            names.insert(
                cname.clone(),
                listed.or(typedef).unwrap_or_else(|| cname.clone()),
            );
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

    /// The bytes of a string macro (with its NUL), as bindgen emits it.
    fn string(&self, name: &str) -> Result<Vec<u8>, String> {
        self.consts
            .get(name)
            .and_then(byte_str_lit)
            .ok_or_else(|| format!("{}: no string constant {name}", self.label))
    }

    /// The type of a helper probe, canonical.
    fn helper(&self, name: &str) -> Result<String, String> {
        self.aliases
            .get(&format!("beam_rs_chk_helper_{name}"))
            .map(|t| self.canon().canon(t))
            .ok_or_else(|| format!("{}: helper {name} did not compile", self.label))
    }

    /// The `enif_*` functions the header declares.
    fn api(&self) -> BTreeSet<&String> {
        self.fns.keys().filter(|f| f.starts_with("enif_")).collect()
    }

    /// Structs and unions of the NIF headers (not those of system headers, such as `FILE`).
    fn own_structs(&self) -> impl Iterator<Item = (&String, &CStruct)> {
        self.structs.iter().filter(|(n, _)| !n.starts_with('_'))
    }
}

// ================================================================================================
// Comparisons
// ================================================================================================

/// Struct and union layouts and field types of `m` against the Rust mirrors, both ways.
fn check_structs(m: &CModel, rust: &[RStruct], errors: &mut Vec<String>) {
    let canon = m.canon();
    let names = canon.struct_names.clone();
    let rcanon = Canon::rust();
    let mut seen = BTreeSet::new();
    for (cname, s) in m.own_structs().filter(|(_, s)| !s.opaque) {
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
}

/// The incomplete structs of `m` are exactly those listed in `OPAQUE_TAGS`.
fn check_opaque(m: &CModel, errors: &mut Vec<String>) {
    let c: BTreeSet<&str> = m
        .own_structs()
        .filter(|(_, s)| s.opaque)
        .map(|(n, _)| n.as_str())
        .collect();
    let listed: BTreeSet<&str> = OPAQUE_TAGS.iter().map(|(c, _)| *c).collect();
    if c != listed {
        errors.push(format!(
            "{}: opaque structs C {c:?}, listed {listed:?}",
            m.label
        ));
    }
}

/// Integer, handle and callback typedefs of `m` against the Rust aliases, both ways.
fn check_aliases(m: &CModel, errors: &mut Vec<String>) {
    let canon = m.canon();
    let rcanon = Canon::rust();
    let rust = rust_aliases();
    let fns = rust_fn_aliases();
    let pairs = rust.iter().map(|(n, t)| (*n, rcanon.canon_str(t))).chain(
        fns.iter()
            .map(|(n, t)| (*n, format!("Option<{}>", rcanon.canon_str(t)))),
    );
    for (name, r) in pairs {
        match m.aliases.get(name) {
            None => errors.push(format!("{}: no typedef {name}", m.label)),
            Some(t) => {
                let c = canon.canon(t);
                if c != r {
                    errors.push(format!("{}: typedef {name}: C `{c}`, Rust `{r}`", m.label));
                }
            }
        }
    }
    for (name, t) in &m.aliases {
        let names_struct = path_ident(t).is_some_and(|i| m.structs.contains_key(&i));
        let known = rust.iter().chain(&fns).any(|(n, _)| n == name);
        let ours = name.starts_with("Erl") || name.starts_with("ERL_");
        if ours && !names_struct && !known {
            errors.push(format!("{}: typedef {name} has no Rust alias", m.label));
        }
    }
}

/// Every constant's value in `m` against Rust, and the string macros.
fn check_constant_values(m: &CModel, rust: &[RConst], errors: &mut Vec<String>) {
    for r in rust {
        match m.constant(r.name) {
            Err(e) => errors.push(e),
            Ok((_, c)) if c != r.value => errors.push(format!(
                "{}: {} is {c} in C, {} in Rust",
                m.label, r.name, r.value
            )),
            Ok(_) => {}
        }
    }
    for (name, value) in rust_strings() {
        let mut want = value.as_bytes().to_vec();
        want.push(0);
        match m.string(name) {
            Ok(c) if c == want => {}
            other => errors.push(format!(
                "{}: {name} is {other:?} in C, {value:?} in Rust",
                m.label
            )),
        }
    }
}

/// Names of the macros a header file defines: (object-like, function-like).
fn defined_macros(file: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let (mut objects, mut functions) = (BTreeSet::new(), BTreeSet::new());
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
        if end == 0 {
            continue;
        }
        let name = rest[..end].to_string();
        if rest[end..].starts_with('(') {
            functions.insert(name);
        } else {
            objects.insert(name);
        }
    }
    (objects, functions)
}

/// The macros of a header set as a library sees them: OTP's minus its own machinery and its
/// Windows table of function names, ours minus our `BEAM_RS_` helpers.
fn interface_macros(
    files: &[PathBuf],
    functions: &BTreeSet<&String>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut objects, mut fn_like) = (BTreeSet::new(), BTreeSet::new());
    for f in files {
        let (o, l) = defined_macros(f);
        objects.extend(o);
        fn_like.extend(l);
    }
    let keep = |n: &String| {
        !n.starts_with("BEAM_RS_")
            && !OTP_INTERNAL_MACROS.contains(&n.as_str())
            && !functions.contains(n)
    };
    (
        objects.into_iter().filter(keep).collect(),
        fn_like.into_iter().filter(keep).collect(),
    )
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
    for m in [&otp, &ours] {
        check_structs(m, &rust, &mut errors);
        check_opaque(m, &mut errors);
    }
    report("structs", errors);
    // The sizes measured on OTP 25 (x86_64) stay true.
    if cfg!(target_pointer_width = "64") {
        for (c, n) in [
            ("enif_entry_t", 96),
            ("enif_func_t", 32),
            ("ErlNifBinary", 40),
            ("ErlNifResourceTypeInit", 40),
            ("ErlNifMapIterator", 56),
            ("ErlDrvMonitor", 32),
            ("ErlDrvSysInfo", 56),
            ("erl_nif_io_vec", 424),
            ("ErlNifPid", 8),
            ("ErlNifPort", 8),
        ] {
            assert_eq!(otp.sizes.get(c), Some(&n), "size of {c}");
        }
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

    // C type and value, OTP against ours, including the macros without a Rust counterpart.
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

    // Every macro and enumerator of OTP's NIF headers has a counterpart.
    let dir = &bindings().otp_dir;
    let otp_api = otp.api();
    let (otp_macros, _) = interface_macros(
        &[dir.join("erl_nif.h"), dir.join("erl_nif_api_funcs.h")],
        &otp_api,
    );
    let enumerators = otp
        .consts
        .keys()
        .filter(|n| !n.starts_with("beam_rs_chk_") && !C_ONLY_CONSTS.contains(&n.as_str()));
    for name in otp_macros.iter().chain(enumerators) {
        let covered = rust.iter().any(|c| c.name == name)
            || rust_strings().iter().any(|(n, _)| n == name)
            || C_ONLY_CONSTS.contains(&name.as_str())
            || NON_CONSTANT_MACROS.contains(&name.as_str())
            || name.starts_with("ERL_NAPI_ATTR_");
        if !covered {
            errors.push(format!("OTP's constant {name} has no Rust counterpart"));
        }
    }

    // The table above covers all of abi.rs.
    let abi_rs = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/abi.rs");
    let file = syn::parse_file(&std::fs::read_to_string(&abi_rs).unwrap()).unwrap();
    for item in file.items {
        if let syn::Item::Const(c) = item {
            let name = c.ident.to_string();
            let listed = rust.iter().any(|r| r.name == name)
                || rust_strings().iter().any(|(n, _)| *n == name)
                || RUST_ONLY_CONSTS.contains(&name.as_str());
            if !listed {
                errors.push(format!("abi.rs: {name} is not checked by this test"));
            }
        }
    }
    report("constants", errors);
}

#[test]
fn macro_names_match_otp_header() {
    let (otp, ours) = models();
    let dir = &bindings().otp_dir;
    let (otp_obj, otp_fn) = interface_macros(
        &[dir.join("erl_nif.h"), dir.join("erl_nif_api_funcs.h")],
        &otp.api(),
    );
    let (our_obj, our_fn) = interface_macros(&[our_include_dir().join("erl_nif.h")], &ours.api());
    let mut errors = Vec::new();
    for (kind, a, b) in [
        ("object-like", &otp_obj, &our_obj),
        ("function-like", &otp_fn, &our_fn),
    ] {
        for n in a.difference(b) {
            errors.push(format!("ours lacks the {kind} macro {n}"));
        }
        for n in b.difference(a) {
            errors.push(format!("ours defines the {kind} macro {n}, OTP does not"));
        }
    }
    report("macros", errors);
    assert!(our_fn.contains("ERL_NIF_INIT") && our_obj.contains("ERL_NIF_VM_VARIANT"));
}

#[test]
fn functions_and_helpers_match_otp_header() {
    let (otp, ours) = models();
    let (co, cu) = (otp.canon(), ours.canon());
    let mut errors = Vec::new();
    let (otp_fns, our_fns) = (otp.api(), ours.api());
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
    let others: Vec<&String> = ours
        .fns
        .keys()
        .filter(|f| !f.starts_with("enif_") && *f != "nif_init")
        .collect();
    if !others.is_empty() {
        errors.push(format!("ours declares other functions: {others:?}"));
    }
    for (name, _) in helper_probes() {
        match (otp.helper(&name), ours.helper(&name)) {
            (Ok(a), Ok(b)) if a == b => {}
            (a, b) => errors.push(format!("helper {name}: OTP {a:?}, ours {b:?}")),
        }
    }
    match (otp.fns.get("nif_init"), ours.fns.get("nif_init")) {
        (Some(a), Some(b)) if co.signature(a) == cu.signature(b) => {}
        (a, b) => errors.push(format!(
            "nif_init from ERL_NIF_INIT: OTP {:?}, ours {:?}",
            a.map(|s| co.signature(s)),
            b.map(|s| cu.signature(s))
        )),
    }
    report("functions", errors);
    assert_eq!(
        our_fns.len(),
        169,
        "OTP 25's NIF API has 169 functions on LP64"
    );
    assert_eq!(
        cu.signature(&ours.fns["nif_init"]),
        "fn() -> *mut ErlNifEntry"
    );
}

#[test]
fn the_checks_catch_mismatches() {
    let (otp, ours) = models();
    let mut errors = Vec::new();

    let mut rust = rust_structs();
    let entry = rust.iter_mut().find(|s| s.name == "ErlNifEntry").unwrap();
    entry.fields[11].offset += 4;
    entry.fields[4].ty = type_name::<*mut ErlNifBinary>();
    let flat = rust
        .iter_mut()
        .find(|s| s.name == "ErlNifMapIteratorFlat")
        .unwrap();
    flat.size = 8;
    rust.retain(|s| s.name != "ErlNifPort");
    check_structs(&otp, &rust, &mut errors);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    for what in [
        "ErlNifEntry.sizeof_ErlNifResourceTypeInit: offset",
        "ErlNifEntry.funcs: type",
        "ErlNifMapIteratorFlat: size",
        "`ErlNifPort` has no Rust mirror",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(what)),
            "{what}: {errors:#?}"
        );
    }

    errors.clear();
    let mut consts = rust_consts();
    consts
        .iter_mut()
        .find(|c| c.name == "ERL_NIF_TERM_TYPE_TUPLE")
        .unwrap()
        .value = 12;
    consts
        .iter_mut()
        .find(|c| c.name == "ERL_NIF_TIME_ERROR")
        .unwrap()
        .value = -1;
    check_constant_values(&otp, &consts, &mut errors);
    assert_eq!(errors.len(), 2, "{errors:#?}");

    let rcanon = Canon::rust();
    let c_load = &otp.structs["enif_entry_t"].fields[5].1;
    assert_eq!(
        otp.canon().canon(c_load),
        rcanon.canon_str(type_name::<Option<LoadFn>>())
    );
    assert_ne!(
        otp.canon().canon(c_load),
        rcanon.canon_str(type_name::<
            Option<unsafe extern "C" fn(*mut ErlNifEnv, ERL_NIF_TERM) -> c_int>,
        >()),
        "a callback with a missing parameter must not compare equal"
    );
    // A signature that differs in one parameter's type does not compare equal.
    let get_int = ours.canon().signature(&ours.fns["enif_get_int"]);
    let get_uint = ours.canon().signature(&ours.fns["enif_get_uint"]);
    assert_ne!(get_int, get_uint);
}
