//! The interactive shell: `beam` without `-noshell` starts OTP's Eshell as `erl` does, and
//! each scenario runs on the real `erl` (the oracle) and on `beam`.
//!
//! * Without a terminal (input from a pipe), OTP's `user_drv` cannot open the `tty_sl`
//!   driver and falls back to the plain `user` I/O server: stdout and the exit status must
//!   be the same byte for byte. The break menu (`SIGINT`) is driven the same way.
//! * With a terminal, the VMs run in `tmux` sessions of 120x40 and are typed at as a person
//!   would (`send-keys`); the visible screens (`capture-pane`) must be the same. Steps wait
//!   for what the screen shows, not for fixed times. The one difference allowed is the
//!   banner's `[jit:ns]`: this runtime is an interpreter (`system_info(emu_flavor)` is
//!   `emu`), so its `system_version` has no JIT tag. These scenarios are skipped with a note
//!   when `tmux` is not installed.
//!
//! The real `erl` must be installed: without it the tests fail.

mod common;

use common::tmux::Tmux;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BEAM: &str = env!("CARGO_BIN_EXE_beam");

/// What a run printed and how it ended (`None`: killed by a signal).
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    status: Option<i32>,
    stdout: String,
}

/// A running VM with its stdin and the stdout read so far.
struct Piped {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    out: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Piped {
    fn start(program: &str, args: &[&str]) -> Piped {
        let mut child = Command::new(program)
            .args(args)
            .current_dir(env!("CARGO_TARGET_TMPDIR"))
            .env("ERL_CRASH_DUMP_SECONDS", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run {program}: {e} (the real erl must be installed)")
            });
        let mut stdout = child.stdout.take().expect("stdout");
        let out = Arc::new(Mutex::new(Vec::new()));
        let out2 = out.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                out2.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Piped {
            stdin: child.stdin.take(),
            child,
            out,
            reader: Some(reader),
        }
    }

    /// Writes to the VM's stdin (a VM that has ended makes this a no-op).
    fn write(&mut self, s: &str) {
        let w = self.stdin.as_mut().expect("stdin open");
        let _ = w.write_all(s.as_bytes()).and_then(|_| w.flush());
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
    }

    /// Waits until stdout contains `s` `n` times (at most 30 s).
    fn wait_for(&self, s: &str, n: usize) {
        let start = Instant::now();
        while self.text().matches(s).count() < n {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no {s:?} (x{n}) in the output:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn signal(&self, sig: &str) {
        let st = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(st.success());
    }

    /// Closes stdin and waits for the end (at most 30 s).
    fn finish(mut self) -> Outcome {
        self.stdin = None;
        let start = Instant::now();
        let status = loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                break st.code();
            }
            if start.elapsed() > Duration::from_secs(30) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the VM did not end; output:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if let Some(r) = self.reader.take() {
            r.join().expect("stdout reader");
        }
        Outcome {
            status,
            stdout: self.text(),
        }
    }
}

/// Feeds `input` to `program args` through a pipe and waits for the end.
fn run_piped(program: &str, args: &[&str], input: &str) -> Outcome {
    let mut p = Piped::start(program, args);
    p.write(input);
    p.finish()
}

/// Runs `script` on both VMs (input from a pipe); stdout and status must be the same.
fn assert_same_piped(args: &[&str], script: &str) -> Outcome {
    let erl = std::thread::scope(|s| {
        let e = s.spawn(|| run_piped("erl", args, script));
        let b = run_piped(BEAM, args, script);
        let e = e.join().expect("erl run");
        assert_eq!(
            e.stdout, b.stdout,
            "stdout differs for {script:?}\n--- erl:\n{}\n--- beam:\n{}",
            e.stdout, b.stdout
        );
        assert_eq!(e.status, b.status, "exit status differs for {script:?}");
        e
    });
    erl
}

#[test]
fn pipe_expressions() {
    let erl = assert_same_piped(&[], "1+2.\nio:format(\"hi~n\").\nX = 5.\nX*2.\n");
    assert_eq!(
        erl.stdout,
        "Eshell V13.1.5  (abort with ^G)\n1> 3\n2> hi\nok\n3> 5\n4> 10\n\
         5> *** Terminating erlang (nonode@nohost)\n"
    );
    assert_eq!(erl.status, Some(0));
}

#[test]
fn pipe_errors() {
    assert_same_piped(
        &[],
        "1/0.\nfoo:bar().\nY.\nexit(boom).\nthrow(t).\nerlang:error(badarg).\n\
         {1,2} = {1,3}.\ncase 1 of 2 -> ok end.\nlists:foo(1).\ncatch 1/0.\n\
         fun(X) -> X end(1, 2).\nelement(5, {a}).\n1 +.\n\"unterminated.\n\".\n\
         list_to_atom(42).\n[a|b] ++ [c].\n",
    );
}

#[test]
fn pipe_multi_line_expressions() {
    assert_same_piped(
        &[],
        "lists:seq(1,\n 5).\nA = 1, B = 2,\nA + B.\n\"abc\" ++\n\"def\".\n\
         fun(X) ->\n    X + 1\nend(41).\ncase {A, B} of\n  {1, N} -> N * 10;\n  _ -> no\nend.\n\
         [X * 2 || X <- lists:seq(1, 30)].\n#{a => 1,\n  b => [1,2,3]}.\n<<1, 2,\n 3>>.\n\
         io:format(\"~p~n\", [lists:seq(1, 40)]).\n",
    );
}

#[test]
fn pipe_shell_commands() {
    assert_same_piped(
        &[],
        "X = 1.\nY = {a, \"b\"}.\nb().\nf(X).\nb().\nX.\nf().\nb().\n1/0.\nv(1).\nv(-1).\n\
         e(2).\nh().\nrd(pt, {x = 0, y}).\n#pt{y = 2}.\nrl().\nv(4).\n",
    );
}

#[test]
fn pipe_quit_and_halt() {
    let q = assert_same_piped(&[], "1.\nq().\n2.\n");
    assert_eq!(q.status, Some(0));
    let h = assert_same_piped(&[], "io:format(\"bye~n\").\nhalt(3).\n4.\n");
    assert_eq!(h.status, Some(3));
    assert_same_piped(&[], "init:stop(5).\n");
    // End of input in the middle of an expression.
    assert_same_piped(&[], "1.\n[1,\n2");
}

/// `SIGINT` once the shell waits at its first prompt, then `answers` written one at a time
/// (each after the break menu waits for it), then `rest`.
fn break_menu_run(program: &str, answers: &[&str], rest: &str) -> Outcome {
    let menu = "(l)oaded (v)ersion (k)ill (D)b-tables (d)istribution";
    let mut p = Piped::start(program, &[]);
    p.wait_for("1> ", 1);
    p.signal("-INT");
    p.wait_for(menu, 1);
    let mut menus = 1;
    for a in answers {
        p.write(a);
        if a.starts_with('x') {
            // An invalid answer shows the menu again.
            menus += 1;
            p.wait_for(menu, menus);
        } else {
            // Each answer is read on its own (the menu takes one read's first byte).
            std::thread::sleep(Duration::from_millis(300));
        }
    }
    p.write(rest);
    p.finish()
}

#[test]
fn pipe_break_menu() {
    let cases: &[(&[&str], &str)] = &[
        (&["v\n"], "1+1.\n"),
        (&["x\n", "c\n"], "c\n1+1.\n"),
        (&["\n", "c\n"], "2+2.\n"),
        (&["a\n"], "3.\n"),
        (&["d\n"], "4.\n"),
        (&["m\n"], "5.\n"),
        // A crash dump (none is written with ERL_CRASH_DUMP_SECONDS=0): the VM aborts.
        (&["A\n"], ""),
        (&[], ""),
    ];
    std::thread::scope(|s| {
        let runs: Vec<_> = cases
            .iter()
            .map(|(answers, rest)| {
                s.spawn(move || {
                    (
                        break_menu_run("erl", answers, rest),
                        break_menu_run(BEAM, answers, rest),
                    )
                })
            })
            .collect();
        for ((answers, rest), r) in cases.iter().zip(runs) {
            let (erl, beam) = r.join().expect("run");
            assert_eq!(
                erl, beam,
                "break menu with answers {answers:?} then {rest:?}:\n--- erl:\n{}\n--- beam:\n{}",
                erl.stdout, beam.stdout
            );
        }
    });
}

#[test]
fn pipe_break_disabled_and_ignored() {
    // `+Bd`: no break handler, SIGINT ends the VM. `+Bi`: it is ignored.
    for (flag, after) in [("+Bd", ""), ("+Bi", "1+1.\n")] {
        let run = |program: &str| {
            let mut p = Piped::start(program, &[flag]);
            p.wait_for("1> ", 1);
            p.signal("-INT");
            std::thread::sleep(Duration::from_millis(300));
            if !after.is_empty() {
                p.write(after);
                p.wait_for("2> ", 1);
            }
            p.finish()
        };
        let (erl, beam) = (run("erl"), run(BEAM));
        assert_eq!(erl, beam, "{flag}");
    }
}

// ----- with a terminal: tmux -----

/// One step of a terminal scenario.
enum Step<'a> {
    /// Keys by tmux name (`Enter`, `Left`, `C-g`, ...).
    Keys(&'a [&'a str]),
    /// Text typed as it is.
    Type(&'a str),
    /// Wait until `n` screen lines start with this text.
    Until(&'a str, usize),
    /// Wait until `n` screen lines are exactly this text (trailing blanks aside).
    Line(&'a str, usize),
    /// Wait until the screen has not changed for this many milliseconds.
    Settle(u64),
}
use Step::{Keys, Line, Settle, Type, Until};

fn tmux_present() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// How the VM is started in the terminal.
enum Session<'a> {
    /// By a script: `vm flags`, then the session prints `EXIT=<status>` and whether the
    /// terminal mode is the one it had before (`TTY-RESTORED` or `TTY-CHANGED`).
    Script(&'a str),
    /// An interactive bash (job control), with the VM's path in `$VM`: the steps start it.
    Bash,
}

/// Runs `vm` in a 120x40 terminal as `session` says, through `steps`; with `ends`, then
/// waits for the VM's end (a [`Session::Script`]); returns the screen.
fn tmux_run(name: &str, vm: &str, session: &Session, steps: &[Step], ends: bool) -> String {
    let tmux = Tmux {
        socket: format!("beam-shell-test-{}-{name}", std::process::id()),
    };
    let dir = env!("CARGO_TARGET_TMPDIR");
    let mut new = vec![
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
    ];
    // The shell survives the Ctrl-C that goes to the terminal's whole process group (a
    // trap that runs a command is reset to the default in the VM).
    let script;
    let vm_env = format!("VM={vm}");
    match session {
        Session::Script(flags) => {
            script = format!(
                "trap : INT; before=$(stty -g); {vm} {flags}; echo EXIT=$?; \
                 if [ \"$(stty -g)\" = \"$before\" ]; then echo TTY-RESTORED; \
                 else echo TTY-CHANGED; fi; sleep 120"
            );
            new.extend(["sh", "-c", &script]);
        }
        Session::Bash => {
            new.extend(["-e", &vm_env, "-e", "PS1=$ "]);
            new.extend(["bash", "--norc", "--noprofile", "-i"]);
        }
    }
    tmux.cmd(&new);
    let lines_starting =
        |screen: &str, p: &str| screen.lines().filter(|l| l.starts_with(p)).count();
    let wait = |what: &dyn Fn(&str) -> bool, label: &str| {
        let start = Instant::now();
        loop {
            let s = tmux.screen();
            if what(&s) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{vm}: waited in vain for {label}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    for step in steps {
        match step {
            Keys(keys) => {
                let mut a = vec!["send-keys", "-t", "s"];
                a.extend_from_slice(keys);
                tmux.cmd(&a);
            }
            Type(text) => {
                tmux.cmd(&["send-keys", "-t", "s", "-l", text]);
            }
            Until(p, n) => wait(&|s| lines_starting(s, p) >= *n, &format!("{n} x {p:?}")),
            Line(l, n) => wait(
                &|s| s.lines().filter(|x| x.trim_end() == *l).count() >= *n,
                &format!("{n} x the line {l:?}"),
            ),
            Settle(ms) => {
                let mut last = tmux.screen();
                let mut since = Instant::now();
                let start = Instant::now();
                while since.elapsed() < Duration::from_millis(*ms) {
                    std::thread::sleep(Duration::from_millis(20));
                    let s = tmux.screen();
                    if s != last {
                        last = s;
                        since = Instant::now();
                    }
                    assert!(
                        start.elapsed() < Duration::from_secs(30),
                        "screen never settles"
                    );
                }
            }
        }
    }
    if ends {
        wait(&|s| s.contains("TTY-"), "the end of the VM");
    }
    tmux.screen()
}

/// Runs the scenario on erl and beam (at the same time) and compares the screens.
fn assert_same_screen(name: &str, session: Session, steps: &[Step], ends: bool) -> String {
    if !tmux_present() {
        eprintln!("note: tmux is not installed; the terminal scenario {name} is skipped");
        return String::new();
    }
    let (erl, beam) = std::thread::scope(|s| {
        let e = s.spawn(|| tmux_run(&format!("{name}-erl"), "erl", &session, steps, ends));
        let b = tmux_run(&format!("{name}-beam"), BEAM, &session, steps, ends);
        (e.join().expect("erl scenario"), b)
    });
    // The one allowed difference: the banner of an interpreter has no JIT tag.
    let erl = erl.replacen(" [jit:ns]", "", 1);
    assert_eq!(
        erl, beam,
        "the screens differ in {name}\n--- erl:\n{erl}\n--- beam:\n{beam}"
    );
    if ends {
        assert!(
            beam.contains("TTY-RESTORED"),
            "{name}: terminal not restored:\n{beam}"
        );
    }
    beam
}

#[test]
fn tty_editing_history_and_jobs() {
    let screen = assert_same_screen(
        "edit",
        Session::Script(""),
        &[
            Until("1>", 1),
            Type("1+2."),
            Keys(&["Enter"]),
            Until("2>", 1),
            // Line editing: the cursor goes back three characters, "2," is inserted.
            Type("[1,3]."),
            Keys(&["Left", "Left", "Left"]),
            Type("2,"),
            Keys(&["Enter"]),
            Until("3>", 1),
            // Deleting backwards and forwards, start of line, kill to end.
            Type("abcdefgh"),
            Keys(&["BSpace", "BSpace", "C-a", "Right", "Right", "C-k"]),
            Type("c + 1."),
            Keys(&["C-a"]),
            Type("A"),
            Keys(&["C-e", "Enter"]),
            Until("4>", 1),
            // History: Up recalls [1,2,3].
            Keys(&["Up", "Up"]),
            Settle(200),
            Keys(&["Enter"]),
            Until("5>", 1),
            // Job control: ^G, list the jobs, start a second shell, connect back.
            Keys(&["C-g"]),
            Until(" -->", 1),
            Type("j"),
            Keys(&["Enter"]),
            Until(" -->", 2),
            Type("s"),
            Keys(&["Enter"]),
            Until(" -->", 3),
            Type("j"),
            Keys(&["Enter"]),
            Until(" -->", 4),
            Type("c 1"),
            Keys(&["Enter"]),
            Settle(300),
            Type("ok."),
            Keys(&["Enter"]),
            Until("6>", 1),
            Type("q()."),
            Keys(&["Enter"]),
        ],
        true,
    );
    assert!(screen.contains("2> [1,2,3].\n[1,2,3]\n"), "{screen}");
    assert!(screen.contains("EXIT=0"), "{screen}");
}

#[test]
fn tty_long_lines_and_wide_characters() {
    let long: String = format!(
        "[{}].",
        (0..40).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    );
    let left: Vec<&str> = std::iter::repeat_n("Left", 50).collect();
    assert_same_screen(
        "wrap",
        Session::Script(""),
        &[
            Until("1>", 1),
            // A line over two rows, edited across the row boundary.
            Type(&long),
            Keys(&left),
            Type("777,"),
            Keys(&["BSpace", "BSpace", "C-d", "C-d"]),
            Settle(200),
            Keys(&["Enter"]),
            Until("2>", 1),
            Type("\"中文字\""),
            Keys(&["Left", "Left"]),
            Type("x"),
            Keys(&["BSpace", "BSpace"]),
            Type("yz"),
            Keys(&["C-e"]),
            Type("."),
            Keys(&["Enter"]),
            Until("3>", 1),
            Type("io:format(\"~ts~n~ts\", [lists:duplicate(119, $x), lists:duplicate(120, $y)])."),
            Keys(&["Enter"]),
            Until("4>", 1),
            Type("io:format(\"ab\\rc\\tb\\tc\\x01\\x7f|\\e[1mbold\\e[0m~n\")."),
            Keys(&["Enter"]),
            Until("5>", 1),
            // The shell writes the newline of the line it read as it hands the line
            // over; a pause lets it reach the terminal before the VM halts (on a
            // loaded machine either VM could halt first and lose it).
            Type("timer:sleep(200), halt(3)."),
            Keys(&["Enter"]),
        ],
        true,
    );
}

#[test]
fn tty_break_menu() {
    let menu = "       (l)oaded";
    let screen = assert_same_screen(
        "break",
        Session::Script(""),
        &[
            Until("1>", 1),
            Keys(&["C-c"]),
            Until(menu, 1),
            Type("v"),
            Keys(&["Enter"]),
            Until("Erlang (BEAM) emulator version", 1),
            Type("1+2."),
            Keys(&["Enter"]),
            Until("2>", 1),
            Keys(&["C-c"]),
            Until(menu, 2),
            Type("x"),
            Keys(&["Enter"]),
            Until(menu, 3),
            Type("c"),
            Keys(&["Enter"]),
            Settle(300),
            Type("3."),
            Keys(&["Enter"]),
            Until("3>", 1),
            Keys(&["C-c"]),
            Until(menu, 4),
            Type("a"),
            Keys(&["Enter"]),
        ],
        true,
    );
    assert!(screen.contains("EXIT=0"), "{screen}");
}

#[test]
fn tty_break_twice_ends_the_vm() {
    assert_same_screen(
        "break2",
        Session::Script(""),
        &[
            Until("1>", 1),
            Keys(&["C-c"]),
            Until("       (l)oaded", 1),
            Keys(&["C-c"]),
        ],
        true,
    );
}

#[test]
fn tty_break_flags() {
    // +Bc: Ctrl-C interrupts the shell's evaluation (and an idle shell).
    assert_same_screen(
        "bc",
        Session::Script("+Bc"),
        &[
            Until("1>", 1),
            Type("receive after 20000 -> ok end."),
            Keys(&["Enter"]),
            Settle(300),
            Keys(&["C-c"]),
            Until("2>", 1),
            Type("1."),
            Keys(&["Enter"]),
            Until("3>", 1),
            Keys(&["C-c"]),
            Until("3>", 2),
            Type("q()."),
            Keys(&["Enter"]),
        ],
        true,
    );
    // +Bi: Ctrl-C is ignored; q in the ^G menu is refused.
    assert_same_screen(
        "bi",
        Session::Script("+Bi"),
        &[
            Until("1>", 1),
            Keys(&["C-c"]),
            Settle(300),
            Type("erlang:system_info(break_ignored)."),
            Keys(&["Enter"]),
            Until("2>", 1),
            Keys(&["C-g"]),
            Until(" -->", 1),
            Type("q"),
            Keys(&["Enter"]),
            Until(" -->", 2),
            Type("c"),
            Keys(&["Enter"]),
            Settle(300),
            // The shell writes the newline of the line it read as it hands the line
            // over; a pause lets it reach the terminal before the VM halts (on a
            // loaded machine either VM could halt first and lose it).
            Type("timer:sleep(200), halt()."),
            Keys(&["Enter"]),
        ],
        true,
    );
}

#[test]
fn shell_needs_no_noshell_flag() {
    // The refusal of earlier versions is gone: with input from /dev/null the shell starts
    // and ends at once, as erl's.
    let run = |program: &str| {
        let o = Command::new(program)
            .current_dir(Path::new(env!("CARGO_TARGET_TMPDIR")))
            .stdin(Stdio::null())
            .output()
            .expect("run");
        (o.status.code(), o.stdout)
    };
    assert_eq!(run("erl"), run(BEAM));
}

#[test]
fn tty_suspend_and_continue() {
    // Ctrl-Z stops the VM, and the shell's `fg` continues it: the terminal is raw again
    // (line editing works, typed text is not echoed twice).
    let screen = assert_same_screen(
        "suspend",
        Session::Bash,
        &[
            Line("$", 1),
            Type("$VM"),
            Keys(&["Enter"]),
            Until("1>", 1),
            Type("1+2."),
            Keys(&["Enter"]),
            Until("2>", 1),
            Keys(&["C-z"]),
            Until("[1]+", 1),
            Type("fg"),
            Keys(&["Enter"]),
            Until("$VM", 1),
            Settle(300),
            Type("[1,3]."),
            Keys(&["Left", "Left", "Left"]),
            Type("2,"),
            Keys(&["Enter"]),
            Until("3>", 1),
            // The shell writes the newline of the line it read as it hands the line
            // over; a pause lets it reach the terminal before the VM halts (on a
            // loaded machine either VM could halt first and lose it).
            Type("timer:sleep(200), halt(4)."),
            Keys(&["Enter"]),
            Line("$", 1),
            Type("echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -c -x -e icanon -e echo"),
            Keys(&["Enter"]),
            Until("EXIT=4", 1),
            Settle(200),
        ],
        false,
    );
    if !screen.is_empty() {
        assert!(screen.contains("[1,2,3].\n[1,2,3]\n"), "{screen}");
        assert!(screen.contains("\nEXIT=4\n2\n"), "{screen}");
    }
}

#[test]
fn tty_remote_shell() {
    // `-remsh`: a shell in this terminal whose evaluator runs on another node. Each VM
    // connects to a target node of its own kind, one after the other under the same names,
    // so the screens (prompts with the target's name included) can be compared.
    if !tmux_present() {
        eprintln!("note: tmux is not installed; the remote shell scenario is skipped");
        return;
    }
    let target = format!("rtgt{}", std::process::id());
    let flags = format!(
        "-sname rsh{} -setcookie beam_rs_remsh -remsh {target}",
        std::process::id()
    );
    let steps = [
        Until("(rtgt", 1),
        Type("lists:max([3, 9, 2])."),
        Keys(&["Enter"]),
        Line("9", 1),
        Type("io:format(\"~p~n\", [lists:seq(1, 5)])."),
        Keys(&["Enter"]),
        Line("ok", 1),
        Type("{length(nodes()), node() =:= node(group_leader())}."),
        Keys(&["Enter"]),
        Line("{1,false}", 1),
        Keys(&["C-g"]),
        Until(" -->", 1),
        Type("q"),
        Keys(&["Enter"]),
    ];
    let run =
        |vm: &str| {
            let mut t = Command::new(vm)
                .args(["-sname", &target, "-setcookie", "beam_rs_remsh", "-noshell"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start the target node");
            // The remote shell's node waits for nothing: the target must be registered first.
            let start = Instant::now();
            while !Command::new("epmd").arg("-names").output().is_ok_and(|o| {
                String::from_utf8_lossy(&o.stdout).contains(&format!("name {target} "))
            }) {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "the target never registered"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
            let screen = tmux_run(
                &format!("remsh-{}", vm.len()),
                vm,
                &Session::Script(&flags),
                &steps,
                true,
            );
            let _ = t.kill();
            let _ = t.wait();
            screen
        };
    let erl = run("erl").replacen(" [jit:ns]", "", 1);
    let beam = run(BEAM);
    assert_eq!(
        erl, beam,
        "the screens differ\n--- erl:\n{erl}\n--- beam:\n{beam}"
    );
    assert!(
        beam.contains("TTY-RESTORED"),
        "terminal not restored:\n{beam}"
    );
}
