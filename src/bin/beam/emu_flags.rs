//! The emulator's flags, as OTP's `erl_init.c` reads the `-X` flags `erlexec` hands to
//! `beam.smp` (the `+X` flags of `erl`): which exist, which values they accept (a bad value
//! stops the start, with OTP's message), and what they set here.
//!
//! A flag's value is either attached (`+S4`, `+hms233`, `+Wi`, `+fnu`) or the next argument
//! (`+S 4`). Flags are read in order, so `+V` exits before any later flag is looked at.
//!
//! Honoured (they change this runtime as they change OTP's):
//! `+S N[:M]` and `+SP P[:Q]` (schedulers and schedulers online), `+SDcpu`, `+SDPcpu`,
//! `+SDio` (dirty schedulers), `+A` (async threads), `+P` (process limit, rounded up to a power
//! of two as OTP does), `+Q` (port limit, likewise), `+hms` (default `min_heap_size`), `+hmax`,
//! `+hmaxk`, `+hmaxel` (default `max_heap_size`), `+pc` (`io:printable_range/0`), `+i`
//! (the boot module), `+V` (prints the version line and exits), `+JIT true|false` (this
//! runtime's own: the native-code tier, see `erts::jit`).
//!
//! Accepted with their values checked as OTP checks them, no effect here (this runtime has no
//! such knob, or OTP 25 itself ignores it): `+a`, `+B[c|d|i]`, `+c [Bool]`, `+C Mode`, `+d`,
//! `+dcg`, `+e` (ignored by OTP 25 too), `+fn{l|u|a}[w|i|e]`, `+hmbs`, `+hpds`, `+hmqd`,
//! `+IOt`, `+IOp`, `+IOPt`, `+IOPp`, `+JPperf`, `+JDdump`, `+K` (ignored by OTP 25
//! too), `+M<A><S> Value` (allocator settings), `+n{s|a|d}`, `+R`, `+r`, `+rg`, `+sbt`,
//! `+sbwt*`, `+swt*`, `+sws`, `+swct`, `+scl`, `+sub`, `+spp`, `+secio`, `+sct`, `+ssrct`,
//! `+sss*`, `+sfwi`, `+stbt`, `+t` (the atom table here has no limit), `+T`, `+v`, `+W{i|w|e}`
//! (this runtime's `error_logger` warnings stay warnings), `+zdbbl`, `+zdntgc`, `+zebwt`,
//! `+zosrl`.
//!
//! Any other flag is refused as OTP refuses it (`unknown flag`).

use erts::sched::dirty::DirtyConfig;

/// What the emulator's flags ask for.
#[derive(Debug, Default)]
pub struct Settings {
    /// `+S`: schedulers; negative counts from the logical processors.
    pub schedulers: Option<i64>,
    /// `+S N:M`: schedulers online; negative counts from the logical processors.
    pub schedulers_online: Option<i64>,
    /// `+SP P:Q`: schedulers and schedulers online as percentages of the processors.
    pub schedulers_percent: (Option<u64>, Option<u64>),
    /// `+SDcpu`, `+SDPcpu`, `+SDio`.
    pub dirty: DirtyConfig,
    /// `+A`.
    pub async_threads: Option<usize>,
    /// `+P`, already rounded up.
    pub process_limit: Option<usize>,
    /// `+Q`, already rounded up.
    pub port_limit: Option<usize>,
    /// `+hms`, words.
    pub min_heap_size: Option<usize>,
    /// `+hmax`, words (0: no limit).
    pub max_heap_size: Option<usize>,
    /// `+hmaxk`.
    pub max_heap_kill: Option<bool>,
    /// `+hmaxel`.
    pub max_heap_error_logger: Option<bool>,
    /// `+pc unicode` (true) or `+pc latin1`.
    pub printable_unicode: Option<bool>,
    /// `+i`: the module whose `start/2` boots the system.
    pub boot_module: Option<String>,
    /// `+B[c|d|i]`: what Ctrl-C does.
    pub break_mode: erts::break_handler::BreakMode,
    /// `+JIT true|false`: whether loaded code is compiled to machine code (this runtime's
    /// flag; OTP picks its emulator flavour with `-emu_flavor` instead).
    pub jit: Option<bool>,
}

/// How reading the flags ended, when it did not end in settings.
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    /// `+V`: print the version line and exit 0.
    Version,
    /// A bad value: OTP's message line (then usage, exit 1).
    Bad(String),
    /// A flag that does not exist (then usage, exit 1).
    Unknown(String),
}

/// OTP's allocator strategies (`+M<A>as`).
const STRATEGIES: &[&str] = &[
    "bf",
    "aobf",
    "aoff",
    "aoffcbf",
    "aoffcaobf",
    "ageffcaoff",
    "ageffcbf",
    "ageffcaobf",
    "gf",
    "af",
];

/// The leading integer of `s` as C's `atoi` reads it (white space, sign, digits; 0 when
/// there are none); `None` when there are no digits.
fn leading_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
    if n.is_empty() {
        return None;
    }
    let v: i64 = n.parse().unwrap_or(i64::MAX);
    Some(if neg { -v } else { v })
}

/// `atoi`: the leading integer, 0 when there is none.
fn atoi(s: &str) -> i64 {
    leading_int(s).unwrap_or(0)
}

/// A whole decimal integer (no trailing text), as OTP's `strtol` checks do.
fn whole_int(s: &str) -> Option<i64> {
    s.parse().ok()
}

fn bool_value(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Reads the flags one after the other: each may take its value from the rest of its own
/// text or from the next argument.
struct Reader<'a> {
    args: &'a [String],
    i: usize,
}

impl<'a> Reader<'a> {
    /// The value of the flag at `self.i` whose name is `name` (`-` and letters): the rest of
    /// the flag, else the next argument (taken); `None` when there is neither.
    fn value(&mut self, name: &str) -> Option<&'a str> {
        let flag = &self.args[self.i];
        let rest = &flag[name.len()..];
        if !rest.is_empty() {
            return Some(rest);
        }
        self.i += 1;
        self.args.get(self.i).map(String::as_str)
    }
}

/// Picks the longest of `names` that the flag starts with.
fn longest<'n>(flag: &str, names: &[&'n str]) -> Option<&'n str> {
    names
        .iter()
        .copied()
        .filter(|n| flag.starts_with(n))
        .max_by_key(|n| n.len())
}

/// Reads the emulator flags `args` (`-X` form, as [`crate::erlexec::Launch::emulator`]
/// holds them).
pub fn parse(args: &[String]) -> Result<Settings, Stop> {
    let mut s = Settings::default();
    let mut r = Reader { args, i: 0 };
    while r.i < args.len() {
        let flag = args[r.i].as_str();
        flag_of(&mut s, &mut r, flag)?;
        r.i += 1;
    }
    Ok(s)
}

fn bad(msg: String) -> Stop {
    Stop::Bad(msg)
}

/// A value missing at the end of the emulator's flags is the `--` that follows them in the
/// emulator's argument vector, as OTP reads it.
fn value_or_empty<'a>(r: &mut Reader<'a>, name: &str) -> &'a str {
    r.value(name).unwrap_or("--")
}

/// Checks `v` against `allowed`; OTP's message otherwise.
fn one_of(v: &str, allowed: &[&str], msg: impl FnOnce() -> String) -> Result<(), Stop> {
    if allowed.contains(&v) {
        Ok(())
    } else {
        Err(bad(msg()))
    }
}

fn flag_of(s: &mut Settings, r: &mut Reader<'_>, flag: &str) -> Result<(), Stop> {
    let unknown = || Stop::Unknown(flag.to_string());
    let Some(body) = flag.strip_prefix('-') else {
        return Err(unknown());
    };
    let Some(first) = body.chars().next() else {
        return Err(unknown());
    };
    match first {
        'V' => return Err(Stop::Version),
        'r' if body.starts_with("rg") => {
            let v = value_or_empty(r, "-rg");
            if leading_int(v).is_none_or(|n| n < 0) {
                return Err(bad(format!("bad reader groups limit: {v}")));
            }
        }
        'd' if body.starts_with("dcg") => {
            let v = value_or_empty(r, "-dcg");
            if leading_int(v).is_none_or(|n| n < 1) {
                return Err(bad(format!("bad decentralized counter groups limit: {v}")));
            }
        }
        // `+v` (verbose in debug builds), `+d` (no crash dump), `+r` (move ETS memory on
        // realloc): nothing to do here.
        'v' | 'd' | 'r' => {}
        'B' => {
            if !matches!(body, "B" | "Bc" | "Bd" | "Bi") {
                return Err(unknown());
            }
            use erts::break_handler::BreakMode;
            s.break_mode = match body {
                "Bc" => BreakMode::ReplaceIntr,
                "Bi" => BreakMode::Ignore,
                _ => BreakMode::Disabled,
            };
            // `+B i` arrives as `-B` `i`.
            if body == "B" && r.args.get(r.i + 1).is_some_and(|a| a == "i") {
                r.i += 1;
                s.break_mode = BreakMode::Ignore;
            }
        }
        'c' if body == "c" => {
            if r.args.get(r.i + 1).and_then(|a| bool_value(a)).is_some() {
                r.i += 1;
            }
        }
        'c' => {
            return Err(bad(format!(
                "Invalid time correnction value: {}",
                &body[1..]
            )))
        }
        'C' => {
            let v = value_or_empty(r, "-C");
            one_of(
                v,
                &["no_time_warp", "single_time_warp", "multi_time_warp"],
                || format!("Invalid time warp mode: {v}"),
            )?;
        }
        'e' => {
            // OTP 25 reads and ignores it.
            r.value("-e");
        }
        'K' => {
            r.value("-K");
        }
        'f' if body.starts_with("fn") => {
            let v = &body[2..];
            if !matches!(v.chars().next(), Some('l' | 'u' | 'a')) {
                let shown = if v.is_empty() {
                    r.args.get(r.i + 1).map(String::as_str).unwrap_or("--")
                } else {
                    v
                };
                return Err(bad(format!(
                    "bad filename encoding {shown}, can be (l,u or a, optionally followed by w, i or e)"
                )));
            }
        }
        'h' => heap_flag(s, r, flag)?,
        'i' => {
            let v = value_or_empty(r, "-i");
            s.boot_module = Some(v.to_string());
        }
        'I' => {
            let name = longest(flag, &["-IOt", "-IOp", "-IOPt", "-IOPp"]).ok_or_else(unknown)?;
            let v = value_or_empty(r, name);
            let n = leading_int(v);
            let msg = match name {
                "-IOt" => "bad I/O poll threads number",
                "-IOp" => "bad number of I/O pollsets",
                "-IOPt" => "bad I/O poll thread percentage number",
                _ => "bad I/O pollset percentage number",
            };
            if n.is_none_or(|n| n < 1) {
                return Err(bad(format!("{msg}: {v}")));
            }
        }
        'J' => {
            // The JIT's other options (`+JMsingle`, ...) are refused as by OTP's emulator.
            let name = longest(flag, &["-JPperf", "-JDdump", "-JIT"])
                .ok_or_else(|| bad(format!("invalid JIT option {flag}")))?;
            let v = value_or_empty(r, name);
            match (name, bool_value(v)) {
                ("-JIT", Some(b)) => s.jit = Some(b),
                (_, Some(_)) => {}
                (_, None) => {
                    return Err(bad(match name {
                        "-JPperf" => format!("bad +JPperf support flag {v}"),
                        "-JDdump" => format!("bad +JDdump flag {v}"),
                        _ => format!("bad +JIT flag {v}"),
                    }))
                }
            }
        }
        'M' => alloc_flag(r, flag)?,
        'n' => {
            let v = value_or_empty(r, "-n");
            if !matches!(v, "s" | "a" | "d") {
                return Err(bad(format!("bad -n option {v}")));
            }
        }
        'p' if body.starts_with("pc") => {
            let v = value_or_empty(r, "-pc");
            s.printable_unicode = Some(match v {
                "latin1" => false,
                "unicode" => true,
                _ => return Err(bad(format!("bad range of printable characters: {v}"))),
            });
        }
        'P' => {
            let v = value_or_empty(r, "-P");
            s.process_limit = Some(table_size(v, || format!("bad number of processes {v}"))?);
        }
        'Q' => {
            let v = value_or_empty(r, "-Q");
            s.port_limit = Some(table_size(v, || format!("bad number of ports {v}"))?);
        }
        'A' => {
            let v = value_or_empty(r, "-A");
            let n = atoi(v);
            if !(0..=1024).contains(&n) {
                return Err(bad(format!("bad number of async threads {v}")));
            }
            // OTP 25 always runs at least one async thread.
            s.async_threads = Some((n as usize).max(1));
        }
        'a' => {
            let v = value_or_empty(r, "-a");
            if !(16..=8192).contains(&atoi(v)) {
                return Err(bad(format!("bad stack size for async threads {v}")));
            }
        }
        'R' => {
            let v = value_or_empty(r, "-R");
            if whole_int(v).is_none_or(|n| !(23..=25).contains(&n)) {
                return Err(bad(format!("bad compatibility release number {v}")));
            }
        }
        's' => scheduling_flag(r, flag)?,
        'S' => schedulers_flag(s, r, flag)?,
        't' => {
            let v = value_or_empty(r, "-t");
            if whole_int(v).is_none_or(|n| !(8192..=2_147_483_647).contains(&n)) {
                return Err(bad(format!("bad atom table size {v}")));
            }
        }
        'T' => {
            let v = value_or_empty(r, "-T");
            if !(0..=9).contains(&atoi(v)) {
                return Err(bad(format!("bad modified timing level {v}")));
            }
        }
        'W' => {
            let v = value_or_empty(r, "-W");
            one_of(v, &["i", "w", "e"], || {
                format!("unrecognized warning_map option {v}")
            })?;
        }
        'z' => {
            let name =
                longest(flag, &["-zdbbl", "-zdntgc", "-zebwt", "-zosrl"]).ok_or_else(unknown)?;
            let v = value_or_empty(r, name);
            match name {
                "-zdbbl" => {
                    let n = atoi(v);
                    if !(1..=2_097_151).contains(&n) {
                        return Err(bad(format!("Invalid dbbl limit: {n}")));
                    }
                }
                "-zdntgc" => {
                    if v != "infinity"
                        && whole_int(v).is_none_or(|n| !(0..=100_000_000).contains(&n))
                    {
                        return Err(bad(format!("Invalid delayed node table gc: {v}")));
                    }
                }
                "-zebwt" => one_of(v, BUSY_WAIT, || {
                    format!("Invalid ets busy wait threshold: {v}")
                })?,
                _ => {
                    let n = atoi(v);
                    if !(1..=134_217_727).contains(&n) {
                        return Err(bad(format!("Invalid outstanding requests limit {n}")));
                    }
                }
            }
        }
        _ => return Err(unknown()),
    }
    Ok(())
}

/// A process or port table size: 1024..=134217727, rounded up to a power of two.
fn table_size(v: &str, msg: impl FnOnce() -> String) -> Result<usize, Stop> {
    match whole_int(v) {
        Some(n) if (1024..=134_217_727).contains(&n) => {
            Ok((n as usize).next_power_of_two().min(134_217_727))
        }
        _ => Err(bad(msg())),
    }
}

const BUSY_WAIT: &[&str] = &["none", "very_short", "short", "medium", "long", "very_long"];
const WAKEUP: &[&str] = &["very_low", "low", "medium", "high", "very_high"];

/// `+h...`: heap settings.
fn heap_flag(s: &mut Settings, r: &mut Reader<'_>, flag: &str) -> Result<(), Stop> {
    let name = longest(
        flag,
        &[
            "-h", "-hms", "-hmbs", "-hpds", "-hmax", "-hmaxk", "-hmaxel", "-hmqd",
        ],
    )
    .unwrap_or("-h");
    let v = value_or_empty(r, name);
    match name {
        "-hms" | "-hmbs" | "-h" => {
            let n = atoi(v);
            if n <= 0 {
                return Err(bad(format!("bad heap size {v}")));
            }
            if name == "-hms" {
                s.min_heap_size = Some(n as usize);
            }
        }
        "-hpds" => {
            if atoi(v) <= 0 {
                return Err(bad(format!("bad initial process dictionary size {v}")));
            }
        }
        "-hmax" => {
            let n = atoi(v);
            if n < 0 {
                return Err(bad(format!("bad max heap size {v}")));
            }
            s.max_heap_size = Some(n as usize);
        }
        "-hmaxk" => {
            s.max_heap_kill =
                Some(bool_value(v).ok_or_else(|| bad(format!("bad max heap kill {v}")))?);
        }
        "-hmaxel" => {
            s.max_heap_error_logger =
                Some(bool_value(v).ok_or_else(|| bad(format!("bad max heap error logger {v}")))?);
        }
        _ => one_of(v, &["off_heap", "on_heap"], || {
            format!("Invalid message_queue_data flag: {v}")
        })?,
    }
    Ok(())
}

/// `+s...`: scheduler tuning, all without effect here, checked as OTP checks them.
fn scheduling_flag(r: &mut Reader<'_>, flag: &str) -> Result<(), Stop> {
    if flag == "-ssrct" {
        return Ok(());
    }
    let names = [
        "-sbt",
        "-sbwt",
        "-sbwtdcpu",
        "-sbwtdio",
        "-scl",
        "-sct",
        "-secio",
        "-sfwi",
        "-stbt",
        "-sub",
        "-sws",
        "-swct",
        "-swt",
        "-swtdcpu",
        "-swtdio",
        "-sss",
        "-sssdcpu",
        "-sssdio",
        "-spp",
    ];
    let Some(name) = longest(flag, &names) else {
        return Err(Stop::Unknown(flag.to_string()));
    };
    let v = value_or_empty(r, name);
    let bool_check = |what: String| match bool_value(v) {
        Some(_) => Ok(()),
        None => Err(bad(what)),
    };
    match name {
        "-sbt" | "-stbt" => one_of(
            v,
            &["u", "ns", "ts", "ps", "s", "nnts", "nnps", "tnnps", "db"],
            || format!("setting scheduler bind type '{v}' failed: invalid type"),
        ),
        "-sbwt" => one_of(v, BUSY_WAIT, || {
            format!("bad scheduler busy wait threshold: {v}")
        }),
        "-sbwtdcpu" => one_of(v, BUSY_WAIT, || {
            format!("bad dirty CPU scheduler busy wait threshold: {v}")
        }),
        "-sbwtdio" => one_of(v, BUSY_WAIT, || {
            format!("bad dirty IO scheduler busy wait threshold: {v}")
        }),
        "-swt" => one_of(v, WAKEUP, || format!("scheduler wakeup threshold: {v}")),
        "-swtdcpu" => one_of(v, WAKEUP, || {
            format!("dirty CPU scheduler wakeup threshold: {v}")
        }),
        "-swtdio" => one_of(v, WAKEUP, || {
            format!("dirty IO scheduler wakeup threshold: {v}")
        }),
        "-sws" => one_of(v, &["default", "legacy"], || {
            format!("scheduler wakeup strategy: {v}")
        }),
        "-swct" => one_of(
            v,
            &["very_lazy", "lazy", "medium", "eager", "very_eager"],
            || format!("scheduler wake cleanup threshold: {v}"),
        ),
        "-scl" => bool_check(format!("bad scheduler compact load value '{v}'")),
        "-sub" => bool_check(format!("bad scheduler utilization balancing  value '{v}'")),
        "-spp" => bool_check(format!("bad port parallelism scheduling hint {v}")),
        "-sss" | "-sssdcpu" | "-sssdio" => {
            if (20..=8192).contains(&atoi(v)) {
                Ok(())
            } else {
                let which = match name {
                    "-sss" => "scheduler threads",
                    "-sssdcpu" => "dirty CPU scheduler threads",
                    _ => "dirty IO scheduler threads",
                };
                Err(bad(format!("bad stack size for {which} {v}")))
            }
        }
        // `-secio`, `-sct`, `-sfwi`: taken as they are.
        _ => Ok(()),
    }
}

/// `+S`, `+SP`, `+SDcpu`, `+SDPcpu`, `+SDio`.
fn schedulers_flag(s: &mut Settings, r: &mut Reader<'_>, flag: &str) -> Result<(), Stop> {
    let name = longest(flag, &["-S", "-SP", "-SDcpu", "-SDPcpu", "-SDio"]).unwrap_or("-S");
    let v = value_or_empty(r, name);
    let (first, second) = match v.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (v, None),
    };
    let max = erts::sched::dirty::MAX_DIRTY as i64;
    match name {
        "-S" | "-SDcpu" => {
            let (what, online_what) = if name == "-S" {
                ("schedulers", "schedulers")
            } else {
                ("dirty CPU schedulers", "dirty CPU schedulers")
            };
            let total = if first.is_empty() {
                None
            } else {
                match leading_int(first) {
                    Some(n) if n.abs() <= max && (name == "-S" || n >= 0) => Some(n),
                    _ => return Err(bad(format!("bad amount of {what} {v}"))),
                }
            };
            let online = second.and_then(leading_int);
            if let Some(m) = online {
                if m.abs() > max || (name == "-SDcpu" && m < 0) {
                    return Err(bad(format!("bad amount of {online_what} online {m}")));
                }
            }
            if let (Some(n), Some(m)) = (total, online) {
                if n > 0 && m > n {
                    return Err(bad(format!(
                        "bad amount of {online_what} online {m} (total amount of {what} {n})"
                    )));
                }
            }
            if name == "-S" {
                if total.is_some_and(|n| n != 0) {
                    s.schedulers = total;
                }
                if online.is_some_and(|m| m != 0) {
                    s.schedulers_online = online;
                }
            } else if let Some(n) = total.filter(|&n| n > 0) {
                let n = n as usize;
                let m = online.filter(|&m| m > 0).map_or(n, |m| m as usize);
                s.dirty.cpu = Some((n, m));
            }
        }
        "-SP" | "-SDPcpu" => {
            let pct = |t: &str| -> Result<Option<u64>, Stop> {
                if t.is_empty() {
                    return Ok(None);
                }
                match leading_int(t) {
                    Some(n) if n >= 0 => Ok((n > 0).then_some(n as u64)),
                    _ => Err(bad(if name == "-SP" {
                        format!("bad schedulers percentage specifier {v}")
                    } else {
                        format!("bad dirty CPU schedulers percentage specifier {v}")
                    })),
                }
            };
            let (p, q) = (pct(first)?, second.map(pct).transpose()?.flatten());
            if name == "-SP" {
                s.schedulers_percent = (p, q);
            } else {
                // OTP keeps at least one dirty CPU scheduler and at most as many as the
                // schedulers.
                let p = p.unwrap_or(100).clamp(1, 100) as usize;
                let q = q.map_or(p, |q| q.clamp(1, 100) as usize).min(p);
                s.dirty.cpu_percent = Some((p, q));
            }
        }
        _ => match whole_int(v) {
            Some(n) if (1..=max).contains(&n) => s.dirty.io = Some(n as usize),
            _ => return Err(bad(format!("bad number of dirty I/O schedulers {v}"))),
        },
    }
    Ok(())
}

/// `+M<A><S> Value` and the other `+M` switches.
fn alloc_flag(r: &mut Reader<'_>, flag: &str) -> Result<(), Stop> {
    let sub = &flag[2..];
    let takes =
        crate::erlexec::plus_takes_value(&format!("+{}", &flag[1..]), None).unwrap_or(false);
    if !takes {
        return Err(bad("bad \"M\" parameter".to_string()));
    }
    r.i += 1;
    let v = r.args.get(r.i).map(String::as_str).unwrap_or("");
    let name = &flag[1..];
    let bad_value = || bad(format!("bad \"{name}\" value: {v}"));
    let numeric = || -> Result<(), Stop> {
        if v.parse::<u64>().is_ok() {
            Ok(())
        } else {
            Err(bad_value())
        }
    };
    let boolean = || bool_value(v).map(|_| ()).ok_or_else(bad_value);
    match sub {
        "ea" => one_of(v, &["min", "max", "r9c", "r10b", "r11b", "config"], || {
            "bad \"Mea\" parameter".to_string()
        }),
        "lpm" => one_of(v, &["all", "no"], || format!("bad \"{name}\" value: {v}")),
        "Ym" => Ok(()),
        "usac" | "Msco" | "Mscrpm" | "Ye" => boolean(),
        "ummc" | "uycs" | "im" | "is" | "Mamcbf" | "Mrmcbf" | "Mmcs" | "Mscs" | "Mscrfsd"
        | "Ytp" | "Ytt" | "Iscs" | "Xscs" => numeric(),
        _ => match &sub[1..] {
            "as" => one_of(v, STRATEGIES, || {
                // OTP names the flag without its last letter here.
                format!("bad \"{}\" value: {v}", &name[..name.len() - 1])
            }),
            "e" | "atags" | "ramv" | "t" => boolean(),
            "acul" if v == "de" => Ok(()),
            "cp" => {
                if v.len() == 1 && "BDEFHLRST@:".contains(v) {
                    Ok(())
                } else {
                    Err(bad_value())
                }
            }
            _ => numeric(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &[&str]) -> Result<Settings, Stop> {
        let v: Vec<String> = s.iter().map(|x| x.to_string()).collect();
        parse(&v)
    }

    fn bad_msg(s: &[&str]) -> String {
        match p(s) {
            Err(Stop::Bad(m)) => m,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    #[test]
    fn honoured_flags_are_read() {
        let s = p(&[
            "-S", "3:1", "-P", "5000", "-Q1024", "-hms", "1000", "-pc", "unicode",
        ])
        .unwrap();
        assert_eq!(s.schedulers, Some(3));
        assert_eq!(s.schedulers_online, Some(1));
        assert_eq!(s.process_limit, Some(8192));
        assert_eq!(s.port_limit, Some(1024));
        assert_eq!(s.min_heap_size, Some(1000));
        assert_eq!(s.printable_unicode, Some(true));
        assert_eq!(p(&["-S4"]).unwrap().schedulers, Some(4));
        assert_eq!(p(&["-S", "-1"]).unwrap().schedulers, Some(-1));
        assert_eq!(p(&["-S", "0"]).unwrap().schedulers, None);
    }

    #[test]
    fn bad_values_give_otps_messages() {
        assert_eq!(bad_msg(&["-S", "abc"]), "bad amount of schedulers abc");
        assert_eq!(
            bad_msg(&["-S", "2:3"]),
            "bad amount of schedulers online 3 (total amount of schedulers 2)"
        );
        assert_eq!(bad_msg(&["-S", "1025"]), "bad amount of schedulers 1025");
        assert_eq!(bad_msg(&["-P", "10"]), "bad number of processes 10");
        assert_eq!(bad_msg(&["-hms", "abc"]), "bad heap size abc");
        assert_eq!(
            bad_msg(&["-pc", "foo"]),
            "bad range of printable characters: foo"
        );
        assert_eq!(bad_msg(&["-MIscs", "abc"]), "bad \"MIscs\" value: abc");
        assert_eq!(bad_msg(&["-MBas", "foo"]), "bad \"MBa\" value: foo");
        assert_eq!(bad_msg(&["-Mea", "foo"]), "bad \"Mea\" parameter");
        assert_eq!(
            bad_msg(&["-sbt", "foo"]),
            "setting scheduler bind type 'foo' failed: invalid type"
        );
        assert_eq!(bad_msg(&["-zdbbl", "abc"]), "Invalid dbbl limit: 0");
        assert_eq!(bad_msg(&["-W", "x"]), "unrecognized warning_map option x");
    }

    #[test]
    fn accepted_flags_and_order() {
        for ok in [
            &["-MBas", "aobf"][..],
            &["-Mea", "min"],
            &["-MIscs", "10"],
            &["-fnu"],
            &["-fna"],
            &["-fnl"],
            &["-e", "abc"],
            &["-K", "true"],
            &["-JPperf", "true"],
            &["-IOt", "2"],
            &["-sbwt", "none"],
            &["-swt", "low"],
            &["-c", "true"],
            &["-C", "multi_time_warp"],
            &["-rg", "2"],
            &["-B", "i"],
            &["-hmax", "0"],
            &["-hmaxk", "false"],
            &["-t", "2000000"],
            &["-SDcpu", "1:1"],
            &["-SDio", "3"],
        ] {
            assert!(p(ok).is_ok(), "{ok:?}");
        }
        assert!(matches!(
            p(&["-S", "2", "-V", "-S", "abc"]),
            Err(Stop::Version)
        ));
        assert!(matches!(p(&["-S", "abc", "-V"]), Err(Stop::Bad(_))));
        assert!(matches!(p(&["-xyz"]), Err(Stop::Unknown(f)) if f == "-xyz"));
        assert!(matches!(p(&["-l"]), Err(Stop::Unknown(f)) if f == "-l"));
    }
}
