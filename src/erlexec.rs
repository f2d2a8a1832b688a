//! What OTP's `erlexec` does to the command line before it looks at the flags: the flags of
//! the environment variables `ERL_AFLAGS` (before the command line), `ERL_FLAGS` and
//! `ERL_ZFLAGS` (after it) are merged in, each group ending with `--` so that flags of
//! different groups do not run into each other; `-args_file FILE` is replaced by the flags
//! read from FILE (`#` starts a comment there); and everything after an `-extra` of any group
//! is moved to one `-extra` at the end. With no environment flags and no `-args_file`, the
//! command line is kept as it is.

use std::path::PathBuf;

/// Why the command line could not be expanded.
#[derive(Debug)]
pub enum ErlexecError {
    /// `-args_file` without a file name.
    MissingArgsFile,
    /// An arguments file could not be read.
    ArgsFile(PathBuf, std::io::Error),
}

impl std::fmt::Display for ErlexecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErlexecError::MissingArgsFile => write!(f, "-args_file needs a file name"),
            ErlexecError::ArgsFile(p, e) => {
                write!(f, "Failed to open arguments file \"{}\": {e}", p.display())
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
}
