//! Starting and running the runtime: the `--bare` mode that runs `Mod:Fun(Args)` in a first
//! process without booting OTP (what tests and benchmarks use), with OTP's exit-status rules.

use crate::atom;
use crate::code;
use crate::emu::interp::{self, Outcome};
use crate::module;
use crate::process::Process;
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

/// Runs `module:function(args)` (args as atoms in a list, like `erl -s`) in a first process;
/// returns the exit status (0 on return, 1 on an uncaught exception).
pub fn run_bare(module: &str, function: &str, args: Option<Vec<String>>) -> i32 {
    let m = atom::atom(module);
    let f = atom::atom(function);
    if let Err(e) = code::ensure_loaded(m) {
        eprintln!("beam: cannot load module {module}: {e:?}");
        return 1;
    }
    let mut p = Process::new(0);
    let argv: Vec<Term> = match args {
        None => vec![],
        Some(list) => {
            let items: Vec<Term> = list.iter().map(|a| Term::atom(atom::atom(a))).collect();
            vec![boxed::list(&mut p.heap, &items)]
        }
    };
    let e = module::export(m, f, argv.len() as u32);
    interp::setup_call(&mut p, e, &argv);
    let code = loop {
        let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            interp::execute(&mut p, 4000)
        }));
        let Ok(step) = step else {
            eprintln!("beam: internal error in the runtime (a bug); the process was stopped");
            break 70;
        };
        match step {
            Outcome::Yield => continue,
            Outcome::Normal(_) => break 0,
            Outcome::Exit(r) => {
                let _ = std::io::stdout().flush();
                let reason = boxed::tuple(&mut p.heap, &[r.reason, r.stacktrace]);
                eprintln!(
                    "Error in process {} with exit value:\n{}",
                    crate::display::display_string(p.pid()),
                    crate::display::display_string(if r.class == crate::exception::Class::Error {
                        reason
                    } else {
                        r.reason
                    })
                );
                break 1;
            }
            Outcome::Wait { timeout } => {
                if p.save < p.mailbox.len() {
                    continue;
                }
                match timeout {
                    Some(ms) => {
                        std::thread::sleep(std::time::Duration::from_millis(ms));
                        p.pc = p.timeout_pc;
                    }
                    None => loop {
                        // A single process waiting forever: nothing can wake it.
                        std::thread::sleep(std::time::Duration::from_secs(3600));
                    },
                }
            }
        }
    };
    let _ = std::io::stdout().flush();
    code
}
