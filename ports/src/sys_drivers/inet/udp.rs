//! The `udp_inet` driver (OTP's `packet_inet_*` of `inet_drv.c` for datagrams): open, bind,
//! connect, `sendto` through `port_command` (`[Addr, AncLen:32, Anc, Data]`, answered by
//! `{inet_reply, S, Status}`), passive `recvfrom` (`PACKET_REQ_RECV`) and active delivery
//! of `{udp, S, IP, Port, Data}`, `read_packets` datagrams per readiness event.

use super::common::{AsyncOp, Inet, State};
use super::deliver;
use super::options::{Active, Changed, Proto};
use super::request::{self as rq, Reader, Reply};
use super::socket::{self, Errno, SockAddr};
use erts::atom;
use erts::check_io::Ready;
use erts::port::driver::{Driver, DriverFactory, OpenError, PortEvent};
use erts::port::open_opts::OpenSpec;
use erts::port::PortCore;
use erts::term::{boxed, Term};
use std::os::fd::RawFd;
use std::time::Instant;

pub struct UdpFactory;

impl DriverFactory for UdpFactory {
    fn name(&self) -> &str {
        "udp_inet"
    }
    fn start(&self, _core: &mut PortCore, _spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError> {
        Ok(Box::new(Udp {
            inet: Inet::new(Proto::Udp),
            recv_op: None,
        }))
    }
}

/// A `udp_inet` port.
pub struct Udp {
    inet: Inet,
    recv_op: Option<AsyncOp>,
}

impl Udp {
    fn readable(&self) -> bool {
        matches!(
            self.inet.state,
            State::Bound | State::Connected | State::Open
        )
    }

    fn update_interest(&mut self, core: &mut PortCore) {
        let read = self.readable()
            && self.inet.state != State::Open
            && (self.inet.opts.active != Active::Passive || self.recv_op.is_some());
        self.inet.select(
            core,
            Ready {
                read,
                write: false,
                error: false,
            },
        );
        Inet::arm_timer(core, self.recv_op.iter().filter_map(|op| op.deadline));
    }

    fn request(&mut self, core: &mut PortCore, op: u32, args: &[u8]) -> Reply {
        match op {
            rq::REQ_OPEN => self.inet.open(args, rq::TYPE_DGRAM),
            rq::REQ_CONNECT => self.connect(core, args),
            rq::PACKET_REQ_RECV => self.recv(core, args),
            rq::REQ_FDOPEN | rq::REQ_CLOSE => Err(libc::ENOTSUP),
            _ => match self.inet.common_request(core, op, args, 0, false) {
                None => Err(rq::EXBADPORT),
                Some(Err(e)) => Err(e),
                Some(Ok((reply, changed))) => {
                    self.after_request(core, changed);
                    reply
                }
            },
        }
    }

    fn after_request(&mut self, core: &mut PortCore, ch: Changed) {
        if ch.passive_message {
            deliver::socket_event(core, "udp_passive");
        }
        self.update_interest(core);
    }

    fn connect(&mut self, core: &mut PortCore, args: &[u8]) -> Reply {
        let mut r = Reader::new(args);
        let _timeout = r.timeout().map_err(|_| libc::EINVAL)?;
        let fd = self.inet.raw().ok_or(libc::EINVAL)?;
        let addr = r.addr(self.inet.family).map_err(|e| e.errno())?;
        socket::connect(fd, addr)?;
        self.inet.state = State::Connected;
        let op = self.inet.new_op(core, None);
        deliver::inet_async(core, op.caller, op.reference, |_| Term::atom(atom::OK));
        self.update_interest(core);
        rq::ref_reply(op.reference)
    }

    fn recv(&mut self, core: &mut PortCore, args: &[u8]) -> Reply {
        let mut r = Reader::new(args);
        let timeout = r.timeout().map_err(|_| libc::EINVAL)?;
        let _len = r.u32().map_err(|_| libc::EINVAL)?;
        if !self.readable() || self.inet.raw().is_none() {
            return Err(libc::ENOTCONN);
        }
        if self.inet.opts.active != Active::Passive {
            return Err(libc::EINVAL);
        }
        if self.recv_op.is_some() {
            return Err(libc::EALREADY);
        }
        let op = self.inet.new_op(core, timeout);
        self.recv_op = Some(op);
        if let Some(fd) = self.inet.raw() {
            self.read_datagrams(core, fd);
        }
        self.update_interest(core);
        rq::ref_reply(op.reference)
    }

    /// Reads datagrams while someone takes them (`read_packets` at most).
    fn read_datagrams(&mut self, core: &mut PortCore, fd: RawFd) {
        let mut buf = vec![0u8; self.inet.opts.buffer.max(1)];
        for _ in 0..self.inet.opts.read_packets.max(1) {
            if self.inet.opts.active == Active::Passive && self.recv_op.is_none() {
                break;
            }
            match socket::recv_from(fd, &mut buf) {
                Ok((n, from)) => self.deliver(core, &buf[..n], from),
                Err(libc::EAGAIN) | Err(libc::EINTR) => break,
                Err(e) => {
                    self.receive_error(core, e);
                    break;
                }
            }
        }
    }

    fn deliver(&mut self, core: &mut PortCore, data: &[u8], from: Option<SockAddr>) {
        self.inet.stats.received(data.len());
        let opts = &self.inet.opts;
        let (binary, header) = (opts.binary, opts.header);
        let Some(from) = from else {
            return;
        };
        if let Some(op) = self.recv_op.take() {
            let prefix = deliver::addr_prefix(&from);
            deliver::inet_async(core, op.caller, op.reference, |h| {
                let d = deliver::data_term(h, binary, header, &prefix, data);
                boxed::tuple(h, &[Term::atom(atom::OK), d])
            });
            return;
        }
        let port = core.port_term();
        let deliver_term = opts.deliver_term;
        core.send_to_connected(|h| {
            let d = deliver::data_term(h, binary, header, &[], data);
            let ip = deliver::ip_term(h, &from);
            let p = Term::small(from.port() as i64);
            if deliver_term {
                boxed::tuple(h, &[Term::atom(atom::atom("udp")), port, ip, p, d])
            } else {
                let addr = boxed::tuple(h, &[ip, p]);
                let inner = boxed::tuple(h, &[Term::atom(atom::atom("data")), addr, d]);
                boxed::tuple(h, &[port, inner])
            }
        });
        match self.inet.opts.active {
            Active::Once => self.inet.opts.active = Active::Passive,
            Active::Multi(n) if n <= 1 => {
                self.inet.opts.active = Active::Passive;
                deliver::socket_event(core, "udp_passive");
            }
            Active::Multi(n) => self.inet.opts.active = Active::Multi(n - 1),
            _ => {}
        }
    }

    fn receive_error(&mut self, core: &mut PortCore, e: Errno) {
        let reason = deliver::reason(e);
        if let Some(op) = self.recv_op.take() {
            deliver::inet_async_error(core, op.caller, op.reference, reason);
        } else if self.inet.opts.active != Active::Passive {
            deliver::socket_error(core, "udp_error", reason);
        }
    }

    /// `[Addr, AncLen:32, Anc, Data]` from `prim_inet:sendto/4`.
    fn send(&mut self, data: &[u8]) -> Result<(), Errno> {
        let fd = self.inet.raw().ok_or(libc::EINVAL)?;
        let mut r = Reader::new(data);
        let connected_peer = data.len() >= 3 && data[0] == rq::AF_ANY && data[1..3] == [0, 0];
        let to = r.addr(self.inet.family).map_err(|e| e.errno())?;
        let anc = r.u32().map_err(|_| libc::EINVAL)? as usize;
        r.bytes(anc).map_err(|_| libc::EINVAL)?;
        let payload = r.rest();
        let to = if connected_peer && self.inet.state == State::Connected {
            None
        } else {
            Some(to)
        };
        socket::send_to(fd, payload, to)?;
        self.inet.stats.sent(payload.len());
        Ok(())
    }
}

impl Driver for Udp {
    fn output(&mut self, core: &mut PortCore, data: &[u8]) {
        let caller = erts::port::current_caller().unwrap_or(core.connected);
        let r = self.send(data).map_err(deliver::reason);
        deliver::inet_reply(core, caller, r);
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
        self.read_datagrams(core, fd);
        self.update_interest(core);
    }

    fn event(&mut self, core: &mut PortCore, ev: PortEvent) {
        if !matches!(ev, PortEvent::Timeout) {
            return;
        }
        let now = Instant::now();
        if self
            .recv_op
            .as_ref()
            .is_some_and(|op| op.deadline.is_some_and(|d| d <= now))
        {
            if let Some(op) = self.recv_op.take() {
                deliver::inet_async_error(core, op.caller, op.reference, "timeout");
            }
        }
        self.update_interest(core);
    }

    fn stop(&mut self, core: &mut PortCore) {
        if let Some(op) = self.recv_op.take() {
            deliver::inet_async_error(core, op.caller, op.reference, "closed");
        }
        self.inet.close_socket(core);
    }
}
