//! What `tcp_inet` and `udp_inet` share (OTP's `inet_descriptor`): the socket and its
//! state, the options, statistics, async operations with their references and timeouts,
//! the poller interest, and the requests every inet socket answers (open, bind, names,
//! options, statistics, status, host name, interface list).

use super::options::{Options, Proto, Target};
use super::request::{self as rq, Family, Reader, Reply};
use super::socket::{self, Errno, SockAddr};
use erts::check_io::Ready;
use erts::port::PortCore;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Instant;

/// The state of a socket (OTP's `INET_STATE_*`, as `getstatus` reports it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Closed,
    Open,
    Bound,
    Connecting,
    Connected,
    Listening,
}

const F_OPEN: u32 = 0x1;
const F_BOUND: u32 = 0x2;
const F_ACTIVE: u32 = 0x4;
const F_LISTEN: u32 = 0x8;
const F_CON: u32 = 0x10;
const F_ACC: u32 = 0x20;
const F_BUSY: u32 = 0x80;

/// An operation whose result comes as `{inet_async, S, Ref, Status}`.
#[derive(Clone, Copy, Debug)]
pub struct AsyncOp {
    pub caller: u64,
    pub reference: u16,
    pub deadline: Option<Instant>,
}

/// `inet:getstat/2` counters.
#[derive(Default, Debug, Clone)]
pub struct Stats {
    pub recv_cnt: u64,
    pub recv_max: u64,
    pub recv_avg: f64,
    pub recv_dvi: f64,
    pub recv_oct: u64,
    pub send_cnt: u64,
    pub send_max: u64,
    pub send_avg: f64,
    pub send_oct: u64,
}

impl Stats {
    /// A packet of `n` bytes was delivered.
    pub fn received(&mut self, n: usize) {
        let n64 = n as u64;
        self.recv_cnt += 1;
        self.recv_oct += n64;
        self.recv_max = self.recv_max.max(n64);
        self.recv_avg += (n as f64 - self.recv_avg) / self.recv_cnt as f64;
        self.recv_dvi += ((n as f64 - self.recv_avg).abs() - self.recv_dvi) / self.recv_cnt as f64;
    }
    /// A send of `n` bytes was taken.
    pub fn sent(&mut self, n: usize) {
        let n64 = n as u64;
        self.send_cnt += 1;
        self.send_oct += n64;
        self.send_max = self.send_max.max(n64);
        self.send_avg += (n as f64 - self.send_avg) / self.send_cnt as f64;
    }
    /// `INET_REQ_GETSTAT`: each asked counter's byte and value.
    fn encode(&self, asked: &[u8], pending: usize) -> Reply {
        let mut out = Vec::new();
        for &s in asked {
            out.push(s);
            let v32 = |v: u64| (v.min(u32::MAX as u64) as u32).to_be_bytes();
            match s {
                1 => out.extend_from_slice(&v32(self.recv_cnt)),
                2 => out.extend_from_slice(&v32(self.recv_max)),
                3 => out.extend_from_slice(&v32(self.recv_avg as u64)),
                4 => out.extend_from_slice(&v32(self.recv_dvi as u64)),
                5 => out.extend_from_slice(&v32(self.send_cnt)),
                6 => out.extend_from_slice(&v32(self.send_max)),
                7 => out.extend_from_slice(&v32(self.send_avg as u64)),
                8 => out.extend_from_slice(&v32(pending as u64)),
                9 => out.extend_from_slice(&self.recv_oct.to_be_bytes()),
                10 => out.extend_from_slice(&self.send_oct.to_be_bytes()),
                _ => return Err(libc::EINVAL),
            }
        }
        Ok(out)
    }
}

/// `driver_exit(Port, 0)`: unlinks the connected process, then ends the port with
/// `normal` (so the owner sees no exit signal).
pub fn driver_exit(core: &mut PortCore) {
    let owner = core.connected;
    if let Some(i) = core.links.iter().position(|&l| l == owner) {
        core.links.swap_remove(i);
        core.signal(
            owner,
            erts::process::signals::Signal::Unlink {
                from: erts::port::port_id(core.id),
            },
        );
    }
    core.exit(erts::term::Term::atom(erts::atom::NORMAL));
}

/// The socket part of a driver instance.
pub struct Inet {
    pub proto: Proto,
    pub fd: Option<OwnedFd>,
    pub family: Family,
    pub state: State,
    pub opts: Options,
    pub stats: Stats,
    next_ref: u16,
    /// The interest registered in the poller.
    selected: Ready,
}

impl Inet {
    pub fn new(proto: Proto) -> Self {
        Inet {
            proto,
            fd: None,
            family: Family::Inet,
            state: State::Closed,
            opts: Options::new(proto),
            stats: Stats::default(),
            next_ref: 0,
            selected: Ready::default(),
        }
    }

    /// The raw descriptor, if the socket is open.
    pub fn raw(&self) -> Option<RawFd> {
        self.fd.as_ref().map(|f| f.as_raw_fd())
    }

    /// A new async reference (OTP's 16-bit counter).
    pub fn new_ref(&mut self) -> u16 {
        let r = self.next_ref;
        self.next_ref = self.next_ref.wrapping_add(1);
        r
    }

    /// An async operation for the process making the current request.
    pub fn new_op(&mut self, core: &PortCore, timeout: Option<u64>) -> AsyncOp {
        AsyncOp {
            caller: erts::port::current_caller().unwrap_or(core.connected),
            reference: self.new_ref(),
            deadline: timeout.map(|ms| Instant::now() + std::time::Duration::from_millis(ms)),
        }
    }

    fn target(&self) -> Target {
        Target {
            fd: self.raw(),
            proto: self.proto,
            inet6: self.family == Family::Inet6,
        }
    }

    /// Sets the poller interest to exactly `want`.
    pub fn select(&mut self, core: &mut PortCore, want: Ready) {
        let Some(fd) = self.raw() else { return };
        let add = want.without(self.selected);
        let remove = self.selected.without(want);
        if !remove.is_empty() {
            core.deselect(fd, remove);
        }
        if !add.is_empty() && core.select(fd, add).is_err() {
            return;
        }
        self.selected = want;
    }

    /// Closes the socket (deselected first, so its number cannot be reused under the
    /// poller's feet).
    pub fn close_socket(&mut self, core: &mut PortCore) {
        if let Some(fd) = self.raw() {
            core.deselect(fd, Ready::BOTH);
        }
        self.selected = Ready::default();
        self.fd = None;
        self.state = State::Closed;
    }

    /// Starts `core`'s driver timer for the earliest of `deadlines` (or cancels it).
    pub fn arm_timer(core: &mut PortCore, deadlines: impl Iterator<Item = Instant>) {
        match deadlines.min() {
            None => core.cancel_timer(),
            Some(d) => {
                let ms = d.saturating_duration_since(Instant::now()).as_millis() as u64;
                core.set_timer(ms);
            }
        }
    }

    /// `INET_REQ_OPEN`: `[Family, Type]`.
    pub fn open(&mut self, args: &[u8], ty: u8) -> Reply {
        let mut r = Reader::new(args);
        let (Ok(f), Ok(t)) = (r.u8(), r.u8()) else {
            return Err(libc::EINVAL);
        };
        if self.state != State::Closed {
            return Err(libc::EINVAL);
        }
        self.family = match f {
            rq::AF_INET => Family::Inet,
            rq::AF_INET6 => Family::Inet6,
            _ => return Err(libc::EAFNOSUPPORT),
        };
        if t != ty {
            return Err(libc::EPROTONOSUPPORT);
        }
        let sock_type = if ty == rq::TYPE_STREAM {
            libc::SOCK_STREAM
        } else {
            libc::SOCK_DGRAM
        };
        let fd = socket::open(self.family.domain(), sock_type)?;
        self.fd = Some(fd);
        self.state = State::Open;
        Ok(Vec::new())
    }

    /// `INET_REQ_BIND`: the bound port.
    pub fn bind(&mut self, args: &[u8]) -> Reply {
        let fd = self.raw().ok_or(libc::EINVAL)?;
        if self.state != State::Open {
            return Err(libc::EINVAL);
        }
        let a = Reader::new(args).addr(self.family).map_err(|e| e.errno())?;
        socket::bind(fd, a)?;
        self.state = State::Bound;
        let port = socket::sockname(fd).map(|a| a.port()).unwrap_or(a.port());
        Ok(port.to_be_bytes().to_vec())
    }

    /// `INET_REQ_NAME` / `INET_REQ_PEER`.
    fn name(&self, peer: bool) -> Reply {
        let fd = self.raw().ok_or(libc::EINVAL)?;
        let a: SockAddr = if peer {
            if !matches!(self.state, State::Connected) {
                return Err(libc::ENOTCONN);
            }
            socket::peername(fd)?
        } else {
            socket::sockname(fd)?
        };
        let mut out = Vec::new();
        rq::put_addr(&mut out, &a);
        Ok(out)
    }

    fn status(&self, busy: bool) -> u32 {
        let s = match self.state {
            State::Closed => 0,
            State::Open => F_OPEN,
            State::Bound => F_OPEN | F_BOUND,
            State::Connecting => F_OPEN | F_CON,
            State::Connected => F_OPEN | F_ACTIVE,
            State::Listening => F_OPEN | F_LISTEN,
        };
        s | if busy { F_BUSY } else { 0 }
    }

    /// Marks a listening socket with acceptors waiting (`INET_F_ACC`), for `getstatus`.
    pub fn status_with_accepting(&self, busy: bool, accepting: bool) -> u32 {
        self.status(busy) | if accepting { F_ACC } else { 0 }
    }

    /// The requests every inet socket answers the same way; `None` when `op` is not one.
    /// `queued` is the output queue's size; `accepting` says acceptors wait.
    pub fn common_request(
        &mut self,
        core: &mut PortCore,
        op: u32,
        args: &[u8],
        queued: usize,
        accepting: bool,
    ) -> Option<Result<(Reply, super::options::Changed), Errno>> {
        let plain = |r: Reply| Some(Ok((r, Default::default())));
        match op {
            rq::REQ_BIND => plain(self.bind(args)),
            rq::REQ_NAME => plain(self.name(false)),
            rq::REQ_PEER => plain(self.name(true)),
            rq::REQ_SETOPTS => {
                let t = self.target();
                Some(self.opts.set(&t, args).map(|ch| (Ok(Vec::new()), ch)))
            }
            rq::REQ_GETOPTS => {
                let t = self.target();
                plain(self.opts.get(&t, args))
            }
            rq::REQ_GETSTAT => plain(self.stats.encode(args, queued)),
            rq::REQ_GETSTATUS => plain(Ok(self
                .status_with_accepting(core.is_busy(), accepting)
                .to_be_bytes()
                .to_vec())),
            rq::REQ_GETTYPE => {
                if self.state == State::Closed {
                    return plain(Err(libc::EINVAL));
                }
                let ty: u32 = match self.proto {
                    Proto::Tcp => rq::TYPE_STREAM as u32,
                    Proto::Udp => rq::TYPE_DGRAM as u32,
                };
                let mut v = (self.family.code() as u32).to_be_bytes().to_vec();
                v.extend_from_slice(&ty.to_be_bytes());
                plain(Ok(v))
            }
            rq::REQ_GETFD => plain(
                self.raw()
                    .map(|fd| (fd as u32).to_be_bytes().to_vec())
                    .ok_or(libc::EINVAL),
            ),
            rq::REQ_IGNOREFD => plain(Ok(Vec::new())),
            rq::REQ_GETHOSTNAME => plain(socket::hostname()),
            rq::REQ_GETIFLIST => plain(socket::interface_names().map(|names| {
                let mut out = Vec::new();
                for n in names {
                    out.extend_from_slice(&n);
                    out.push(0);
                }
                out
            })),
            rq::REQ_SUBSCRIBE => {
                let mut out = Vec::new();
                for &s in args {
                    if s != rq::SUBS_EMPTY_OUT_Q {
                        return plain(Err(libc::EINVAL));
                    }
                    out.push(s);
                    out.extend_from_slice(&(queued as u32).to_be_bytes());
                }
                plain(Ok(out))
            }
            _ => None,
        }
    }
}
