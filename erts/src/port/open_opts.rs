//! The arguments of `open_port/2` (OTP's `open_port` in `erl_bif_port.c`): the port name
//! (`{spawn, Cmd}`, `{spawn_driver, Name}`, `{spawn_executable, File}`, `{fd, In, Out}`) and
//! the settings list, checked and turned into an [`OpenSpec`] with OTP's defaults. Anything
//! OTP refuses is `None` here (`badarg`).

use crate::atom::{self, Atom};
use crate::term::boxed;
use crate::term::Term;

/// Which kind of port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortKind {
    /// `{spawn, Command}`: a driver named by the command's first word, else a shell command.
    Spawn,
    /// `{spawn_driver, Command}`: only a driver.
    SpawnDriver,
    /// `{spawn_executable, File}`: run this file directly.
    SpawnExecutable,
    /// `{fd, In, Out}` (-1 stands for a number that is no descriptor).
    Fd(i32, i32),
    /// An atom or string name: OTP's `vanilla` driver, a port over that file.
    Vanilla,
}

/// OTP's busy limits bounds (`ERL_DRV_BUSY_MSGQ_LIM_MIN/MAX`).
const LIM_MIN: u64 = 1;
const LIM_MAX: u64 = (1 << 59) - 1;

/// The parsed `open_port/2` arguments.
#[derive(Clone, Debug)]
pub struct OpenSpec {
    pub kind: PortKind,
    /// The command, driver name or file name (as given; `"In/Out"` for fd ports).
    pub command: Vec<u8>,
    /// `{packet, N}`: 0 (stream), 1, 2 or 4.
    pub packet: u8,
    /// `{line, L}`.
    pub line: Option<usize>,
    pub binary: bool,
    pub eof: bool,
    pub exit_status: bool,
    pub use_stdio: bool,
    pub stderr_to_stdout: bool,
    /// `in` / `out` (both when neither was given).
    pub read: bool,
    pub write: bool,
    pub hide: bool,
    /// `{args, List}` with argv[0] first (`{arg0, A}` or the file name).
    pub args: Option<Vec<Vec<u8>>>,
    pub arg0: Option<Vec<u8>>,
    /// `{env, List}`: `(name, Some(value))` sets, `(name, None)` unsets.
    pub env: Vec<EnvChange>,
    pub cd: Option<Vec<u8>>,
    /// The `{cd, Dir}` term as given: checked with the name, as OTP does.
    cd_term: Option<Term>,
    pub parallelism: bool,
    /// `{busy_limits_port, {Low, High}}` (`None` = disabled).
    pub busy_port: Option<(u64, u64)>,
    /// `busy_limits_port` was given (only the spawn and fd drivers take it).
    pub busy_port_given: bool,
    /// `{busy_limits_msgq, {Low, High}}` (`Some(None)` = `disabled`, `None` = not given).
    pub busy_msgq: Option<Option<(u64, u64)>>,
}

impl OpenSpec {
    /// The command's first word (what `{spawn, Cmd}` compares with driver names).
    pub fn first_word(&self) -> &[u8] {
        let end = self
            .command
            .iter()
            .position(|&b| b == b' ')
            .unwrap_or(self.command.len());
        &self.command[..end]
    }
    /// The command as text (lossy), for `port_info(P, name)`.
    pub fn command_text(&self) -> String {
        String::from_utf8_lossy(&self.command).into_owned()
    }
}

/// The bytes of a file name (`string() | binary() | atom()` or a deep character list), as
/// OTP's `erts_convert_filename_to_native` takes it (UTF-8 encoding). A NUL byte is refused.
pub fn filename_bytes(t: Term) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    if let Some(b) = boxed::binary_bytes(t) {
        out.extend_from_slice(b);
    } else if let Some(a) = t.as_atom() {
        out.extend_from_slice(a.name().as_bytes());
    } else {
        collect_chars(t, &mut out)?;
    }
    if out.contains(&0) {
        return None;
    }
    Some(out)
}

fn collect_chars(mut t: Term, out: &mut Vec<u8>) -> Option<()> {
    while t.is_list() {
        let (h, tail) = (t.head(), t.tail());
        if let Some(c) = h.as_small() {
            let c = char::from_u32(u32::try_from(c).ok()?)?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        } else if h.is_list() || h.is_nil() {
            collect_chars(h, out)?;
        } else if let Some(a) = h.as_atom() {
            out.extend_from_slice(a.name().as_bytes());
        } else {
            return None;
        }
        t = tail;
    }
    t.is_nil().then_some(())
}

/// A flat list of bytes (what OTP's `is_string` takes as a port name).
fn flat_string(mut t: Term) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    while t.is_list() {
        let c = t.head().as_small()?;
        out.push(u8::try_from(c).ok()?);
        t = t.tail();
    }
    t.is_nil().then_some(out)
}

/// The settings that make no sense for a file port.
fn vanilla_checks(spec: &OpenSpec) -> Option<()> {
    (spec.args.is_none() && spec.arg0.is_none() && !spec.exit_status).then_some(())
}

/// A flat character list or binary (the command of `{spawn, Cmd}`).
fn command_bytes(t: Term) -> Option<Vec<u8>> {
    filename_bytes(t)
}

fn non_neg(t: Term) -> Option<u64> {
    t.as_small().and_then(|n| u64::try_from(n).ok())
}

fn busy_limits(v: Term) -> Option<Option<(u64, u64)>> {
    if v == Term::atom(atom::atom("disabled")) {
        return Some(None);
    }
    if !v.is_tuple() || boxed::tuple_arity(v) != 2 {
        return None;
    }
    let low = non_neg(boxed::tuple_element(v, 0))?;
    let high = non_neg(boxed::tuple_element(v, 1))?;
    let ok = |n: u64| (LIM_MIN..=LIM_MAX).contains(&n);
    if !ok(low) || !ok(high) {
        return None;
    }
    Some(Some((low.min(high), high)))
}

/// One `{env, _}` change: a name and its new value (`None` unsets it).
pub type EnvChange = (Vec<u8>, Option<Vec<u8>>);

fn env_list(t: Term) -> Option<Vec<EnvChange>> {
    let items = boxed::list_to_vec(t)?;
    let mut out = Vec::new();
    for it in items {
        if !it.is_tuple() || boxed::tuple_arity(it) != 2 {
            return None;
        }
        let (k, v) = (boxed::tuple_element(it, 0), boxed::tuple_element(it, 1));
        if k.is_atom() {
            return None;
        }
        let key = filename_bytes(k)?;
        if key.contains(&b'=') {
            return None;
        }
        if v == Term::NIL || v == Term::atom(atom::FALSE) {
            out.push((key, None));
        } else if v.is_atom() {
            return None;
        } else {
            out.push((key, Some(filename_bytes(v)?)));
        }
    }
    Some(out)
}

/// Why `open_port/2`'s arguments were refused: a bad settings list (`badopt`, shown as the
/// `badarg` cause) or anything else (`badarg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptError {
    Badopt,
    Badarg,
}

/// Parses `open_port(Name, Settings)`.
pub fn parse(name: Term, settings: Term) -> Result<OpenSpec, OptError> {
    let mut spec = parse_settings(settings).ok_or(OptError::Badopt)?;
    parse_name(name, &mut spec).ok_or(OptError::Badarg)?;
    Ok(spec)
}

/// The settings list, with OTP's defaults.
fn parse_settings(settings: Term) -> Option<OpenSpec> {
    let mut spec = OpenSpec {
        kind: PortKind::Spawn,
        command: Vec::new(),
        packet: 0,
        line: None,
        binary: false,
        eof: false,
        exit_status: false,
        use_stdio: true,
        stderr_to_stdout: false,
        read: false,
        write: false,
        hide: false,
        args: None,
        arg0: None,
        env: Vec::new(),
        cd: None,
        cd_term: None,
        parallelism: false,
        busy_port: Some((4096, 8192)),
        busy_port_given: false,
        busy_msgq: None,
    };
    let opts = boxed::list_to_vec(settings)?;
    for o in opts {
        if o.is_tuple() && boxed::tuple_arity(o) == 2 {
            let (k, v) = (boxed::tuple_element(o, 0), boxed::tuple_element(o, 1));
            let k: Atom = k.as_atom()?;
            match k.name() {
                "packet" => {
                    spec.packet = match v.as_small()? {
                        1 => 1,
                        2 => 2,
                        4 => 4,
                        _ => return None,
                    }
                }
                "line" => {
                    let n = v.as_small()?;
                    if n <= 0 {
                        return None;
                    }
                    spec.line = Some(n as usize);
                }
                // A later `{env, _}` replaces an earlier one.
                "env" => spec.env = env_list(v)?,
                "args" => {
                    let items = boxed::list_to_vec(v)?;
                    let mut args = Vec::with_capacity(items.len());
                    for a in items {
                        args.push(filename_bytes(a)?);
                    }
                    spec.args = Some(args);
                }
                "arg0" => spec.arg0 = Some(filename_bytes(v)?),
                "cd" => spec.cd_term = Some(v),
                "parallelism" => {
                    spec.parallelism = match v {
                        _ if v == Term::atom(atom::TRUE) => true,
                        _ if v == Term::atom(atom::FALSE) => false,
                        _ => return None,
                    }
                }
                "busy_limits_port" => {
                    spec.busy_port = busy_limits(v)?;
                    spec.busy_port_given = true;
                }
                "busy_limits_msgq" => spec.busy_msgq = Some(busy_limits(v)?),
                _ => return None,
            }
        } else {
            let a = o.as_atom()?;
            match a.name() {
                "stream" => spec.packet = 0,
                "use_stdio" => spec.use_stdio = true,
                "nouse_stdio" => spec.use_stdio = false,
                "stderr_to_stdout" => spec.stderr_to_stdout = true,
                "line" => spec.line = Some(512),
                "binary" => spec.binary = true,
                "in" => spec.read = true,
                "out" => spec.write = true,
                "eof" => spec.eof = true,
                "hide" => spec.hide = true,
                "exit_status" => spec.exit_status = true,
                "overlapped_io" => {}
                _ => return None,
            }
        }
    }
    if !spec.read && !spec.write {
        spec.read = true;
        spec.write = true;
    }
    if (spec.line.is_some() && spec.packet != 0) || (spec.stderr_to_stdout && !spec.use_stdio) {
        return None;
    }
    Some(spec)
}

/// The port name, and the checks that combine it with the settings.
fn parse_name(name: Term, spec: &mut OpenSpec) -> Option<()> {
    if let Some(cd) = spec.cd_term.take() {
        spec.cd = Some(filename_bytes(cd)?);
    }
    // An atom or a string names a file for the `vanilla` driver.
    if let Some(a) = name.as_atom() {
        spec.kind = PortKind::Vanilla;
        spec.command = a.name().as_bytes().to_vec();
        return vanilla_checks(spec);
    }
    if name.is_list() {
        if let Some(text) = flat_string(name) {
            spec.kind = PortKind::Vanilla;
            spec.command = text;
            return vanilla_checks(spec);
        }
    }
    if !name.is_tuple() || boxed::tuple_arity(name) == 0 {
        return None;
    }
    let el = boxed::tuple_elems(name);
    let tag = el[0].as_atom()?;
    match tag.name() {
        "spawn" | "spawn_driver" | "spawn_executable" => {
            if el.len() != 2 {
                return None;
            }
            spec.command = command_bytes(el[1])?;
            if spec.command.is_empty() {
                return None;
            }
            spec.kind = match tag.name() {
                "spawn" => PortKind::Spawn,
                "spawn_driver" => PortKind::SpawnDriver,
                _ => PortKind::SpawnExecutable,
            };
        }
        "fd" => {
            if el.len() != 3 {
                return None;
            }
            // Any small integer: a descriptor that does not exist fails in the driver.
            let fd_in = el[1].as_small()?;
            let fd_out = el[2].as_small()?;
            let fd = |n: i64| i32::try_from(n).unwrap_or(-1);
            spec.kind = PortKind::Fd(fd(fd_in), fd(fd_out));
            spec.command = format!("{fd_in}/{fd_out}").into_bytes();
        }
        _ => return None,
    }
    // An argument vector only for `spawn_executable`.
    if spec.kind != PortKind::SpawnExecutable && (spec.args.is_some() || spec.arg0.is_some()) {
        return None;
    }
    if matches!(spec.kind, PortKind::Fd(..)) && spec.exit_status {
        return None;
    }
    Some(())
}
