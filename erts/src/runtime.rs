//! Starting and running the runtime: the `--bare` mode that runs `Mod:Fun(Args)` in a first
//! process without booting OTP (what tests and benchmarks use), with OTP's exit-status rules.

use crate::atom;
use crate::code;
use crate::module;
use crate::sched;
use crate::term::boxed;
use crate::term::Term;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options for a runtime start.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The OTP root (`-root`).
    pub root: Option<PathBuf>,
    /// Extra code path folders (`-pa`), searched first.
    pub pa: Vec<PathBuf>,
}

/// Finds the OTP root: `ERL_ROOT`, else from `erl` on `PATH` (following symlinks).
pub fn find_root() -> Option<PathBuf> {
    if let Ok(r) = std::env::var("ERL_ROOT") {
        return Some(PathBuf::from(r));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        let erl = dir.join("erl");
        if erl.is_file() {
            let real = std::fs::canonicalize(&erl).ok()?;
            // <root>/bin/erl
            let root = real.parent()?.parent()?;
            if root.join("lib").is_dir() {
                return Some(root.to_path_buf());
            }
        }
    }
    if Path::new("/usr/lib/erlang/lib").is_dir() {
        return Some(PathBuf::from("/usr/lib/erlang"));
    }
    None
}

/// Sets up the code path from the options.
pub fn init(opts: &Options) {
    let root = opts.root.clone().or_else(find_root);
    code::set_path(&opts.pa, root.as_deref());
}

/// Runs `module:function(args)` (args as atoms in a list, like `erl -s`) in a first process
/// on `schedulers` scheduler threads; returns the exit status (0 when it returns, 1 when it
/// dies). `erlang:halt/1` exits the OS process directly.
pub fn run_bare(module: &str, function: &str, args: Option<Vec<String>>, schedulers: usize) -> i32 {
    let m = atom::atom(module);
    let f = atom::atom(function);
    if let Err(e) = code::ensure_loaded(m) {
        eprintln!("beam: cannot load module {module}: {e:?}");
        return 1;
    }
    let mut scratch = crate::heap::Heap::default();
    let argv: Vec<Term> = match args {
        None => vec![],
        Some(list) => {
            let items: Vec<Term> = list.iter().map(|a| Term::atom(atom::atom(a))).collect();
            vec![boxed::list(&mut scratch, &items)]
        }
    };
    let e = module::export(m, f, argv.len() as u32);
    sched::start(schedulers);
    let mut args = vec![("progname".to_string(), vec!["erl".to_string()])];
    if let Some(root) = crate::code::root() {
        args.insert(0, ("root".to_string(), vec![root.display().to_string()]));
    }
    if let Ok(home) = std::env::var("HOME") {
        args.push(("home".to_string(), vec![home]));
    }
    crate::process::native::set_arguments(args);
    crate::process::native::spawn_native("init", crate::process::native::init_handler);
    crate::process::native::spawn_native(
        "code_server",
        crate::process::native::code_server_handler,
    );
    let opts = crate::process::spawn::SpawnOpts::default();
    // Watch the first process before it can possibly end (no other process exists yet, so
    // it gets the next pid number).
    let id = crate::process::table::table().next_id();
    sched::watch(id);
    match crate::process::spawn::spawn(None, e, &argv, opts) {
        Ok(got) if got == id => {}
        Ok(_) | Err(_) => {
            eprintln!("beam: cannot start the first process");
            return 1;
        }
    }
    let normal = sched::wait_watched();
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    if normal {
        0
    } else {
        1
    }
}
