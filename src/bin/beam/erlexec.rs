//! What OTP's `erlexec` does to the command line before it looks at the flags: the flags of
//! the environment variables `ERL_AFLAGS` (before the command line), `ERL_FLAGS` and
//! `ERL_ZFLAGS` (after it) are merged in, each group ending with `--` so that flags of
//! different groups do not run into each other; `-args_file FILE` is replaced by the flags
//! read from FILE (`#` starts a comment there); and everything after an `-extra` of any group
//! is moved to one `-extra` at the end. With no environment flags and no `-args_file`, the
//! command line is kept as it is ([`expand`]).
//!
//! Then ([`launch`]) the expanded line is split as `erlexec` splits it between the emulator
//! and `init`: `+` flags become the emulator's flags (`-` flags of `beam.smp`; which of them
//! take the next argument as their value is `erlexec`'s rule, [`plus_takes_value`]), and the
//! flags `erlexec` itself handles are acted on (`-env`, `-detached`, `-noinput`, `-version`,
//! `-compile`, `-make`, `-start_epmd`, `-smp disable`, `-emu_args_exit`); everything else,
//! in order, is for `init`.

use std::path::PathBuf;

/// Why the command line could not be expanded.
#[derive(Debug)]
pub enum ErlexecError {
    /// `-args_file` without a file name.
    MissingArgsFile,
    /// An arguments file could not be read.
    ArgsFile(PathBuf, std::io::Error),
    /// A flag without the value(s) it needs (`erlexec`'s `usage(flag)`).
    MissingArgument(String),
    /// A flag this OTP no longer supports, with a hint.
    NotSupported(&'static str, &'static str),
    /// `-start_epmd` with something else than `true` or `false`.
    StartEpmdNotBoolean,
}

impl std::fmt::Display for ErlexecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErlexecError::MissingArgsFile => write!(f, "Missing argument(s) for '-args_file'."),
            ErlexecError::ArgsFile(p, e) => {
                // As `strerror` says it, without Rust's " (os error N)".
                let text = e.to_string();
                let text = text.split(" (os error").next().unwrap_or_default();
                let cwd = std::env::current_dir().unwrap_or_default();
                write!(
                    f,
                    "Failed to open arguments file \"{}\" at \"{}\": {text}",
                    p.display(),
                    cwd.display()
                )
            }
            ErlexecError::MissingArgument(flag) => write!(f, "Missing argument(s) for '{flag}'."),
            ErlexecError::NotSupported(flag, hint) => {
                write!(f, "Argument '{flag}' not supported.{hint}")
            }
            ErlexecError::StartEpmdNotBoolean => {
                write!(f, "Expected boolean argument for '-start_epmd'.")
            }
        }
    }
}

/// Splits `s` into arguments as `erlexec` does: separated by white space, with `"..."` and
/// `'...'` quoting and `\` taking the next character as it is; with `comments`, `#` starts a
/// comment running to the end of the line.
pub fn split_flags(s: &str, comments: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' if comments => {
                if let Some(a) = cur.take() {
                    out.push(a);
                }
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' => {
                if let Some(a) = cur.take() {
                    out.push(a);
                }
            }
            '"' | '\'' => {
                let arg = cur.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    arg.push(q);
                }
            }
            '\\' => {
                let arg = cur.get_or_insert_with(String::new);
                if let Some(n) = chars.next() {
                    arg.push(n);
                }
            }
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(a) = cur {
        out.push(a);
    }
    out
}

/// The flags of environment variable `var`, followed by `--`; none when it is unset or
/// holds no flags.
fn env_group(var: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<Vec<String>> {
    let mut v = split_flags(&env(var)?, false);
    if v.is_empty() {
        return None;
    }
    v.push("--".to_string());
    Some(v)
}

/// Adds the arguments of `group` to `args` (and what follows an `-extra` to `extra`),
/// expanding `-args_file`s.
fn take_group(
    group: &[String],
    args: &mut Vec<String>,
    extra: &mut Vec<String>,
    depth: usize,
) -> Result<(), ErlexecError> {
    let mut i = 0;
    while i < group.len() {
        let a = &group[i];
        if a == "-args_file" {
            let f = group.get(i + 1).ok_or(ErlexecError::MissingArgsFile)?;
            let text = std::fs::read_to_string(f)
                .map_err(|e| ErlexecError::ArgsFile(PathBuf::from(f), e))?;
            let mut from_file = split_flags(&text, true);
            if !from_file.is_empty() {
                from_file.push("--".to_string());
            }
            // A file that names itself would never end; erlexec would not either, but this
            // one stops.
            if depth < 64 {
                take_group(&from_file, args, extra, depth + 1)?;
            }
            i += 2;
            continue;
        }
        if a == "-extra" {
            extra.extend(group[i + 1..].iter().cloned());
            return Ok(());
        }
        args.push(a.clone());
        i += 1;
    }
    Ok(())
}

/// The command line `cmdline` (without the program name) as `erlexec` goes on with it, the
/// environment read through `env`.
pub fn expand(
    cmdline: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, ErlexecError> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    groups.extend(env_group("ERL_OTP25_FLAGS", env));
    groups.extend(env_group("ERL_AFLAGS", env));
    let from_env_before = groups.len();
    if !cmdline.is_empty() {
        groups.push(cmdline.to_vec());
        groups.push(vec!["--".to_string()]);
    }
    groups.extend(env_group("ERL_FLAGS", env));
    groups.extend(env_group("ERL_ZFLAGS", env));
    let only_cmdline = from_env_before == 0 && groups.len() == usize::from(!cmdline.is_empty()) * 2;
    let plain = cmdline
        .iter()
        .take_while(|a| *a != "-extra")
        .all(|a| a != "-args_file");
    if only_cmdline && plain {
        return Ok(cmdline.to_vec());
    }
    let mut args = Vec::new();
    let mut extra = Vec::new();
    for g in &groups {
        take_group(g, &mut args, &mut extra, 0)?;
    }
    if !extra.is_empty() {
        args.push("-extra".to_string());
        args.extend(extra);
    }
    Ok(args)
}

/// What `erlexec` makes of the (expanded) command line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Launch {
    /// The emulator's flags as `beam.smp` gets them: each `+X` of the command line as `-X`,
    /// with its value (if it takes one) as the next element, in order.
    pub emulator: Vec<String>,
    /// The arguments for `init`, as they follow `-home HOME --` in `beam.smp`'s argument
    /// vector (`-extra` and what follows it included).
    pub init: Vec<String>,
    /// `-env VAR VALUE` settings, in order (`erlexec` sets them in its own environment).
    pub env: Vec<(String, String)>,
    /// `-detached`: start in the background, detached from the terminal.
    pub detached: bool,
    /// `-emu_args_exit`: print the emulator's argument vector and exit.
    pub print_args_exit: bool,
    /// `-emu_args`: print the command that is executed before executing it.
    pub verbose: bool,
    /// `-name` or `-sname` was given: the node is distributed, and `epmd` is started
    /// (`epmd -daemon`) unless `-start_epmd false`.
    pub distributed: bool,
    /// `-start_epmd false` was given.
    pub no_epmd: bool,
    /// `-epmd PROGRAM`: the `epmd` to start instead of the one in the emulator's `bin`.
    pub epmd: Option<String>,
}

/// The allocator letters of `+M<X><switch>` (OTP's alloc_util allocators, `u` for all).
const ALLOC_LETTERS: &str = "uBIDEFHLRSTZ";
/// The switches of an alloc_util allocator that take a value.
const ALLOC_SWITCHES: &[&str] = &[
    "as", "asbcst", "atags", "acul", "acnl", "acfml", "cp", "e", "t", "lmbcs", "mbcgs", "mbsd",
    "mmbcs", "mmmbc", "mmsbc", "msbclt", "ramv", "rmbcmt", "rsbcmt", "rsbcst", "sbct", "smbcs",
];
/// The other `+M` switches that take a value.
const OTHER_M_SWITCHES: &[&str] = &[
    "ea", "ummc", "uycs", "usac", "im", "is", "lpm", "Mamcbf", "Mrmcbf", "Mmcs", "Mscs", "Mscrfsd",
    "Msco", "Mscrpm", "Ye", "Ym", "Ytp", "Ytt", "Iscs", "Xscs",
];
/// The `+s` switches that take a value.
const S_SWITCHES: &[&str] = &[
    "bt", "bwtdcpu", "bwtdio", "bwt", "cl", "ct", "ecio", "fwi", "tbt", "wct", "wtdcpu", "wtdio",
    "wt", "ws", "ss", "ssdcpu", "ssdio", "pp", "ub",
];
/// The `+h` switches that take a value (`+h` alone too).
const H_SWITCHES: &[&str] = &["", "ms", "mbs", "pds", "max", "maxk", "maxel", "mqd"];
/// The `+z` switches that take a value.
const Z_SWITCHES: &[&str] = &["dbbl", "dntgc", "ebwt", "osrl"];

/// Whether the emulator flag `flag` (`+...`) takes the next argument (`next`) as its value,
/// by `erlexec`'s rules of OTP 25; an error for the forms `erlexec` refuses. A flag that does
/// not take the next argument may still carry a value in itself (`+S4`, `+hms233`, `+Wi`):
/// that is the emulator's business.
pub fn plus_takes_value(flag: &str, next: Option<&str>) -> Result<bool, ErlexecError> {
    let rest = &flag[1..];
    let missing = || ErlexecError::MissingArgument(flag.to_string());
    let Some(first) = rest.chars().next() else {
        return Ok(false);
    };
    let sub = &rest[first.len_utf8()..];
    Ok(match first {
        'a' | 'A' | 'C' | 'e' | 'i' | 'n' | 'P' | 'Q' | 't' | 'T' | 'R' | 'W' | 'K' => {
            sub.is_empty()
        }
        'J' => true,
        'I' => match sub {
            "Ot" | "Op" | "OPt" | "OPp" => true,
            _ => return Err(missing()),
        },
        'S' => match sub {
            "" | "P" | "Dcpu" | "DPcpu" | "Dio" => true,
            _ if sub.starts_with('D')
                && !["Dcpu", "DPcpu", "Dio"].iter().any(|p| sub.starts_with(p)) =>
            {
                return Err(missing())
            }
            _ => false,
        },
        'B' => match sub {
            "" => next == Some("i"),
            "c" | "d" | "i" => false,
            // erlexec has already turned the flag into its `-` form when it refuses it.
            _ => return Err(ErlexecError::MissingArgument(format!("-{rest}"))),
        },
        'c' => sub.is_empty() && matches!(next, Some("true") | Some("false")),
        'M' => {
            let mut cs = sub.chars();
            let alloc = cs.next().is_some_and(|c| ALLOC_LETTERS.contains(c));
            (alloc && ALLOC_SWITCHES.contains(&cs.as_str())) || OTHER_M_SWITCHES.contains(&sub)
        }
        'h' => H_SWITCHES.contains(&sub),
        'r' => sub == "g",
        's' => S_SWITCHES.contains(&sub),
        'p' => sub == "c",
        'z' => Z_SWITCHES.contains(&sub),
        _ => false,
    })
}

/// Splits the expanded command line `args` as `erlexec` does (see the module's doc).
pub fn launch(args: &[String]) -> Result<Launch, ErlexecError> {
    // erlexec looks for `-smp disable` before anything else (up to `-extra`).
    let mut i = 0;
    while i < args.len() && args[i] != "-extra" {
        let disabled = match args[i].as_str() {
            "-smp" => args.get(i + 1).is_some_and(|a| a == "disable"),
            "-smpdisable" => true,
            _ => false,
        };
        if disabled {
            return Err(ErlexecError::NotSupported(
                "-smp disable",
                " Use \"+S 1\" instead.",
            ));
        }
        i += 1;
    }
    let mut l = Launch::default();
    let mut i = 0;
    let missing = |f: &str| ErlexecError::MissingArgument(f.to_string());
    while i < args.len() {
        let a = args[i].as_str();
        if let Some(flag) = a.strip_prefix('+') {
            if plus_takes_value(a, args.get(i + 1).map(String::as_str))? {
                let v = args.get(i + 1).ok_or_else(|| missing(a))?;
                l.emulator.push(format!("-{flag}"));
                l.emulator.push(v.clone());
                i += 2;
            } else {
                l.emulator.push(format!("-{flag}"));
                i += 1;
            }
            continue;
        }
        match a {
            "-extra" => {
                l.init.extend(args[i..].iter().cloned());
                break;
            }
            "-detached" => {
                l.detached = true;
                l.init
                    .extend(["-noshell".to_string(), "-noinput".to_string()]);
            }
            "-noinput" => l
                .init
                .extend(["-noshell".to_string(), "-noinput".to_string()]),
            "-env" => {
                let (Some(k), Some(v)) = (args.get(i + 1), args.get(i + 2)) else {
                    return Err(missing(a));
                };
                l.env.push((k.clone(), v.clone()));
                i += 2;
            }
            "-version" => l.emulator.push("-V".to_string()),
            "-compile" => {
                l.init
                    .extend(["-noshell", "-noinput", "-s", "c", "lc_batch"].map(str::to_string));
                l.emulator.push("-B".to_string());
            }
            "-make" => {
                l.init.extend(
                    ["-noshell", "-noinput", "-s", "make", "all_or_nothing"].map(str::to_string),
                );
                l.emulator.push("-B".to_string());
                // The rest of the command line is ignored; the system halts afterwards.
                l.init.extend(["-s", "erlang", "halt"].map(str::to_string));
                break;
            }
            "-name" | "-sname" => {
                let v = args.get(i + 1).ok_or_else(|| missing(a))?;
                l.init.extend([a.to_string(), v.clone()]);
                l.distributed = true;
                i += 1;
            }
            "-start_epmd" => {
                let v = args.get(i + 1).ok_or_else(|| missing(a))?;
                if v != "true" && v != "false" {
                    return Err(ErlexecError::StartEpmdNotBoolean);
                }
                l.no_epmd = v == "false";
                l.init.extend([a.to_string(), v.clone()]);
                i += 1;
            }
            "-epmd" => {
                l.epmd = Some(args.get(i + 1).ok_or_else(|| missing(a))?.clone());
                i += 1;
            }
            "-emu_args" => l.verbose = true,
            "-emu_args_exit" => l.print_args_exit = true,
            "-keep_window" => {}
            _ => l.init.push(a.to_string()),
        }
        i += 1;
    }
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, val)| val.to_string())
        }
    }

    #[test]
    fn splitting_follows_erlexecs_quoting() {
        assert_eq!(
            split_flags(" -a 'b c' \"d e\"f g\\ h  ", false),
            v(&["-a", "b c", "d ef", "g h"])
        );
        assert_eq!(split_flags("-a # x y\n-b", true), v(&["-a", "-b"]));
        assert_eq!(split_flags("-a#b", false), v(&["-a#b"]));
        assert!(split_flags("   ", false).is_empty());
    }

    #[test]
    fn a_plain_command_line_is_kept() {
        let cmd = v(&["-noshell", "-extra", "x", "--"]);
        assert_eq!(expand(&cmd, &env_of(&[])).unwrap(), cmd);
    }

    #[test]
    fn environment_groups_are_merged_as_erlexec_does() {
        // As `ERL_AFLAGS="-a1 x" ERL_FLAGS="-f1 y" ERL_ZFLAGS="-z1 z" erl -noshell -s foo
        // -extra e1` reaches `init` on OTP 25.
        let env = env_of(&[
            ("ERL_AFLAGS", "-a1 x"),
            ("ERL_FLAGS", "-f1 y"),
            ("ERL_ZFLAGS", "-z1 z"),
        ]);
        let cmd = v(&["-noshell", "-s", "foo", "-extra", "e1"]);
        assert_eq!(
            expand(&cmd, &env).unwrap(),
            v(&[
                "-a1", "x", "--", "-noshell", "-s", "foo", "--", "-f1", "y", "--", "-z1", "z",
                "--", "-extra", "e1"
            ])
        );
        // An `-extra` in a variable takes that group's closing `--` along.
        let env = env_of(&[("ERL_FLAGS", "-extra q")]);
        let cmd = v(&["-noshell", "-extra", "e1"]);
        assert_eq!(
            expand(&cmd, &env).unwrap(),
            v(&["-noshell", "--", "-extra", "e1", "q", "--"])
        );
    }

    #[test]
    fn args_files_are_read() {
        let dir = std::env::temp_dir().join(format!("erlexec-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("args");
        std::fs::write(&f, "-pa /x # a comment\n-s m\n").unwrap();
        let cmd = v(&[
            "-noshell",
            "-args_file",
            f.to_str().unwrap(),
            "-eval",
            "ok.",
        ]);
        assert_eq!(
            expand(&cmd, &env_of(&[])).unwrap(),
            v(&["-noshell", "-pa", "/x", "-s", "m", "--", "-eval", "ok.", "--"])
        );
        let missing = v(&["-args_file", "/no/such/file"]);
        assert!(matches!(
            expand(&missing, &env_of(&[])),
            Err(ErlexecError::ArgsFile(..))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn plus_flags_take_values_as_erlexec_decides() {
        let t = |f: &str, n: Option<&str>| plus_takes_value(f, n).unwrap();
        for f in [
            "+S", "+SP", "+SDcpu", "+SDPcpu", "+SDio", "+P", "+Q", "+A", "+K", "+e", "+t",
        ] {
            assert!(t(f, Some("1")), "{f}");
        }
        for f in [
            "+hms", "+hmbs", "+hmax", "+hmaxk", "+sbt", "+sbwt", "+swt", "+pc", "+zdbbl",
        ] {
            assert!(t(f, Some("x")), "{f}");
        }
        for f in [
            "+MIscs", "+MBas", "+Mea", "+JPperf", "+IOt", "+IOp", "+rg", "+MYm",
        ] {
            assert!(t(f, Some("x")), "{f}");
        }
        for f in [
            "+S4", "+V", "+fnu", "+fna", "+fnl", "+Bc", "+r", "+W1", "+ssrct", "+Mit",
        ] {
            assert!(!t(f, Some("x")), "{f}");
        }
        assert!(t("+c", Some("true")));
        assert!(!t("+c", Some("x")));
        assert!(t("+B", Some("i")));
        assert!(!t("+B", Some("x")));
        assert!(plus_takes_value("+Ix", None).is_err());
        assert!(plus_takes_value("+SDx", None).is_err());
    }

    #[test]
    fn the_command_line_is_split_between_emulator_and_init() {
        let l = launch(&v(&[
            "+S", "2", "-noinput", "+hms233", "-env", "A", "b", "-version", "+e", "+l", "-s", "m",
            "-extra", "+P", "-env",
        ]))
        .unwrap();
        assert_eq!(l.emulator, v(&["-S", "2", "-hms233", "-V", "-e", "+l"]));
        assert_eq!(
            l.init,
            v(&["-noshell", "-noinput", "-s", "m", "-extra", "+P", "-env"])
        );
        assert_eq!(l.env, vec![("A".to_string(), "b".to_string())]);
        assert!(matches!(
            launch(&v(&["-noshell", "+S"])),
            Err(ErlexecError::MissingArgument(f)) if f == "+S"
        ));
        assert!(matches!(
            launch(&v(&["-smp", "disable"])),
            Err(ErlexecError::NotSupported(..))
        ));
        let d = launch(&v(&["-detached", "-s", "m"])).unwrap();
        assert!(d.detached);
        assert_eq!(d.init, v(&["-noshell", "-noinput", "-s", "m"]));
    }
}
