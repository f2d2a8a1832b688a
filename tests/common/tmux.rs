//! A tmux server of a test's own (its own socket, so tests never touch a user's tmux) with
//! one session named `s`: the terminal the shell and iex tests type into and read.

use std::process::{Command, Stdio};

pub struct Tmux {
    /// The server's socket name (`tmux -L`).
    pub socket: String,
}

impl Tmux {
    /// Runs `tmux -L <socket> args...`; its stdout.
    pub fn cmd(&self, args: &[&str]) -> String {
        let o = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .stderr(Stdio::null())
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// The visible screen of session `s`.
    pub fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "s"])
    }

    /// The whole pane, scrollback included; with `escapes`, with its colours and attributes.
    pub fn pane(&self, escapes: bool) -> String {
        let mut args = vec!["capture-pane", "-p", "-S", "-", "-t", "s"];
        if escapes {
            args.push("-e");
        }
        self.cmd(&args)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.cmd(&["kill-server"]);
    }
}
