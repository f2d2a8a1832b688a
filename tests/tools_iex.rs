//! IEx, Elixir's interactive shell, in a terminal: Debian's `iex` (Elixir 1.14) starts the
//! `erl` it finds on `PATH` with `-noshell -user Elixir.IEx.CLI`, and IEx then starts OTP's
//! `user_drv` on the `tty_sl` driver with its own shell. Each scenario runs twice at the same
//! time, in `tmux` sessions of 120x40 on a private socket: once with the real `erl` (the
//! oracle) and once with the repository's `bin/erl` (this build's `beam`) first on `PATH`.
//! The steps type as a person would and wait for what the screen shows; at the end the whole
//! pane, scrollback and colours included (`capture-pane -e -S -`), must be the same.
//!
//! What may differ, and is made the same before the comparison:
//! * the banner's `[jit:ns]`: this runtime is an interpreter, its `system_version` has no
//!   JIT tag;
//! * the echo of the newline after `System.halt()`: the VM halts as soon as the evaluator
//!   gets there, and now and then that is before `user_drv` has written the echo of the line
//!   just entered (a race inside OTP, seen with the real `erl` too). So the steps wait for the
//!   echo of the typed call, with the cursor after it, before pressing Enter, and the
//!   newline may be missing.
//!
//! Pids (`#PID<0.150.0>` when the shell's evaluator dies) are compared as they are: this
//! runtime numbers processes as OTP does.
//!
//! `HOME` and `MIX_HOME` are in the test's temporary folder, so no `~/.iex.exs` or Mix
//! archives of the person running the tests take part. Without `tmux` or `elixir` installed
//! (Debian packages `tmux`, `elixir`) each test prints a note and passes; the real `erl` must
//! be installed.

mod common;

use common::tmux::Tmux;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BEAM: &str = env!("CARGO_BIN_EXE_beam");

/// The virtual machine under IEx.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Vm {
    /// The installed OTP's `erl`.
    Erl,
    /// This runtime, through the repository's `bin/erl`.
    Beam,
}

impl Vm {
    fn name(self) -> &'static str {
        match self {
            Vm::Erl => "erl",
            Vm::Beam => "beam",
        }
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}

/// Prints why a test does nothing and says whether it should.
fn skip(name: &str) -> bool {
    for (program, package) in [("tmux", "tmux"), ("elixir", "elixir"), ("iex", "elixir")] {
        if !on_path(program) {
            eprintln!("note: `{program}` is not installed (Debian package `{package}`); {name} is skipped");
            return true;
        }
    }
    false
}

/// `PATH` for a run on `vm`: the inherited one without the repository's `bin/`, and for
/// `beam` with that folder first.
fn path_for(vm: Vm) -> String {
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("bin");
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&inherited)
        .filter(|d| *d != ours)
        .collect();
    if vm == Vm::Beam {
        dirs.insert(0, ours);
    }
    let joined = std::env::join_paths(dirs).expect("PATH");
    joined.into_string().expect("PATH is UTF-8")
}

/// `s` quoted for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A fresh temporary folder for one scenario.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tools-iex-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch folder");
    dir
}

/// One step of a terminal scenario.
enum Step<'a> {
    /// Text typed as it is, then Enter.
    Line(&'a str),
    /// Text typed as it is.
    Type(&'a str),
    /// Keys by tmux name (`Enter`, `Up`, `Tab`, `C-c`, ...).
    Keys(&'a [&'a str]),
    /// Wait until `n` lines (scrollback included) start with this text.
    Until(&'a str, usize),
    /// Wait until the screen has not changed for this many milliseconds.
    Settle(u64),
    /// Wait until the cursor is at the end of a line that starts with this text: after a
    /// `)` the line editor shows the matching `(` for a second (it "blinks" the cursor
    /// there).
    CursorAfter(&'a str),
}
use Step::{CursorAfter, Keys, Line, Settle, Type, Until};

/// Runs `command` (`iex ...`, a shell command) on `vm` in a 120x40 terminal in `dir` (with
/// `HOME` and `MIX_HOME` in `home`), through `steps`, then waits for its end; returns the
/// whole pane, as text and with its colours and attributes.
///
/// After the VM, the session prints `EXIT=<status>` and whether the terminal mode is the one
/// it had before (`TTY-RESTORED` or `TTY-CHANGED`).
fn tmux_iex(
    name: &str,
    vm: Vm,
    dir: &Path,
    home: &Path,
    command: &str,
    steps: &[Step],
) -> (String, String) {
    let tmux = Tmux {
        socket: format!("beam-iex-test-{}-{name}-{}", std::process::id(), vm.name()),
    };
    let home = home.to_str().expect("UTF-8 path");
    let unset = common::ELIXIR_CLEARED_ENV.join(" ");
    // The shell survives the Ctrl-C that goes to the terminal's whole process group (a trap
    // that runs a command is reset to the default in the VM).
    let script = format!(
        "export PATH={path} HOME={home} MIX_HOME={mix_home} BEAM_RS_BEAM={beam} \
         ERL_CRASH_DUMP_SECONDS=0; unset {unset}; trap : INT; before=$(stty -g); \
         {command}; echo EXIT=$?; \
         if [ \"$(stty -g)\" = \"$before\" ]; then echo TTY-RESTORED; \
         else echo TTY-CHANGED; fi; sleep 120",
        path = sh_quote(&path_for(vm)),
        home = sh_quote(home),
        mix_home = sh_quote(&format!("{home}/.mix")),
        beam = sh_quote(BEAM),
    );
    let dir = dir.to_str().expect("UTF-8 path");
    tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "s",
        "-x",
        "120",
        "-y",
        "40",
        "-c",
        dir,
        "sh",
        "-c",
        &script,
    ]);
    let wait = |what: &dyn Fn(&str) -> bool, label: &str| {
        let start = Instant::now();
        loop {
            let s = tmux.pane(false);
            if what(&s) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(40),
                "{name} on {vm:?}: waited in vain for {label}; pane:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let typed = |text: &str| {
        tmux.cmd(&["send-keys", "-t", "s", "-l", text]);
    };
    for step in steps {
        match step {
            Line(text) => {
                typed(text);
                tmux.cmd(&["send-keys", "-t", "s", "Enter"]);
            }
            Type(text) => typed(text),
            Keys(keys) => {
                let mut a = vec!["send-keys", "-t", "s"];
                a.extend_from_slice(keys);
                tmux.cmd(&a);
            }
            Until(p, n) => wait(
                &|s| s.lines().filter(|l| l.starts_with(p)).count() >= *n,
                &format!("{n} x {p:?}"),
            ),
            CursorAfter(text) => wait(
                &|_| {
                    let at = tmux.cmd(&[
                        "display-message",
                        "-p",
                        "-t",
                        "s",
                        "#{cursor_x} #{cursor_y}",
                    ]);
                    let mut at = at.split_whitespace().map(|n| n.parse::<usize>().ok());
                    let (Some(Some(x)), Some(Some(y))) = (at.next(), at.next()) else {
                        return false;
                    };
                    let screen = tmux.cmd(&["capture-pane", "-p", "-t", "s"]);
                    screen.lines().nth(y).is_some_and(|l| {
                        let l = l.trim_end();
                        l.starts_with(text) && l.chars().count() == x
                    })
                },
                &format!("the cursor after {text:?}"),
            ),
            Settle(ms) => {
                let mut last = tmux.pane(true);
                let mut since = Instant::now();
                let start = Instant::now();
                while since.elapsed() < Duration::from_millis(*ms) {
                    std::thread::sleep(Duration::from_millis(20));
                    let s = tmux.pane(true);
                    if s != last {
                        last = s;
                        since = Instant::now();
                    }
                    assert!(
                        start.elapsed() < Duration::from_secs(40),
                        "{name} on {vm:?}: the screen never settles"
                    );
                }
            }
        }
    }
    wait(&|s| s.contains("TTY-"), "the end of the VM");
    (tmux.pane(false), tmux.pane(true))
}

/// Makes the parts of a pane that may differ between runs the same (see the module doc).
fn normalize(pane: &str) -> String {
    let mut s = pane.replace(" [jit:ns]", "");
    for call in ["System.halt()", "System.halt(3)"] {
        s = s.replace(&format!("{call}EXIT="), &format!("{call}\nEXIT="));
    }
    // The halt race above leaves one blank line more at the bottom of the pane.
    let trimmed = s.trim_end_matches(['\n', ' ']);
    format!("{trimmed}\n")
}

/// Runs the scenario on erl and beam at the same time, each in its own folder made by
/// `prepare(vm, home)` (a new one under `home` or `home` itself), and compares the panes
/// (text, then colours and attributes); returns beam's text (normalized).
fn assert_same_iex(
    name: &str,
    command: &str,
    prepare: &(dyn Fn(Vm, &Path) -> PathBuf + Sync),
    steps: &[Step],
) -> String {
    let base = scratch(name);
    let run = |vm: Vm| {
        let home = base.join(vm.name());
        std::fs::create_dir_all(&home).expect("create HOME");
        let dir = prepare(vm, &home);
        let (text, styled) = tmux_iex(name, vm, &dir, &home, command, steps);
        // Both VMs really ran: only the real erl's banner has the JIT tag.
        assert_eq!(
            text.contains("[jit:ns]"),
            vm == Vm::Erl,
            "{name}: is this {vm:?}?\n{text}"
        );
        (normalize(&text), normalize(&styled))
    };
    let (erl, beam) = std::thread::scope(|s| {
        let e = s.spawn(|| run(Vm::Erl));
        let b = run(Vm::Beam);
        (e.join().expect("erl scenario"), b)
    });
    assert_eq!(
        erl.0, beam.0,
        "the panes differ in {name}\n--- erl:\n{}\n--- beam:\n{}",
        erl.0, beam.0
    );
    assert_eq!(
        erl.1, beam.1,
        "the colours or attributes differ in {name}\n--- erl:\n{:?}\n--- beam:\n{:?}",
        erl.1, beam.1
    );
    let beam = beam.0;
    assert!(
        beam.contains("TTY-RESTORED"),
        "{name}: terminal not restored:\n{beam}"
    );
    if std::env::var_os("TOOLS_IEX_SHOW").is_some() {
        eprintln!("{beam}");
    }
    let _ = std::fs::remove_dir_all(&base);
    beam
}

/// Runs in `HOME` itself.
fn in_home(_vm: Vm, home: &Path) -> PathBuf {
    home.to_path_buf()
}

#[test]
fn iex_session() {
    if skip("iex_session") {
        return;
    }
    let pane = assert_same_iex(
        "session",
        "iex",
        &in_home,
        &[
            Until("iex(1)>", 1),
            Line("1 + 2"),
            Until("iex(2)>", 1),
            Line("Enum.map([1,2,3], &(&1 * 2))"),
            Until("iex(3)>", 1),
            Line("h Enum.map"),
            Until("iex(4)>", 1),
            // An expression over two lines.
            Line("x = [1,"),
            Until("...(4)>", 1),
            Line("2, 3]"),
            Until("iex(5)>", 1),
            // An error keeps the prompt's number.
            Line(":foo + 1"),
            Until("iex(5)>", 2),
            Line("i \"abc\""),
            Until("iex(6)>", 1),
            Line("v()"),
            Until("iex(7)>", 1),
            Line("v(2)"),
            Until("iex(8)>", 1),
            // Tab completion: a list of choices, then a unique completion.
            Type("Enum.ma"),
            Keys(&["Tab"]),
            Until("map_join/2", 1),
            Type("p_j"),
            Keys(&["Tab"]),
            Settle(300),
            Line("([1, 2], \"-\", &(&1 * 10))"),
            Until("iex(9)>", 1),
            // History: Up twice (as a person types: one key at a time) recalls `v(2)`.
            Keys(&["Up"]),
            Until("iex(9)> Enum.map_join", 1),
            Keys(&["Up"]),
            Until("iex(9)> v(2)", 1),
            Keys(&["Enter"]),
            Until("iex(10)>", 1),
            Line("String.upcase(\"héllo\")"),
            Until("iex(11)>", 1),
            // The shell's evaluator dies: IEx starts a new one.
            Line("spawn_link(fn -> exit(:kaboom) end); Process.sleep(100)"),
            Until("iex(1)>", 2),
            Type("System.halt()"),
            CursorAfter("iex(1)> System.halt()"),
            Keys(&["Enter"]),
        ],
    );
    for expected in [
        "iex(1)> 1 + 2\n3\n",
        "[2, 4, 6]\n",
        "def map(enumerable, fun)",
        "...(4)> 2, 3]\n",
        "** (ArithmeticError) bad argument in arithmetic expression",
        "This is a string: a UTF-8 encoded binary.",
        "map_every/3",
        "Enum.map_join([1, 2], \"-\", &(&1 * 10))\n\"10-20\"\n",
        "iex(9)> v(2)\n[2, 4, 6]\n",
        "** (EXIT from #PID<0.",
        "EXIT=0\n",
    ] {
        assert!(pane.contains(expected), "no {expected:?} in:\n{pane}");
    }
}

#[test]
fn iex_break_menu() {
    if skip("iex_break_menu") {
        return;
    }
    let menu = "BREAK: (a)bort";
    // Ctrl-C, then (a)bort.
    let pane = assert_same_iex(
        "break-a",
        "iex",
        &in_home,
        &[
            Until("iex(1)>", 1),
            Line("40 + 2"),
            Until("iex(2)>", 1),
            Keys(&["C-c"]),
            Until(menu, 1),
            Line("a"),
        ],
    );
    assert!(pane.contains("EXIT=0\n"), "{pane}");
    // Ctrl-C twice.
    assert_same_iex(
        "break-twice",
        "iex",
        &in_home,
        &[
            Until("iex(1)>", 1),
            Keys(&["C-c"]),
            Until(menu, 1),
            Keys(&["C-c"]),
        ],
    );
    // Ctrl-C, then (c)ontinue: the session goes on.
    assert_same_iex(
        "break-c",
        "iex",
        &in_home,
        &[
            Until("iex(1)>", 1),
            Keys(&["C-c"]),
            Until(menu, 1),
            Line("c"),
            Settle(300),
            Line("1 + 1"),
            Until("iex(2)>", 1),
            Type("System.halt(3)"),
            CursorAfter("iex(2)> System.halt(3)"),
            Keys(&["Enter"]),
        ],
    );
}

#[test]
fn iex_history_across_sessions() {
    if skip("iex_history_across_sessions") {
        return;
    }
    // With `-kernel shell_history enabled`, OTP keeps the lines in a `disk_log` under
    // `~/.cache/erlang-history`: a second session recalls the first one's lines.
    let iex = "iex --erl '-kernel shell_history enabled'";
    let pane = assert_same_iex(
        "history",
        &format!("{iex}; {iex}"),
        &in_home,
        &[
            Until("iex(1)>", 1),
            Line(":from_the_first_session"),
            Until("iex(2)>", 1),
            // An orderly stop: `init` takes the applications down, the log is closed.
            Type("System.stop()"),
            CursorAfter("iex(2)> System.stop()"),
            Keys(&["Enter"]),
            Until("iex(1)>", 2),
            Keys(&["Up"]),
            Until("iex(1)> System.stop()", 1),
            Keys(&["Up"]),
            Until("iex(1)> :from_the_first_session", 2),
            Keys(&["Enter"]),
            Until("iex(2)>", 2),
            Type("System.halt()"),
            CursorAfter("iex(2)> System.halt()"),
            Keys(&["Enter"]),
        ],
    );
    assert_eq!(
        pane.matches(":from_the_first_session\n:from_the_first_session\n")
            .count(),
        2,
        "{pane}"
    );
}

/// `mix new demo` in `home` with `vm`'s `erl` first on `PATH`; returns the project folder.
fn mix_new(vm: Vm, home: &Path) -> PathBuf {
    let mut cmd = Command::new("mix");
    cmd.args(["new", "demo"])
        .current_dir(home)
        .env("PATH", path_for(vm))
        .env("HOME", home)
        .env("MIX_HOME", home.join(".mix"))
        .env("BEAM_RS_BEAM", BEAM)
        .stdin(Stdio::null());
    for var in common::ELIXIR_CLEARED_ENV {
        cmd.env_remove(var);
    }
    let o = cmd.output().expect("run mix new");
    assert!(
        o.status.success(),
        "mix new demo on {vm:?} failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    home.join("demo")
}

#[test]
fn iex_s_mix() {
    if skip("iex_s_mix") {
        return;
    }
    let pane = assert_same_iex(
        "mix",
        "iex -S mix",
        &mix_new,
        &[
            Until("iex(1)>", 1),
            Line("Demo.hello()"),
            Until("iex(2)>", 1),
            Line("recompile()"),
            Until("iex(3)>", 1),
            Line("exports Demo"),
            Until("iex(4)>", 1),
            Line("Demo.nope()"),
            Until("iex(4)>", 2),
            // The project's source changes: `recompile()` compiles it again.
            Line(
                "File.write!(\"lib/demo.ex\", \
                 String.replace(File.read!(\"lib/demo.ex\"), \":world\", \":planet\"))",
            ),
            Until("iex(5)>", 1),
            Line("recompile()"),
            Until("iex(6)>", 1),
            Line("Demo.hello()"),
            Until("iex(7)>", 1),
            Type("System.halt()"),
            CursorAfter("iex(7)> System.halt()"),
            Keys(&["Enter"]),
        ],
    );
    for expected in [
        "Compiling 1 file (.ex)\nGenerated demo app\n",
        "iex(1)> Demo.hello()\n:world\n",
        "function Demo.nope/0 is undefined or private",
        "iex(6)> Demo.hello()\n:planet\n",
    ] {
        assert!(pane.contains(expected), "no {expected:?} in:\n{pane}");
    }
}

/// `iex` with its input from a pipe on `vm`: stdout, stderr and the exit status.
fn iex_piped(vm: Vm, home: &Path, input: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut cmd = Command::new("iex");
    cmd.current_dir(home)
        .env("PATH", path_for(vm))
        .env("HOME", home)
        .env("MIX_HOME", home.join(".mix"))
        .env("BEAM_RS_BEAM", BEAM)
        .env("ERL_CRASH_DUMP_SECONDS", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in common::ELIXIR_CLEARED_ENV {
        cmd.env_remove(var);
    }
    let mut child = cmd.spawn().expect("run iex");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write to iex");
    drop(stdin);
    let o = child.wait_with_output().expect("wait for iex");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn iex_without_a_terminal() {
    // Input from a pipe: no tty_sl, IEx reads lines from the plain `user` I/O server. The
    // ports are those of OTP, with the same numbers (the forker port is `#Port<0.0>`).
    if !on_path("iex") {
        eprintln!("note: `iex` is not installed (Debian package `elixir`); skipping");
        return;
    }
    let base = scratch("piped");
    for (input, status) in [
        // The end of the input ends the session.
        ("1 + 2\nIO.puts(:hi)\n", 0),
        (
            "Enum.map([1], &(&1 + 1))\n:foo + 1\nx = [1,\n2]\ni 'ab'\n\
             Port.list() |> Enum.map(&{&1, Port.info(&1, :name)})\n\
             Port.info(hd(Port.list()))\nPort.open({:spawn, 'true'}, [])\n\
             System.halt(2)\n3\n",
            2,
        ),
    ] {
        let erl = iex_piped(Vm::Erl, &base, input);
        let beam = iex_piped(Vm::Beam, &base, input);
        assert_eq!(erl, beam, "iex with the input {input:?}");
        assert_eq!(erl.0, Some(status), "{erl:?}");
    }
    let _ = std::fs::remove_dir_all(&base);
}
