//! `erl_crash.dump` (OTP's `break.c`, `erl_crash_dump_v`): what `erlang:halt/1,2` with a
//! string (a slogan) writes before the runtime exits with status 1, in OTP 25's dump format
//! `0.5`, section by section as `crashdump_viewer` reads it: the header, schedulers,
//! memory, allocated areas, each process (`processes.rs`), ports, ETS tables, timers
//! (`system.rs`), node, loaded modules, each process's stack, messages, dictionary and
//! heap (`heap_terms.rs`), the atoms, `=end`.
//!
//! The environment decides as in OTP: `ERL_CRASH_DUMP` names the file (`erl_crash.dump` in
//! the current directory by default), `ERL_CRASH_DUMP_SECONDS=0` or `ERL_CRASH_DUMP_BYTES=0`
//! writes none, `ERL_CRASH_DUMP_SECONDS=S` (S > 0) gives up (and exits) after S seconds,
//! `ERL_CRASH_DUMP_BYTES=N` stops after N bytes with `=abort:CRASH DUMP SIZE LIMIT REACHED`.
//!
//! Other processes are read under their locks: each is taken when free (a process running
//! on another scheduler frees it at the end of its slice) and kept until the runtime exits,
//! so the system stands still while it is written. A process still running after a while
//! is shown by what its shared cell tells.

mod heap_terms;
mod processes;
mod system;

use crate::process::Process;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Why a dump stopped early.
#[derive(Debug)]
pub enum DumpError {
    /// Writing the file failed.
    Io(std::io::Error),
    /// `ERL_CRASH_DUMP_BYTES` was reached (the abort line is written).
    SizeLimit,
}

impl From<std::io::Error> for DumpError {
    fn from(e: std::io::Error) -> DumpError {
        DumpError::Io(e)
    }
}

/// Where and whether to write a dump, from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub path: PathBuf,
    /// `false`: no dump at all.
    pub enabled: bool,
    /// Seconds the writing may take (`None`: no limit).
    pub seconds: Option<u64>,
    /// Bytes the file may take (`None`: no limit).
    pub bytes: Option<u64>,
}

impl Settings {
    /// Reads `ERL_CRASH_DUMP`, `ERL_CRASH_DUMP_SECONDS` and `ERL_CRASH_DUMP_BYTES` through
    /// `get`.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Settings {
        let path = get("ERL_CRASH_DUMP")
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "erl_crash.dump".to_string());
        let int = |name: &str| get(name).and_then(|v| v.trim().parse::<i64>().ok());
        let secs = int("ERL_CRASH_DUMP_SECONDS");
        let bytes = int("ERL_CRASH_DUMP_BYTES");
        Settings {
            path: PathBuf::from(path),
            enabled: secs != Some(0) && bytes != Some(0),
            seconds: secs.filter(|s| *s > 0).map(|s| s as u64),
            bytes: bytes.filter(|b| *b > 0).map(|b| b as u64),
        }
    }
}

/// The dump file: buffered, counting bytes against the size limit.
pub(crate) struct Sink {
    out: std::io::BufWriter<std::fs::File>,
    written: u64,
    limit: Option<u64>,
}

impl Sink {
    /// Writes `bytes`, or as much as the limit lets through followed by the abort line.
    pub fn put(&mut self, bytes: &[u8]) -> Result<(), DumpError> {
        if let Some(limit) = self.limit {
            let room = limit.saturating_sub(self.written) as usize;
            if bytes.len() > room {
                self.out.write_all(&bytes[..room])?;
                self.out
                    .write_all(b"\n=abort:CRASH DUMP SIZE LIMIT REACHED\n")?;
                self.out.flush()?;
                self.written = limit;
                return Err(DumpError::SizeLimit);
            }
        }
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Writes one line (the line end is added).
    pub fn line(&mut self, text: &str) -> Result<(), DumpError> {
        let mut v = Vec::with_capacity(text.len() + 1);
        v.extend_from_slice(text.as_bytes());
        v.push(b'\n');
        self.put(&v)
    }
}

/// Writes `text` on stderr as OTP's emulator does while it exits: each line end as `\r\n`.
fn to_stderr(text: &[u8]) {
    let mut v = Vec::with_capacity(text.len() + 8);
    for &b in text {
        if b == b'\n' {
            v.push(b'\r');
        }
        v.push(b);
    }
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(&v);
    let _ = e.flush();
}

/// `erlang:halt(Slogan)`: prints the slogan, writes the crash dump the environment asks
/// for (saying so on stderr), and exits with status 1. `caller` is the process calling
/// `halt` (its lock is held by the caller).
pub fn halt_with_slogan(caller: &mut Process, slogan: &[u8]) -> ! {
    write_for_slogan(caller, slogan);
    std::process::exit(1)
}

/// What `halt(Slogan)` does before the exit: flushes the ports, prints the slogan and
/// writes the crash dump the environment asks for (an embedded instance with a halt
/// handler then stops instead of exiting; it gets no alarm that ends the OS process).
pub fn write_for_slogan(caller: &mut Process, slogan: &[u8]) {
    // As OTP blocks the other schedulers before it dumps: no Erlang code runs from here on
    // (a crash report another process logs now must not reach the output, nor the dump see
    // processes change). What ports were given before still reaches its descriptors.
    crate::sched::block_others();
    crate::port::flush_all(Duration::from_secs(5));
    let _ = std::io::stdout().flush();
    let mut text = slogan.to_vec();
    text.push(b'\n');
    to_stderr(&text);
    let settings = Settings::from_env(|k| std::env::var(k).ok());
    if settings.enabled {
        to_stderr(
            format!(
                "\nCrash dump is being written to: {}...",
                settings.path.display()
            )
            .as_bytes(),
        );
        let embedded = crate::instance::current().halt_handler().is_some();
        if let Some(s) = settings.seconds.filter(|_| !embedded) {
            // OTP's alarm: a dump that takes too long is given up, and the runtime exits.
            let _ = std::thread::Builder::new()
                .name("crash_dump_alarm".into())
                .spawn(move || {
                    std::thread::sleep(Duration::from_secs(s));
                    std::process::exit(1);
                });
        }
        if write(&settings, caller, slogan).is_ok() {
            to_stderr(b"done\n");
        }
    }
}

/// Writes the dump file of `settings` for `slogan`.
pub fn write(settings: &Settings, caller: &mut Process, slogan: &[u8]) -> Result<(), DumpError> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o640)
        .open(&settings.path)?;
    let mut sink = Sink {
        out: std::io::BufWriter::with_capacity(1 << 16, file),
        written: 0,
        limit: settings.bytes,
    };
    let procs = processes::lock_all(caller);
    system::header(&mut sink, slogan)?;
    system::schedulers(&mut sink, &procs)?;
    system::memory(&mut sink, &procs)?;
    system::allocated_areas(&mut sink)?;
    processes::summaries(&mut sink, &procs)?;
    system::ports(&mut sink)?;
    system::ets_tables(&mut sink)?;
    system::timers(&mut sink)?;
    system::node(&mut sink)?;
    system::loaded_modules(&mut sink)?;
    processes::deep(&mut sink, &procs)?;
    system::atoms(&mut sink)?;
    sink.line("=end")?;
    sink.out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Settings {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_env(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn the_environment_decides() {
        let d = settings(&[]);
        assert_eq!(d.path, PathBuf::from("erl_crash.dump"));
        assert!(d.enabled && d.seconds.is_none() && d.bytes.is_none());
        assert!(!settings(&[("ERL_CRASH_DUMP_SECONDS", "0")]).enabled);
        assert!(!settings(&[("ERL_CRASH_DUMP_BYTES", "0")]).enabled);
        let s = settings(&[
            ("ERL_CRASH_DUMP", "/tmp/x.dump"),
            ("ERL_CRASH_DUMP_SECONDS", "-1"),
            ("ERL_CRASH_DUMP_BYTES", "1000"),
        ]);
        assert_eq!(s.path, PathBuf::from("/tmp/x.dump"));
        assert!(s.enabled);
        assert_eq!((s.seconds, s.bytes), (None, Some(1000)));
        assert_eq!(
            settings(&[("ERL_CRASH_DUMP_SECONDS", "7")]).seconds,
            Some(7)
        );
    }
}
