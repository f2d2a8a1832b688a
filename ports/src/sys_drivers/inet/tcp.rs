//! The `tcp_inet` driver (OTP's `tcp_inet_*` of `inet_drv.c`): listen, accept (creating a
//! port per connection, owned by the acceptor), connect, passive `recv` and active
//! delivery (`true`, `once`, `N`) framed by `{packet, _}`, sends with a queue and the busy
//! state above `high_watermark`, `shutdown`, and the end of a connection as OTP reports it
//! (`{tcp_closed, S}` and `exit_on_close`, `{error, closed}` to a waiting `recv`).

use super::common::{AsyncOp, Inet, State};
use super::deliver::{self, Frame, Packet};
use super::options::{Active, Changed, Proto};
use super::request::{self as rq, Reader, Reply};
use super::socket::{self, Errno};
use erts::atom;
use erts::check_io::Ready;
use erts::port::driver::{Driver, DriverFactory, OpenError, PortEvent};
use erts::port::open_opts::OpenSpec;
use erts::port::PortCore;
use erts::process::signals::{OwnedTerm, Signal};
use erts::term::{boxed, Term};
use std::collections::VecDeque;
use std::os::fd::RawFd;
use std::time::Instant;

pub struct TcpFactory;

impl DriverFactory for TcpFactory {
    fn name(&self) -> &str {
        "tcp_inet"
    }
    fn start(&self, _core: &mut PortCore, _spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError> {
        Ok(Box::new(Tcp::new()))
    }
}

/// The largest `recv(S, N)` length taken (OTP's `TCP_MAX_PACKET_SIZE`).
const MAX_RECV: usize = 0x400_0000;
/// Reads per readiness event before the poller is given back.
const READS_PER_EVENT: usize = 8;

/// A `tcp_inet` port.
pub struct Tcp {
    inet: Inet,
    connect_op: Option<AsyncOp>,
    accepts: VecDeque<AsyncOp>,
    /// A passive `recv`: the operation and its length (0 = any).
    recv_op: Option<(AsyncOp, usize)>,
    /// Received bytes not yet delivered: `inbuf[in_start..]`.
    inbuf: Vec<u8>,
    in_start: usize,
    /// Bytes the packet being received needs in all (a read hint).
    need: usize,
    /// Output not yet written: chunks, the written part of the first, the total.
    outq: VecDeque<Vec<u8>>,
    out_off: usize,
    queued: usize,
    /// `{packet, http}`: the request/status line is read, headers follow.
    http_headers: bool,
    /// End of stream was seen.
    eof: bool,
    /// The socket was closed by the peer in passive mode: the next send says `closed`.
    delayed_close_send: bool,
    /// `shutdown(S, write | read_write)` waits for the output queue to drain.
    shutdown_pending: Option<libc::c_int>,
    /// Processes waiting for `{empty_out_q, S}`.
    empty_out_q: Vec<u64>,
}

impl Tcp {
    fn new() -> Self {
        Tcp {
            inet: Inet::new(Proto::Tcp),
            connect_op: None,
            accepts: VecDeque::new(),
            recv_op: None,
            inbuf: Vec::new(),
            in_start: 0,
            need: 0,
            outq: VecDeque::new(),
            out_off: 0,
            queued: 0,
            http_headers: false,
            eof: false,
            delayed_close_send: false,
            shutdown_pending: None,
            empty_out_q: Vec::new(),
        }
    }

    fn buffered(&self) -> &[u8] {
        &self.inbuf[self.in_start..]
    }

    fn wants_read(&self) -> bool {
        self.inet.state == State::Connected
            && !self.eof
            && (self.inet.opts.active != Active::Passive || self.recv_op.is_some())
    }

    /// Sets the poller interest from the state.
    fn update_interest(&mut self, core: &mut PortCore) {
        let read =
            self.wants_read() || (self.inet.state == State::Listening && !self.accepts.is_empty());
        let write = self.inet.state == State::Connecting
            || (self.inet.state == State::Connected && self.queued > 0);
        self.inet.select(
            core,
            Ready {
                read,
                write,
                error: false,
            },
        );
    }

    fn arm_timer(&self, core: &mut PortCore) {
        let deadlines = self
            .connect_op
            .iter()
            .chain(self.accepts.iter())
            .chain(self.recv_op.iter().map(|(op, _)| op))
            .filter_map(|op| op.deadline);
        Inet::arm_timer(core, deadlines);
    }

    fn update_queue(&mut self, core: &mut PortCore) {
        let o = &self.inet.opts;
        core.set_queue_size(
            self.queued,
            Some((o.low_watermark as u64, o.high_watermark as u64)),
        );
    }

    // ---- requests ----

    fn request(&mut self, core: &mut PortCore, op: u32, args: &[u8]) -> Reply {
        match op {
            rq::REQ_OPEN => self.inet.open(args, rq::TYPE_STREAM),
            rq::REQ_LISTEN => self.listen(args),
            rq::REQ_CONNECT => self.connect(core, args),
            rq::REQ_ACCEPT => self.accept(core, args),
            rq::TCP_REQ_RECV => self.recv(core, args),
            rq::TCP_REQ_UNRECV => {
                if self.inet.state != State::Connected {
                    return Err(libc::ENOTCONN);
                }
                let mut v = args.to_vec();
                v.extend_from_slice(self.buffered());
                self.inbuf = v;
                self.in_start = 0;
                Ok(Vec::new())
            }
            rq::TCP_REQ_SHUTDOWN => self.shutdown(args),
            rq::REQ_SUBSCRIBE => {
                let mut out = Vec::new();
                for &s in args {
                    if s != rq::SUBS_EMPTY_OUT_Q {
                        return Err(libc::EINVAL);
                    }
                    if self.queued > 0 {
                        let me = erts::port::current_caller().unwrap_or(core.connected);
                        self.empty_out_q.push(me);
                    }
                    out.push(s);
                    out.extend_from_slice(&(self.queued as u32).to_be_bytes());
                }
                Ok(out)
            }
            rq::REQ_FDOPEN | rq::REQ_CLOSE => Err(libc::ENOTSUP),
            _ => {
                let accepting = !self.accepts.is_empty();
                match self
                    .inet
                    .common_request(core, op, args, self.queued, accepting)
                {
                    None => Err(rq::EXBADPORT),
                    Some(Err(e)) => Err(e),
                    Some(Ok((reply, changed))) => {
                        self.after_setopts(core, changed);
                        reply
                    }
                }
            }
        }
    }

    fn after_setopts(&mut self, core: &mut PortCore, ch: Changed) {
        if ch.watermarks {
            self.update_queue(core);
        }
        if ch.passive_message {
            deliver::socket_event(core, "tcp_passive");
        }
        if ch.active || ch.framing {
            self.deliver_buffered(core);
            self.read_now(core);
        }
    }

    fn listen(&mut self, args: &[u8]) -> Reply {
        let backlog = Reader::new(args).u16().map_err(|_| libc::EINVAL)? as i16;
        let fd = self.inet.raw().ok_or(libc::EINVAL)?;
        if !matches!(self.inet.state, State::Open | State::Bound) {
            return Err(libc::EINVAL);
        }
        socket::listen(fd, backlog.max(0) as i32)?;
        self.inet.state = State::Listening;
        Ok(Vec::new())
    }

    fn connect(&mut self, core: &mut PortCore, args: &[u8]) -> Reply {
        let mut r = Reader::new(args);
        let timeout = r.timeout().map_err(|_| libc::EINVAL)?;
        let fd = self.inet.raw().ok_or(libc::EINVAL)?;
        match self.inet.state {
            State::Open | State::Bound => {}
            State::Connected => return Err(libc::EISCONN),
            State::Connecting => return Err(libc::EALREADY),
            _ => return Err(libc::EINVAL),
        }
        let addr = r.addr(self.inet.family).map_err(|e| e.errno())?;
        let op = self.inet.new_op(core, timeout);
        match socket::connect(fd, addr) {
            Ok(()) => {
                self.inet.state = State::Connected;
                deliver::inet_async(core, op.caller, op.reference, |_| Term::atom(atom::OK));
                self.update_interest(core);
            }
            Err(libc::EINPROGRESS) => {
                self.inet.state = State::Connecting;
                self.connect_op = Some(op);
                self.update_interest(core);
                self.arm_timer(core);
            }
            Err(e) => return Err(e),
        }
        rq::ref_reply(op.reference)
    }

    fn connect_done(&mut self, core: &mut PortCore) {
        let Some(fd) = self.inet.raw() else { return };
        let err = socket::take_error(fd);
        let Some(op) = self.connect_op.take() else {
            return;
        };
        if err == 0 {
            self.inet.state = State::Connected;
            deliver::inet_async(core, op.caller, op.reference, |_| Term::atom(atom::OK));
        } else {
            self.inet.close_socket(core);
            deliver::inet_async_error(core, op.caller, op.reference, deliver::reason(err));
        }
        self.update_interest(core);
        self.arm_timer(core);
    }

    fn accept(&mut self, core: &mut PortCore, args: &[u8]) -> Reply {
        let timeout = Reader::new(args).timeout().map_err(|_| libc::EINVAL)?;
        if self.inet.state != State::Listening {
            return Err(libc::EINVAL);
        }
        let op = self.inet.new_op(core, timeout);
        if self.accepts.is_empty() {
            match self.accept_one(core, op) {
                Ok(true) => return rq::ref_reply(op.reference),
                Ok(false) => {}
                Err(e) => return Err(e),
            }
        }
        self.accepts.push_back(op);
        self.update_interest(core);
        self.arm_timer(core);
        rq::ref_reply(op.reference)
    }

    /// Accepts one connection for `op`: a new port owned by the acceptor. False when none
    /// is waiting.
    fn accept_one(&mut self, core: &mut PortCore, op: AsyncOp) -> Result<bool, Errno> {
        let fd = self.inet.raw().ok_or(libc::EINVAL)?;
        let conn = match socket::accept(fd) {
            Ok(c) => c,
            Err(libc::EAGAIN) => return Ok(false),
            Err(e) => return Err(e),
        };
        let mut child = Tcp::new();
        child.inet.fd = Some(conn);
        child.inet.family = self.inet.family;
        child.inet.state = State::Connected;
        child.inet.opts = self.inet.opts.clone();
        let settings = erts::port::PortSettings {
            name: "tcp_inet".into(),
            driver_name: "tcp_inet".into(),
            ..Default::default()
        };
        let created = erts::port::create(op.caller, settings, move |ccore| {
            child.update_interest(ccore);
            Ok(Box::new(child) as Box<dyn Driver>)
        });
        match created {
            Ok(cell) => {
                let _ = erts::process::exit::deliver(
                    op.caller,
                    Signal::Link {
                        from: erts::port::port_id(cell.id),
                    },
                );
                let port = Term::port(cell.id);
                deliver::inet_async(core, op.caller, op.reference, |h| {
                    boxed::tuple(h, &[Term::atom(atom::OK), port])
                });
            }
            Err(_) => {
                deliver::inet_async_error(core, op.caller, op.reference, "system_limit");
            }
        }
        Ok(true)
    }

    fn accept_ready(&mut self, core: &mut PortCore) {
        while let Some(&op) = self.accepts.front() {
            match self.accept_one(core, op) {
                Ok(true) => {
                    self.accepts.pop_front();
                }
                Ok(false) => break,
                Err(e) => {
                    self.accepts.pop_front();
                    deliver::inet_async_error(core, op.caller, op.reference, deliver::reason(e));
                }
            }
        }
        self.update_interest(core);
        self.arm_timer(core);
    }

    fn recv(&mut self, core: &mut PortCore, args: &[u8]) -> Reply {
        let mut r = Reader::new(args);
        let timeout = r.timeout().map_err(|_| libc::EINVAL)?;
        let n = r.u32().map_err(|_| libc::EINVAL)? as usize;
        if self.inet.state != State::Connected {
            return Err(libc::ENOTCONN);
        }
        if self.inet.opts.active != Active::Passive {
            return Err(libc::EINVAL);
        }
        if n != 0 && self.inet.opts.packet.kind().is_some() {
            return Err(libc::EINVAL);
        }
        if n > MAX_RECV {
            return Err(libc::ENOMEM);
        }
        if self.recv_op.is_some() {
            return Err(libc::EALREADY);
        }
        let op = self.inet.new_op(core, timeout);
        self.recv_op = Some((op, n));
        self.deliver_buffered(core);
        if self.recv_op.is_some() && self.eof {
            self.closed(core);
        }
        self.read_now(core);
        rq::ref_reply(op.reference)
    }

    fn shutdown(&mut self, args: &[u8]) -> Reply {
        let how = match args.first() {
            Some(0) => libc::SHUT_RD,
            Some(1) => libc::SHUT_WR,
            Some(2) => libc::SHUT_RDWR,
            _ => return Err(libc::EINVAL),
        };
        let fd = self.inet.raw().ok_or(libc::ENOTCONN)?;
        if self.inet.state != State::Connected {
            return Err(libc::ENOTCONN);
        }
        if how != libc::SHUT_RD && self.queued > 0 {
            self.shutdown_pending = Some(how);
            return Ok(Vec::new());
        }
        socket::shutdown(fd, how)?;
        Ok(Vec::new())
    }

    // ---- receiving ----

    /// Delivers the buffered packets the socket's mode asks for: all of them while
    /// active, one for a waiting `recv`.
    fn deliver_buffered(&mut self, core: &mut PortCore) {
        loop {
            let want = match (self.inet.opts.active, &self.recv_op) {
                (Active::Passive, None) => break,
                (Active::Passive, Some((_, n))) => *n,
                _ => 0,
            };
            let frame = deliver::frame(&self.inet.opts, self.buffered(), want, self.http_headers);
            match frame {
                Frame::More(n) => {
                    self.need = n;
                    break;
                }
                Frame::Invalid => {
                    self.receive_error(core, libc::EMSGSIZE);
                    break;
                }
                Frame::Packet { consumed, body } => {
                    self.need = 0;
                    let start = self.in_start;
                    self.in_start += consumed;
                    let bytes = std::mem::take(&mut self.inbuf);
                    let whole = &bytes[start..start + consumed];
                    self.deliver_packet(core, whole, body);
                    self.inbuf = bytes;
                }
            }
        }
        if self.in_start == self.inbuf.len() {
            self.inbuf.clear();
            self.in_start = 0;
        } else if self.in_start > 65536 && self.in_start * 2 > self.inbuf.len() {
            self.inbuf.drain(..self.in_start);
            self.in_start = 0;
        }
    }

    fn deliver_packet(&mut self, core: &mut PortCore, whole: &[u8], body: std::ops::Range<usize>) {
        let opts = &self.inet.opts;
        let packet = match deliver::http_kind(opts) {
            Some(bin) => Packet::Http {
                line: whole,
                headers: self.http_headers || matches!(opts.packet.0, 11 | 14),
                bin,
            },
            None => Packet::Bytes(&whole[body]),
        };
        self.inet.stats.received(packet.size());
        // A distribution controller's packets go to the distribution, not to its owner.
        if let Packet::Bytes(b) = packet {
            if core.dist_received(b) {
                return;
            }
        }
        let opts = &self.inet.opts;
        let port = core.port_term();
        let passive = opts.active == Active::Passive;
        let msg = OwnedTerm::build(|h| {
            let d = packet.term(h, opts);
            if passive {
                boxed::tuple(h, &[Term::atom(atom::OK), d])
            } else if opts.deliver_term {
                let tag = if packet.is_http() { "http" } else { "tcp" };
                boxed::tuple(h, &[Term::atom(atom::atom(tag)), port, d])
            } else {
                let inner = boxed::tuple(h, &[Term::atom(atom::atom("data")), d]);
                boxed::tuple(h, &[port, inner])
            }
        });
        if packet.is_http() {
            let d = if passive || self.inet.opts.deliver_term {
                boxed::tuple_element(msg.term, if passive { 1 } else { 2 })
            } else {
                boxed::tuple_element(boxed::tuple_element(msg.term, 1), 1)
            };
            self.track_http(d);
        }
        if passive {
            if let Some((op, _)) = self.recv_op.take() {
                deliver::inet_async(core, op.caller, op.reference, |h| {
                    erts::term::copy::copy(h, msg.term)
                });
            }
        } else {
            let to = core.connected;
            core.send_to(to, msg);
            self.count_active(core);
        }
    }

    /// `{active, once | N}` after a delivery.
    fn count_active(&mut self, core: &mut PortCore) {
        match self.inet.opts.active {
            Active::Once => self.inet.opts.active = Active::Passive,
            Active::Multi(n) if n <= 1 => {
                self.inet.opts.active = Active::Passive;
                deliver::socket_event(core, "tcp_passive");
            }
            Active::Multi(n) => self.inet.opts.active = Active::Multi(n - 1),
            _ => {}
        }
    }

    /// `{packet, http}`: after the request or status line come headers; after the end of
    /// the headers, a new line.
    fn track_http(&mut self, t: Term) {
        if t == Term::atom(atom::atom("http_eoh")) {
            self.http_headers = false;
        } else if t.is_tuple() && boxed::tuple_arity(t) > 0 {
            let tag = boxed::tuple_element(t, 0);
            if tag == Term::atom(atom::atom("http_request"))
                || tag == Term::atom(atom::atom("http_response"))
            {
                self.http_headers = true;
            }
        }
    }

    /// Reads at once what is waiting, in the caller's thread (the poller is asked only when
    /// nothing is), then updates the interest and timer.
    fn read_now(&mut self, core: &mut PortCore) {
        match self.inet.raw() {
            Some(fd) if self.wants_read() => self.ready_read(core, fd),
            _ => {
                self.update_interest(core);
                self.arm_timer(core);
            }
        }
    }

    fn ready_read(&mut self, core: &mut PortCore, fd: RawFd) {
        for _ in 0..READS_PER_EVENT {
            if !self.wants_read() {
                break;
            }
            let have = self.inbuf.len() - self.in_start;
            let size = self
                .inet
                .opts
                .buffer
                .max(self.need.saturating_sub(have))
                .min(MAX_RECV);
            let len = self.inbuf.len();
            self.inbuf.resize(len + size, 0);
            let r = socket::recv(fd, &mut self.inbuf[len..]);
            match r {
                Ok(0) => {
                    self.inbuf.truncate(len);
                    self.eof = true;
                    self.closed(core);
                    break;
                }
                Ok(n) => {
                    self.inbuf.truncate(len + n);
                    self.deliver_buffered(core);
                    if n < size {
                        break;
                    }
                }
                Err(e) => {
                    self.inbuf.truncate(len);
                    if e != libc::EAGAIN && e != libc::EINTR {
                        if e == libc::ECONNRESET && !self.inet.opts.show_econnreset {
                            self.eof = true;
                            self.closed(core);
                        } else {
                            self.receive_error(core, e);
                        }
                    }
                    break;
                }
            }
        }
        self.update_interest(core);
        self.arm_timer(core);
    }

    /// The peer closed the connection (OTP's `tcp_recv_closed`).
    fn closed(&mut self, core: &mut PortCore) {
        if self.inet.opts.active != Active::Passive {
            self.drop_output(core);
            deliver::socket_event(core, "tcp_closed");
            if self.inet.opts.exit_on_close {
                super::common::driver_exit(core);
            }
        } else {
            if let Some((op, _)) = self.recv_op.take() {
                deliver::inet_async_error(core, op.caller, op.reference, "closed");
            }
            if self.inet.opts.exit_on_close {
                self.drop_output(core);
                self.inbuf.clear();
                self.in_start = 0;
                self.inet.close_socket(core);
                self.delayed_close_send = true;
            }
        }
    }

    /// A receive failed with `e` (OTP's `tcp_recv_error`).
    fn receive_error(&mut self, core: &mut PortCore, e: Errno) {
        let reason = deliver::reason(e);
        if self.inet.opts.active != Active::Passive {
            deliver::socket_error(core, "tcp_error", reason);
            if e != libc::EMSGSIZE {
                self.eof = true;
                deliver::socket_event(core, "tcp_closed");
                if self.inet.opts.exit_on_close {
                    super::common::driver_exit(core);
                }
            }
        } else if let Some((op, _)) = self.recv_op.take() {
            deliver::inet_async_error(core, op.caller, op.reference, reason);
        }
    }

    // ---- sending ----

    fn drop_output(&mut self, core: &mut PortCore) {
        self.outq.clear();
        self.out_off = 0;
        self.queued = 0;
        self.update_queue(core);
        self.notify_empty(core);
    }

    fn notify_empty(&mut self, core: &mut PortCore) {
        let port = core.port_term();
        for pid in std::mem::take(&mut self.empty_out_q) {
            core.send_to(
                pid,
                OwnedTerm::build(|h| {
                    boxed::tuple(h, &[Term::atom(atom::atom("empty_out_q")), port])
                }),
            );
        }
    }

    /// Writes queued output; false if the connection failed.
    fn flush_output(&mut self, core: &mut PortCore) -> bool {
        let Some(fd) = self.inet.raw() else {
            return false;
        };
        while let Some(front) = self.outq.front() {
            match socket::send(fd, &front[self.out_off..]) {
                Ok(n) => {
                    self.out_off += n;
                    self.queued -= n;
                    if self.out_off == front.len() {
                        self.outq.pop_front();
                        self.out_off = 0;
                    }
                }
                Err(libc::EAGAIN) | Err(libc::EINTR) => break,
                Err(e) => {
                    self.send_failed(core, e);
                    return false;
                }
            }
        }
        if self.queued == 0 {
            if let Some(how) = self.shutdown_pending.take() {
                let _ = socket::shutdown(fd, how);
            }
            self.notify_empty(core);
        }
        self.update_queue(core);
        true
    }

    /// A send failed: the connection is gone (OTP's `tcp_send_error`).
    fn send_failed(&mut self, core: &mut PortCore, e: Errno) {
        self.drop_output(core);
        if self.inet.opts.active != Active::Passive {
            if e != libc::EPIPE && e != libc::ECONNRESET {
                deliver::socket_error(core, "tcp_error", deliver::reason(e));
            }
            self.eof = true;
            deliver::socket_event(core, "tcp_closed");
            if self.inet.opts.exit_on_close {
                super::common::driver_exit(core);
            }
        } else if self.inet.opts.exit_on_close {
            if let Some((op, _)) = self.recv_op.take() {
                deliver::inet_async_error(core, op.caller, op.reference, "closed");
            }
            self.inet.close_socket(core);
        }
    }

    /// Sends `frames`, each a packet, with one write (distribution frames).
    fn send_frames(&mut self, core: &mut PortCore, frames: &[Vec<u8>]) -> Result<(), &'static str> {
        if self.inet.state != State::Connected {
            return Err("closed");
        }
        let h = self.inet.opts.packet.send_header();
        let total = frames.iter().map(|f| h + f.len()).sum();
        let mut chunk = Vec::with_capacity(total);
        for f in frames {
            if h > 0 && h < 4 && f.len() >= 1 << (8 * h) {
                return Err("emsgsize");
            }
            chunk.extend_from_slice(&(f.len() as u32).to_be_bytes()[4 - h..]);
            chunk.extend_from_slice(f);
        }
        self.queue_chunk(core, chunk)
    }

    /// Queues framed bytes for the socket, written at once when nothing was waiting.
    fn queue_chunk(&mut self, core: &mut PortCore, chunk: Vec<u8>) -> Result<(), &'static str> {
        self.inet.stats.sent(chunk.len());
        self.queued += chunk.len();
        self.outq.push_back(chunk);
        if self.queued == self.outq.back().map_or(0, |c| c.len()) {
            // Nothing was waiting: write at once.
            if !self.flush_output(core) {
                return Err("closed");
            }
        } else {
            self.update_queue(core);
        }
        self.update_interest(core);
        Ok(())
    }

    fn send(&mut self, core: &mut PortCore, data: &[u8]) -> Result<(), &'static str> {
        if self.inet.state != State::Connected {
            if std::mem::take(&mut self.delayed_close_send) {
                return Err("closed");
            }
            return Err(if self.inet.state == State::Closed && self.eof {
                "closed"
            } else {
                "enotconn"
            });
        }
        let h = self.inet.opts.packet.send_header();
        if h > 0 && h < 4 && data.len() >= 1 << (8 * h) {
            return Err("emsgsize");
        }
        let mut chunk = Vec::with_capacity(h + data.len());
        chunk.extend_from_slice(&(data.len() as u32).to_be_bytes()[4 - h..]);
        chunk.extend_from_slice(data);
        self.queue_chunk(core, chunk)
    }
}

impl Driver for Tcp {
    fn output(&mut self, core: &mut PortCore, data: &[u8]) {
        let caller = erts::port::current_caller().unwrap_or(core.connected);
        let r = self.send(core, data);
        deliver::inet_reply(core, caller, r);
    }

    /// Distribution frames: one write, and no `inet_reply` (OTP's driver replies only to a
    /// process caller).
    fn output_frames(&mut self, core: &mut PortCore, frames: &[Vec<u8>]) {
        let _ = self.send_frames(core, frames);
    }

    /// As OTP's `tcp_inet`: `port_command(S, D, [force])` is allowed (the distribution's
    /// ticks are sent that way).
    fn soft_busy(&self) -> bool {
        true
    }

    fn control(
        &mut self,
        core: &mut PortCore,
        op: u32,
        data: &mut [u8],
        reply: &mut Vec<u8>,
    ) -> bool {
        let r = match op.checked_sub(rq::MAGIC) {
            Some(op) => self.request(core, op, data),
            None => Err(rq::EXBADPORT),
        };
        rq::write_reply(reply, r);
        true
    }

    fn ready_input(&mut self, core: &mut PortCore, fd: RawFd) {
        match self.inet.state {
            State::Listening => self.accept_ready(core),
            State::Connected => self.ready_read(core, fd),
            _ => self.update_interest(core),
        }
    }

    fn ready_output(&mut self, core: &mut PortCore, _fd: RawFd) {
        match self.inet.state {
            State::Connecting => self.connect_done(core),
            State::Connected => {
                self.flush_output(core);
                self.update_interest(core);
            }
            _ => self.update_interest(core),
        }
    }

    fn event(&mut self, core: &mut PortCore, ev: PortEvent) {
        if !matches!(ev, PortEvent::Timeout) {
            return;
        }
        let now = Instant::now();
        let due = |op: &AsyncOp| op.deadline.is_some_and(|d| d <= now);
        if self.connect_op.as_ref().is_some_and(due) {
            let op = self.connect_op.take().unwrap_or_else(|| unreachable!());
            self.inet.close_socket(core);
            deliver::inet_async_error(core, op.caller, op.reference, "timeout");
        }
        let mut kept = VecDeque::new();
        for op in std::mem::take(&mut self.accepts) {
            if due(&op) {
                deliver::inet_async_error(core, op.caller, op.reference, "timeout");
            } else {
                kept.push_back(op);
            }
        }
        self.accepts = kept;
        if self.recv_op.as_ref().is_some_and(|(op, _)| due(op)) {
            if let Some((op, _)) = self.recv_op.take() {
                deliver::inet_async_error(core, op.caller, op.reference, "timeout");
            }
        }
        self.update_interest(core);
        self.arm_timer(core);
    }

    fn stop(&mut self, core: &mut PortCore) {
        let pending: Vec<AsyncOp> = self
            .connect_op
            .take()
            .into_iter()
            .chain(self.accepts.drain(..))
            .chain(self.recv_op.take().map(|(op, _)| op))
            .collect();
        for op in pending {
            deliver::inet_async_error(core, op.caller, op.reference, "closed");
        }
        self.inet.close_socket(core);
    }
}
