//! Boot scripts other than `start_clean`, compared with the real `erl`: `-boot start_sasl`
//! (SASL started, its reports), and a release's own script made by `systools:make_script/2`
//! for the application in `examples/demo_app/` (both VMs must write the same `.boot` file),
//! booted in interactive and in embedded mode.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// What a run printed (as text) and how it ended.
struct Outcome {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `program args` in `dir` with no input, for at most a minute.
fn run(program: &str, args: &[&str], dir: &Path) -> Outcome {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env("ERL_CRASH_DUMP_SECONDS", "0");
    let o = common::run_captured(&mut cmd, None, Duration::from_secs(60));
    Outcome {
        status: o.status,
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn beam() -> &'static str {
    env!("CARGO_BIN_EXE_beam")
}

/// Report headers lose their time stamp and pids their numbers (the two VMs start different
/// numbers of processes while booting).
fn normalise(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with('=') && line.contains("==== ") && line.trim_end().ends_with("===") {
            let head = line.split("==== ").next().unwrap_or("");
            out.push_str(head);
            out.push_str("==== TIME ===\n");
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("<0.") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 3..];
            let digits = after.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && after[digits..].starts_with(".0>") {
                out.push_str("<0.N.0>");
                rest = &after[digits + 3..];
            } else {
                out.push_str("<0.");
                rest = after;
            }
        }
        out.push_str(rest);
    }
    out
}

fn assert_same(erl: &Outcome, ours: &Outcome, what: &str) {
    assert_eq!(
        normalise(&erl.stdout),
        normalise(&ours.stdout),
        "{what}: stdout differs; beam's stderr:\n{}",
        ours.stderr
    );
    assert_eq!(erl.status, ours.status, "{what}: exit status differs");
}

/// The version of OTP application `app` installed under the root of the real `erl`.
fn installed_version(app: &str) -> String {
    let o = Command::new("erl")
        .args([
            "-noshell",
            "-eval",
            &format!(
                "{{ok, V}} = application:get_key({app}, vsn), io:format(\"~s\", [V]), halt()."
            ),
        ])
        .output()
        .expect("run erl");
    String::from_utf8(o.stdout).expect("a version")
}

/// A folder holding the demo application compiled (`ebin/`) and its release file
/// (`demo.rel`) naming the installed kernel and stdlib.
fn release_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("boot-scripts");
        let _ = std::fs::remove_dir_all(&dir);
        let ebin = dir.join("ebin");
        std::fs::create_dir_all(&ebin).expect("create the folders");
        let app = root.join("examples/demo_app");
        let sources: Vec<PathBuf> = ["demo_app", "demo_sup", "demo_counter"]
            .iter()
            .map(|m| app.join(format!("{m}.erl")))
            .collect();
        let o = Command::new("erlc")
            .arg("-o")
            .arg(&ebin)
            .args(&sources)
            .output()
            .expect("run erlc (it must be installed)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::copy(app.join("demo_app.app.src"), ebin.join("demo_app.app"))
            .expect("copy the .app file");
        let erts = Command::new("erl")
            .args([
                "-noshell",
                "-eval",
                "io:format(\"~s\", [erlang:system_info(version)]), halt().",
            ])
            .output()
            .expect("run erl");
        let rel = format!(
            "{{release, {{\"demo\", \"1\"}}, {{erts, \"{}\"}},\n [{{kernel, \"{}\"}}, {{stdlib, \"{}\"}}, {{demo_app, \"1.0.0\"}}]}}.\n",
            String::from_utf8_lossy(&erts.stdout),
            installed_version("kernel"),
            installed_version("stdlib")
        );
        std::fs::write(dir.join("demo.rel"), rel).expect("write demo.rel");
        dir
    })
}

#[test]
fn start_sasl_starts_sasl_and_reports_as_erl() {
    let dir = release_dir();
    // SASL's application is started by the boot script; a supervised child that crashes is
    // reported by logger as OTP reports it.
    let eval = "io:format(\"~p~n\", [[A || {A, _, _} <- application:which_applications()]]), \
                {ok, _} = application:ensure_all_started(demo_app), \
                io:format(\"~p~n\", [demo_counter:bump()]), \
                Old = whereis(demo_counter), R = monitor(process, Old), demo_counter:crash(), \
                receive {'DOWN', R, _, _, Why} -> io:format(\"~p~n\", [Why]) end, \
                timer:sleep(300), \
                halt().";
    let args = [
        "-boot",
        "start_sasl",
        "-noshell",
        "-pa",
        "ebin",
        "-eval",
        eval,
    ];
    let erl = run("erl", &args, dir);
    let ours = run(beam(), &args, dir);
    assert!(
        erl.stdout.starts_with("[sasl,stdlib,kernel]"),
        "erl: {}",
        erl.stdout
    );
    // The reports of the crash are written by another process than the `DOWN` line: keep
    // each output's lines in order but compare the reports apart from the rest.
    let split = |s: &str| {
        let n = normalise(s);
        let mut plain = Vec::new();
        let mut reports = Vec::new();
        let mut in_report = false;
        for line in n.lines() {
            if line.starts_with('=') && line.ends_with("==== TIME ===") {
                in_report = true;
            } else if line.is_empty() {
                in_report = false;
            }
            if in_report || line.is_empty() {
                reports.push(line.to_string());
            } else {
                plain.push(line.to_string());
            }
        }
        (plain, reports)
    };
    let (erl_plain, erl_reports) = split(&erl.stdout);
    let (our_plain, our_reports) = split(&ours.stdout);
    assert_eq!(erl_plain, our_plain, "beam's stderr:\n{}", ours.stderr);
    let headers = |r: &[String]| -> Vec<String> {
        r.iter()
            .filter(|l| l.starts_with('='))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(headers(&erl_reports), headers(&our_reports));
    assert_eq!(erl.status, ours.status);
}

/// `systools:make_script/2` on each VM writes the same boot script; booting it starts the
/// release's applications in interactive and in embedded mode (where every module of the
/// release is loaded at boot).
#[test]
fn a_release_made_by_systools_boots_in_both_modes() {
    let dir = release_dir();
    let make = |vm: &str, out: &str| {
        std::fs::create_dir_all(dir.join(out)).expect("create the output folder");
        let eval = format!(
            "io:format(\"~p~n\", [systools:make_script(\"demo\", [{{path, [\"ebin\"]}}, \
             {{outdir, \"{out}\"}}, local, silent])]), halt()."
        );
        run(vm, &["-noshell", "-eval", &eval], dir)
    };
    let erl = make("erl", "erl_out");
    let ours = make(beam(), "beam_out");
    assert_same(&erl, &ours, "systools:make_script/2");
    for f in ["demo.boot", "demo.script"] {
        let a = std::fs::read(dir.join("erl_out").join(f)).expect("erl wrote the script");
        let b = std::fs::read(dir.join("beam_out").join(f)).expect("beam wrote the script");
        assert!(a == b, "{f} differs between the VMs");
    }
    let eval = "io:format(\"~p~n~p~n~p~n~p~n\", \
                [[A || {A, _, _} <- application:which_applications()], code:get_mode(), \
                 [code:is_loaded(M) =/= false || M <- [demo_counter, demo_sup, lists, gen_tcp]], \
                 demo_counter:bump()]), halt().";
    for mode in ["interactive", "embedded"] {
        let args = [
            "-boot",
            "erl_out/demo",
            "-mode",
            mode,
            "-noshell",
            "-eval",
            eval,
        ];
        let erl = run("erl", &args, dir);
        let ours = run(beam(), &args, dir);
        assert!(
            erl.stdout.starts_with("[demo_app,stdlib,kernel]"),
            "erl in {mode} mode: {}{}",
            erl.stdout,
            erl.stderr
        );
        assert_same(&erl, &ours, mode);
    }
}
