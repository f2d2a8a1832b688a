//! OTP's compiler running on this runtime writes the same `.beam` files as the real `erlc`.
//!
//! `erlc` is a small C program that starts `erl ... -noinput -mode minimal -boot
//! no_dot_erlang -s erl_compile compile_cmdline -extra ARGS` with its arguments passed on
//! verbatim. Each scenario runs the real `erlc` (the oracle) and `beam` started the same way
//! (without erlc's scheduler flags `+S1 +sbtu +A0`, which change no output) on the same
//! files with the same options, in one VM run per side, and compares every file written,
//! byte for byte, plus stdout (the warnings) and the exit status. A difference is a runtime
//! bug: the compiler folds constant expressions with the runtime's BIFs, orders maps, hashes,
//! formats floats and compresses chunks with the runtime's zlib.
//!
//! The sources: every program of `tests/erl/` (and its assembly and ASN.1 files) and a
//! sample of OTP's own sources from Debian's `erlang-src` (stdlib's `lists` and
//! `io_lib_format`, the compiler's `v3_core` and `beam_ssa_opt`, ...). Without `erlang-src`
//! installed the OTP sample is skipped with a note; without `erl`/`erlc` the tests fail.

mod common;

use common::{run_captured, Outcome};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Runs `program args` in `dir` with no input, for at most `limit`.
fn run(program: &str, args: &[String], dir: &Path, limit: Duration) -> Outcome {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env("ERL_CRASH_DUMP_SECONDS", "0");
    run_captured(&mut cmd, None, limit)
}

/// The arguments that make `beam` do what `erlc ARGS` makes the real `erl` do.
fn beam_as_erlc(args: &[String]) -> Vec<String> {
    let mut v: Vec<String> = [
        "-noinput",
        "-mode",
        "minimal",
        "-boot",
        "no_dot_erlang",
        "-s",
        "erl_compile",
        "compile_cmdline",
        "-extra",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(args.iter().cloned());
    v
}

/// One batch: `erlc OPTIONS -o OUT FILES` run in `dir`.
struct Job {
    name: &'static str,
    dir: PathBuf,
    options: Vec<String>,
    files: Vec<String>,
    /// Whether both sides must write into the same folder (one after the other): asn1ct
    /// writes its output folder into the generated `.erl` and `.beam`.
    same_outdir: bool,
    /// Files written that are not compared (with the reason in the caller).
    ignore: &'static [&'static str],
}

/// Where a job's outputs go: `<tmp>/compiler-identical/<name>/<side>`.
fn out_dir(job: &str, side: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("compiler-identical")
        .join(job)
        .join(side);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create an output folder");
    d
}

fn erlc_args(job: &Job, out: &Path) -> Vec<String> {
    let mut a = job.options.clone();
    a.push("-o".into());
    a.push(out.display().to_string());
    a.extend(job.files.iter().cloned());
    a
}

/// The names of the chunks of two `.beam` files (IFF: `FOR1`, size, `BEAM`, then id, size,
/// data padded to 4 bytes) whose contents differ, for the failure message.
fn differing_chunks(a: &[u8], b: &[u8]) -> Vec<String> {
    fn chunks(f: &[u8]) -> Vec<(String, &[u8])> {
        let mut v = Vec::new();
        let mut i = 12;
        while i + 8 <= f.len() {
            let id = String::from_utf8_lossy(&f[i..i + 4]).into_owned();
            let len = u32::from_be_bytes(f[i + 4..i + 8].try_into().expect("4 bytes")) as usize;
            let end = (i + 8 + len).min(f.len());
            v.push((id, &f[i + 8..end]));
            i += 8 + len.div_ceil(4) * 4;
        }
        v
    }
    let (ca, cb) = (chunks(a), chunks(b));
    let ids: BTreeSet<&String> = ca.iter().chain(cb.iter()).map(|(id, _)| id).collect();
    ids.into_iter()
        .filter(|id| {
            let x = ca.iter().find(|(i, _)| i == *id).map(|(_, d)| *d);
            let y = cb.iter().find(|(i, _)| i == *id).map(|(_, d)| *d);
            x != y
        })
        .cloned()
        .collect()
}

fn listing(dir: &Path, ignore: &[&str]) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("read an output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !ignore.iter().any(|suffix| n.ends_with(suffix)))
        .collect()
}

/// Runs a job on both sides and returns what differs (empty when all is the same) and how
/// many files were compared.
fn compare(job: &Job, limit: Duration) -> (Vec<String>, usize) {
    let beam = env!("CARGO_BIN_EXE_beam");
    let (erl_dir, beam_dir) = (out_dir(job.name, "erlc"), out_dir(job.name, "beam"));
    let (erl, ours) = if job.same_outdir {
        let shared = out_dir(job.name, "shared");
        let erl = run("erlc", &erlc_args(job, &shared), &job.dir, limit);
        std::fs::remove_dir(&erl_dir).expect("remove");
        std::fs::rename(&shared, &erl_dir).expect("move erlc's output");
        std::fs::create_dir_all(&shared).expect("recreate");
        let ours = run(
            beam,
            &beam_as_erlc(&erlc_args(job, &shared)),
            &job.dir,
            limit,
        );
        std::fs::remove_dir(&beam_dir).expect("remove");
        std::fs::rename(&shared, &beam_dir).expect("move beam's output");
        (erl, ours)
    } else {
        std::thread::scope(|s| {
            let e = s.spawn(|| run("erlc", &erlc_args(job, &erl_dir), &job.dir, limit));
            let b = s.spawn(|| {
                run(
                    beam,
                    &beam_as_erlc(&erlc_args(job, &beam_dir)),
                    &job.dir,
                    limit,
                )
            });
            (e.join().expect("erlc"), b.join().expect("beam"))
        })
    };
    let mut problems = Vec::new();
    if erl.status != ours.status {
        problems.push(format!(
            "{}: exit status {:?} (erlc) vs {:?} (beam); beam's stderr:\n{}",
            job.name,
            erl.status,
            ours.status,
            String::from_utf8_lossy(&ours.stderr)
        ));
    }
    if erl.stdout != ours.stdout {
        problems.push(format!(
            "{}: stdout differs\n--- erlc:\n{}\n--- beam:\n{}\n--- beam's stderr:\n{}",
            job.name,
            String::from_utf8_lossy(&erl.stdout),
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&ours.stderr)
        ));
    }
    let (want, got) = (
        listing(&erl_dir, job.ignore),
        listing(&beam_dir, job.ignore),
    );
    if want != got {
        problems.push(format!(
            "{}: files written differ: erlc {want:?}, beam {got:?}",
            job.name
        ));
    }
    for name in want.intersection(&got) {
        let a = std::fs::read(erl_dir.join(name)).expect("read erlc's file");
        let b = std::fs::read(beam_dir.join(name)).expect("read beam's file");
        if a != b {
            let what = if name.ends_with(".beam") {
                format!("chunks {:?}", differing_chunks(&a, &b))
            } else {
                "contents".to_string()
            };
            problems.push(format!("{}: {name} differs ({what})", job.name));
        }
    }
    (problems, want.len())
}

fn assert_same(jobs: &[Job], limit: Duration) {
    let mut problems = Vec::new();
    let mut files = 0;
    for job in jobs {
        let (p, n) = compare(job, limit);
        problems.extend(p);
        files += n;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(files > 0, "nothing was compiled");
    eprintln!("{files} files written identically by erlc and beam");
}

fn tests_erl() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/erl")
}

/// The extra `erlc` options a program declares with `%% erlc_opts: ...`.
fn declared_opts(path: &Path) -> Vec<String> {
    let src = std::fs::read_to_string(path).expect("read a program");
    src.lines()
        .find_map(|l| l.trim().strip_prefix("%% erlc_opts:"))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Output options of `erlc` other than plain `.beam` files: (job name, option).
/// (`+compressed` goes through the zlib streaming functions: `file:write_file/3` with
/// `[compressed]`.)
const OUTPUT_KINDS: &[(&str, &str)] = &[
    ("debug_info", "+debug_info"),
    ("compressed", "+compressed"),
    ("listing_S", "-S"),
    ("core", "+to_core"),
    ("preprocessed_P", "-P"),
    ("expanded_E", "-E"),
];

/// Every program of `tests/erl/` (in one batch, and one batch for each program with its own
/// options), a fifth of them with each of [`OUTPUT_KINDS`], the BEAM assembly files and the
/// ASN.1 specifications.
#[test]
fn test_programs_compile_identically() {
    let dir = tests_erl();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/erl")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let with_ext =
        |ext: &str| -> Vec<String> { names.iter().filter(|n| n.ends_with(ext)).cloned().collect() };
    let mut plain = Vec::new();
    let mut jobs = Vec::new();
    for n in with_ext(".erl") {
        let opts = declared_opts(&dir.join(&n));
        if opts.is_empty() {
            plain.push(n);
        } else {
            jobs.push(Job {
                name: "own_options",
                dir: dir.clone(),
                options: opts,
                files: vec![n],
                same_outdir: false,
                ignore: &[],
            });
        }
    }
    // One folder per batch with own options.
    for (i, j) in jobs.iter_mut().enumerate() {
        j.name = [
            "own_options_0",
            "own_options_1",
            "own_options_2",
            "own_options_3",
        ]
        .get(i)
        .copied()
        .expect("at most four programs with their own erlc options");
    }
    jobs.insert(
        0,
        Job {
            name: "programs",
            dir: dir.clone(),
            options: vec![],
            files: plain,
            same_outdir: false,
            ignore: &[],
        },
    );
    // Other outputs of the compiler, on every fifth program: debug info (the abstract code
    // in the `Dbgi` chunk, compressed by term_to_binary), the assembly listing (`.S`), Core
    // Erlang (`.core`) and the preprocessed and transformed sources (`.P`, `.E`), which
    // print terms, floats and code with io_lib and erl_pp.
    let sample: Vec<String> = jobs[0].files.iter().step_by(5).cloned().collect();
    for (name, option) in OUTPUT_KINDS {
        jobs.push(Job {
            name,
            dir: dir.clone(),
            options: vec![option.to_string()],
            files: sample.clone(),
            same_outdir: false,
            ignore: &[],
        });
    }
    jobs.push(Job {
        name: "assembly",
        dir: dir.clone(),
        options: vec![],
        files: with_ext(".S"),
        same_outdir: false,
        ignore: &[],
    });
    // asn1ct also writes `NAME.asn1db`, an `ets:tab2file/2` dump whose bytes differ
    // between two runs of the real erlc itself, so it is not compared.
    jobs.push(Job {
        name: "asn1",
        dir,
        options: vec![],
        files: with_ext(".asn1"),
        same_outdir: true,
        ignore: &[".asn1db"],
    });
    jobs.retain(|j| !j.files.is_empty());
    assert_same(&jobs, Duration::from_secs(200));
}

/// The sample of OTP's sources: (application, module). Big modules of the compiler and
/// stdlib, and a spread over applications (records, maps, binaries, floats, macros,
/// `-include_lib`, parse transforms are not used by these).
const OTP_SAMPLE: &[(&str, &str)] = &[
    ("stdlib", "io_lib_format"),
    ("stdlib", "lists"),
    ("stdlib", "maps"),
    ("stdlib", "calendar"),
    ("stdlib", "binary"),
    ("stdlib", "sets"),
    ("stdlib", "base64"),
    ("stdlib", "gen_server"),
    ("stdlib", "io_lib"),
    ("stdlib", "io_lib_pretty"),
    ("stdlib", "rand"),
    ("stdlib", "zip"),
    ("stdlib", "uri_string"),
    ("stdlib", "queue"),
    ("stdlib", "dict"),
    ("stdlib", "gb_trees"),
    ("stdlib", "proplists"),
    ("stdlib", "filename"),
    ("stdlib", "beam_lib"),
    ("compiler", "v3_core"),
    ("compiler", "beam_ssa_opt"),
    ("compiler", "beam_ssa_type"),
    ("compiler", "beam_ssa_pre_codegen"),
    ("compiler", "beam_ssa_codegen"),
    ("compiler", "beam_validator"),
    ("compiler", "sys_core_fold"),
    ("compiler", "cerl"),
    ("compiler", "compile"),
    ("compiler", "beam_trim"),
    ("kernel", "global"),
    ("kernel", "code_server"),
    ("kernel", "file"),
    ("kernel", "inet"),
    ("kernel", "application_controller"),
    ("erts", "erlang"),
    ("erts", "prim_inet"),
    ("syntax_tools", "erl_syntax"),
    ("parsetools", "yecc"),
    ("parsetools", "leex"),
    ("crypto", "crypto"),
    ("public_key", "public_key"),
    ("ssl", "ssl_handshake"),
    ("mnesia", "mnesia"),
    ("tools", "cover"),
    ("xmerl", "xmerl_lib"),
];

/// Applications whose `include` folders the sample needs (`-include("x.hrl")` of another
/// application's headers), and kernel's `src` (prim_inet includes `inet_int.hrl`).
const INCLUDE_APPS: &[&str] = &["kernel", "stdlib", "xmerl", "public_key", "syntax_tools"];

/// The installed `lib` folder of OTP, from the real erl.
fn otp_lib_dir() -> PathBuf {
    let o = Command::new("erl")
        .args([
            "-noshell",
            "-eval",
            "io:format(\"~s\", [code:lib_dir()]), halt().",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run erl: {e} (it must be installed)"));
    assert!(o.status.success(), "erl could not print code:lib_dir()");
    PathBuf::from(String::from_utf8(o.stdout).expect("utf-8 path"))
}

/// The folder `APP-VSN` of an installed application, relative to the lib folder.
fn app_dir(lib: &Path, app: &str) -> Option<String> {
    let prefix = format!("{app}-");
    let mut found: Vec<String> = std::fs::read_dir(lib)
        .ok()?
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.strip_prefix(&prefix)
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    found.sort();
    found.pop()
}

/// About 45 modules of OTP itself, compiled as `erlc -I ... -o OUT APP-VSN/src/M.erl ...`
/// from OTP's lib folder.
#[test]
fn otp_sources_compile_identically() {
    let lib = otp_lib_dir();
    let mut files = Vec::new();
    for (app, module) in OTP_SAMPLE {
        let Some(d) = app_dir(&lib, app) else {
            panic!(
                "OTP application {app} is not installed under {}",
                lib.display()
            );
        };
        let f = format!("{d}/src/{module}.erl");
        if !lib.join(&f).exists() {
            eprintln!(
                "note: {} is absent (Debian's erlang-src is not installed): OTP sample skipped",
                lib.join(&f).display()
            );
            return;
        }
        files.push(f);
    }
    let mut options = Vec::new();
    for app in INCLUDE_APPS {
        let d = app_dir(&lib, app).expect("an application of the sample");
        options.push("-I".to_string());
        options.push(format!("{d}/include"));
    }
    options.push("-I".to_string());
    options.push(format!("{}/src", app_dir(&lib, "kernel").expect("kernel")));
    let job = Job {
        name: "otp",
        dir: lib,
        options,
        files,
        same_outdir: false,
        ignore: &[],
    };
    assert_same(&[job], Duration::from_secs(300));
}

/// `compile:file/2` called from `-eval` in a normally booted VM (the `start_clean` boot,
/// code server in interactive mode), with options given as a program would: the files and
/// the messages it prints must be the same.
#[test]
fn compile_file_from_eval() {
    let dir = tests_erl();
    let programs = [
        "float_special",
        "bs_comprehension",
        "maps_hamt_order",
        "records_basic",
    ];
    let programs: Vec<&str> = programs
        .into_iter()
        .filter(|p| dir.join(format!("{p}.erl")).exists())
        .collect();
    assert!(
        programs.len() >= 2,
        "the programs of this scenario are gone"
    );
    let mut outs = Vec::new();
    for side in ["erl", "beam"] {
        let out = out_dir("eval", side);
        let list: Vec<String> = programs.iter().map(|p| format!("\"{p}\"")).collect();
        let eval = format!(
            "R = [compile:file(F, [{{outdir, \"{}\"}}, report, debug_info]) || F <- [{}]], \
             io:format(\"~p~n\", [R]), \
             {{ok, M, Bin}} = compile:file(\"{}\", [binary, report]), \
             io:format(\"~p ~p~n\", [M, erlang:md5(Bin)]), halt().",
            out.display(),
            list.join(", "),
            programs[0]
        );
        let args: Vec<String> = ["-noshell", "-eval", &eval]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let program = if side == "erl" {
            "erl"
        } else {
            env!("CARGO_BIN_EXE_beam")
        };
        outs.push((out, run(program, &args, &dir, Duration::from_secs(120))));
    }
    let (erl_dir, erl) = &outs[0];
    let (beam_dir, ours) = &outs[1];
    assert_eq!(
        String::from_utf8_lossy(&erl.stdout),
        String::from_utf8_lossy(&ours.stdout),
        "stdout differs; beam's stderr:\n{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(erl.status, ours.status);
    assert_eq!(erl.status, Some(0));
    for p in &programs {
        let name = format!("{p}.beam");
        let a = std::fs::read(erl_dir.join(&name)).expect("erl wrote the file");
        let b = std::fs::read(beam_dir.join(&name)).expect("beam wrote the file");
        assert!(
            a == b,
            "{name} differs (chunks {:?})",
            differing_chunks(&a, &b)
        );
    }
}

/// The real `erlc` (OTP's C program) with our `bin/erl` as its emulator
/// (`ERLC_EMULATOR`), as a user who puts `bin/` first would run it: it passes `erl`'s own
/// flags (`+sbtu +A0 -noinput -mode minimal -boot no_dot_erlang ...`), and the files must be
/// the ones the real `erlc` writes.
#[test]
fn real_erlc_runs_on_beam() {
    let dir = tests_erl();
    let launcher = Path::new(env!("CARGO_MANIFEST_DIR")).join("bin/erl");
    let programs = ["float_special", "records_basic", "maps_hamt_order"];
    let files: Vec<String> = programs
        .iter()
        .map(|p| format!("{p}.erl"))
        .filter(|f| dir.join(f).exists())
        .collect();
    assert!(files.len() >= 2, "the programs of this scenario are gone");
    let mut outs = Vec::new();
    for side in ["erl", "beam"] {
        let out = out_dir("real_erlc", side);
        let mut cmd = std::process::Command::new("erlc");
        cmd.current_dir(&dir)
            .args(["+compressed", "+debug_info", "-o"])
            .arg(&out)
            .args(&files);
        if side == "beam" {
            cmd.env("ERLC_EMULATOR", &launcher)
                .env("BEAM_RS_BEAM", env!("CARGO_BIN_EXE_beam"));
        }
        let o = cmd.output().expect("run erlc");
        outs.push((out, o));
    }
    let (erl_dir, erl) = &outs[0];
    let (beam_dir, ours) = &outs[1];
    assert_eq!(
        erl.status.code(),
        ours.status.code(),
        "exit status; stderr with beam:\n{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(erl.stdout, ours.stdout);
    assert_eq!(listing(erl_dir, &[]), listing(beam_dir, &[]));
    for f in &files {
        let name = f.replace(".erl", ".beam");
        let a = std::fs::read(erl_dir.join(&name)).expect("erlc wrote the file");
        let b = std::fs::read(beam_dir.join(&name)).expect("erlc on beam wrote the file");
        assert!(a == b, "{name} differs");
    }
}
