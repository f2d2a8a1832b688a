//! Coverage report: for the `.beam` files of the given folders, lists the generic opcodes and
//! the imported BIFs (OTP's `erlang:is_builtin/3` list, `docs/otp25_bifs.txt`) that this
//! runtime does not implement, with totals; with `--driver-header=PATH` (OTP's
//! `erl_driver.h`), also the functions of the erl_driver API that this executable exports;
//! with `--nif-header=PATH` (OTP's `erl_nif_api_funcs.h`), the `enif_*` functions this
//! executable exports.
//! `scripts/status.sh` writes its output to `docs/STATUS.md`.

use erts::atom;
use erts::loader::{beam_file, genop, transform};
use std::collections::{BTreeMap, BTreeSet};

const OTP_BIFS: &str = include_str!("../../docs/otp25_bifs.txt");

/// The functions an `erl_driver.h` declares (its `EXTERN` prototypes).
fn driver_api(header: &str) -> Vec<String> {
    let text = std::fs::read_to_string(header).unwrap_or_else(|e| {
        eprintln!("erts-coverage: cannot read {header}: {e}");
        std::process::exit(2)
    });
    // Each prototype starts at `EXTERN ` (at the start of a line); the name is the last
    // identifier before its first `(`, which may be on a later line.
    let mut names: Vec<String> = text
        .split("\nEXTERN ")
        .skip(1)
        .filter_map(|decl| {
            let before = decl[..decl.find('(')?].trim_end();
            let name = before
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()?;
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The functions a NIF header declares for a 64-bit build, outside `#if SIZEOF_LONG != 8`
/// blocks (where the int64 variants are functions; on LP64 they are macros): OTP's
/// `erl_nif_api_funcs.h` has an `ERL_NIF_API_FUNC_DECL(ret, name, args)` line for each, our
/// `include/erl_nif.h` a prototype starting with `extern` that names it before its `(`.
fn nif_api(header: &str) -> Vec<String> {
    let text = std::fs::read_to_string(header).unwrap_or_else(|e| {
        eprintln!("erts-coverage: cannot read {header}: {e}");
        std::process::exit(2)
    });
    let mut names = Vec::new();
    let mut skip = false;
    for line in text.lines() {
        let l = line.trim();
        if let Some(directive) = l.strip_prefix('#') {
            let d: String = directive.split_whitespace().collect::<Vec<_>>().join(" ");
            if d.starts_with("if SIZEOF_LONG != 8") {
                skip = true;
            } else if d.starts_with("endif") {
                skip = false;
            }
            continue;
        }
        if skip {
            continue;
        }
        if let Some(rest) = l.strip_prefix("ERL_NIF_API_FUNC_DECL(") {
            if let Some(name) = rest.split(',').nth(1) {
                names.push(name.trim().to_string());
            }
        } else if let Some(rest) = l.strip_prefix("extern ") {
            let before = rest.split('(').next().unwrap_or("");
            let name = before
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if name.starts_with("enif_") {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Whether this executable exports `name` dynamically (as a driver would find it).
fn exported(name: &str) -> bool {
    let Ok(c) = std::ffi::CString::new(name) else {
        return false;
    };
    // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name only looks the symbol up.
    !unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) }.is_null()
}

fn main() {
    // BIFs of the `ports` crate (`erl_ddll`) join the registry.
    ports::driver_api::ddll::init();
    // `erlang:load_nif/2` is registered by the `nif-api` crate.
    nif_api::init();
    let mut header = None;
    let mut nif_header = None;
    let dirs: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| {
            if let Some(h) = a.strip_prefix("--driver-header=") {
                header = Some(h.to_string());
                false
            } else if let Some(h) = a.strip_prefix("--nif-header=") {
                nif_header = Some(h.to_string());
                false
            } else {
                true
            }
        })
        .collect();
    if dirs.is_empty() {
        eprintln!("usage: erts-coverage DIR...");
        std::process::exit(2);
    }
    let otp_bifs: BTreeSet<&str> = OTP_BIFS.lines().filter(|l| !l.is_empty()).collect();
    let mut modules = 0;
    let mut load_errors = Vec::new();
    let mut ops: BTreeMap<u8, usize> = BTreeMap::new();
    let mut bif_imports: BTreeMap<String, usize> = BTreeMap::new();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for d in &dirs {
        if let Ok(rd) = std::fs::read_dir(d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "beam") {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    for p in &files {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        modules += 1;
        let mut file = match beam_file::parse(&bytes) {
            Ok(f) => f,
            Err(e) => {
                load_errors.push(format!("{}: {e}", p.display()));
                continue;
            }
        };
        let genops = match file.decode_code() {
            Ok(g) => g,
            Err(e) => {
                load_errors.push(format!("{}: {e}", p.display()));
                continue;
            }
        };
        for g in &genops {
            *ops.entry(g.op).or_default() += 1;
        }
        for imp in &file.imports {
            let name = format!(
                "{}:{}/{}",
                imp.module.name(),
                imp.function.name(),
                imp.arity
            );
            if otp_bifs.contains(name.as_str()) {
                *bif_imports.entry(name).or_default() += 1;
            }
        }
        if let Err(e) = transform::transform(file) {
            load_errors.push(format!("{}: {e}", p.display()));
        }
    }
    let missing_ops: Vec<(u8, usize)> = ops
        .iter()
        .filter(|(op, _)| !transform::is_supported(**op))
        .map(|(o, n)| (*o, *n))
        .collect();
    let missing_bifs: Vec<&String> = bif_imports
        .keys()
        .filter(|name| {
            let (m, rest) = name.split_once(':').unwrap_or(("", ""));
            let (f, a) = rest.rsplit_once('/').unwrap_or(("", "0"));
            erts::bif::lookup(atom::atom(m), atom::atom(f), a.parse().unwrap_or(0)).is_none()
        })
        .collect();
    println!("# Implementation status\n");
    println!("Generated by `scripts/status.sh` (`erts-coverage`); do not edit by hand.\n");
    println!("Folders: {}\n", dirs.join(", "));
    println!("## Totals\n");
    println!("| what | implemented | used | missing |");
    println!("|---|---|---|---|");
    println!(
        "| generic opcodes used | {} | {} | {} |",
        ops.len() - missing_ops.len(),
        ops.len(),
        missing_ops.len()
    );
    println!(
        "| imported BIFs (distinct) | {} | {} | {} |",
        bif_imports.len() - missing_bifs.len(),
        bif_imports.len(),
        missing_bifs.len()
    );
    println!(
        "| modules that load | {} | {} | {} |",
        modules - load_errors.len(),
        modules,
        load_errors.len()
    );
    let drv = header.as_deref().map(driver_api).unwrap_or_default();
    let drv_missing: Vec<&String> = drv.iter().filter(|n| !exported(n)).collect();
    if !drv.is_empty() {
        println!(
            "| erl_driver API functions (OTP 25 `erl_driver.h`) | {} | {} | {} |",
            drv.len() - drv_missing.len(),
            drv.len(),
            drv_missing.len()
        );
    }
    let nif = nif_header.as_deref().map(nif_api).unwrap_or_default();
    let nif_missing: Vec<&String> = nif.iter().filter(|n| !exported(n)).collect();
    if !nif.is_empty() {
        println!(
            "| erl_nif API functions (OTP 25 `erl_nif_api_funcs.h`, 64-bit) | {} | {} | {} |",
            nif.len() - nif_missing.len(),
            nif.len(),
            nif_missing.len()
        );
    }
    let all_otp: usize = otp_bifs.len();
    let registered = otp_bifs
        .iter()
        .filter(|name| {
            let (m, rest) = name.split_once(':').unwrap_or(("", ""));
            let (f, a) = rest.rsplit_once('/').unwrap_or(("", "0"));
            erts::bif::lookup(atom::atom(m), atom::atom(f), a.parse().unwrap_or(0)).is_some()
        })
        .count();
    println!(
        "| all OTP 25 BIFs of these modules | {registered} | {all_otp} | {} |",
        all_otp - registered
    );
    println!("\n## Opcodes not implemented\n");
    if missing_ops.is_empty() {
        println!("None.");
    }
    for (op, n) in &missing_ops {
        let name = genop::info(*op).map(|i| i.name).unwrap_or("?");
        println!("- `{name}` (opcode {op}, used {n} times)");
    }
    println!("\n## Imported BIFs not implemented\n");
    if missing_bifs.is_empty() {
        println!("None.");
    }
    for b in &missing_bifs {
        println!("- `{b}` (imported by {} modules)", bif_imports[*b]);
    }
    if !drv.is_empty() {
        println!("\n## erl_driver API functions not exported\n");
        if drv_missing.is_empty() {
            println!("None.");
        }
        for n in &drv_missing {
            println!("- `{n}`");
        }
    }
    if !nif.is_empty() {
        println!("\n## erl_nif API functions not implemented\n");
        if nif_missing.is_empty() {
            println!("None.");
        }
        for n in &nif_missing {
            println!("- `{n}`");
        }
    }
    println!("\n## Modules that fail to load\n");
    if load_errors.is_empty() {
        println!("None.");
    }
    for e in &load_errors {
        println!("- {e}");
    }
    println!("\n## Opcodes used\n");
    println!("| opcode | uses | implemented |");
    println!("|---|---|---|");
    for (op, n) in &ops {
        let name = genop::info(*op).map(|i| i.name).unwrap_or("?");
        println!(
            "| `{name}` | {n} | {} |",
            if transform::is_supported(*op) {
                "yes"
            } else {
                "no"
            }
        );
    }
}
