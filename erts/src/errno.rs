//! OS error numbers as OTP names them (`erl_errno_id`): the lowercase `E...` name, as in
//! `{error, enoent}`; `unknown` for a number without a name.

/// The atom text of errno `e`.
pub fn errno_id(e: i32) -> &'static str {
    macro_rules! names {
        ($($c:ident => $n:literal,)*) => {
            $(if e == libc::$c { return $n; })*
        };
    }
    names! {
        EPERM => "eperm", ENOENT => "enoent", ESRCH => "esrch", EINTR => "eintr",
        EIO => "eio", ENXIO => "enxio", E2BIG => "e2big", ENOEXEC => "enoexec",
        EBADF => "ebadf", ECHILD => "echild", EAGAIN => "eagain", ENOMEM => "enomem",
        EACCES => "eacces", EFAULT => "efault", ENOTBLK => "enotblk", EBUSY => "ebusy",
        EEXIST => "eexist", EXDEV => "exdev", ENODEV => "enodev", ENOTDIR => "enotdir",
        EISDIR => "eisdir", EINVAL => "einval", ENFILE => "enfile", EMFILE => "emfile",
        ENOTTY => "enotty", ETXTBSY => "etxtbsy", EFBIG => "efbig", ENOSPC => "enospc",
        ESPIPE => "espipe", EROFS => "erofs", EMLINK => "emlink", EPIPE => "epipe",
        EDOM => "edom", ERANGE => "erange", EDEADLK => "edeadlk", ENAMETOOLONG => "enametoolong",
        ENOLCK => "enolck", ENOSYS => "enosys", ENOTEMPTY => "enotempty", ELOOP => "eloop",
        ENOMSG => "enomsg", ENOSTR => "enostr", ENODATA => "enodata", ETIME => "etime",
        ENOSR => "enosr", EREMOTE => "eremote", ENOLINK => "enolink", EPROTO => "eproto",
        EBADMSG => "ebadmsg", EOVERFLOW => "eoverflow", EILSEQ => "eilseq", EUSERS => "eusers",
        ENOTSOCK => "enotsock", EDESTADDRREQ => "edestaddrreq", EMSGSIZE => "emsgsize",
        EPROTOTYPE => "eprototype", ENOPROTOOPT => "enoprotoopt",
        EPROTONOSUPPORT => "eprotonosupport", ESOCKTNOSUPPORT => "esocktnosupport",
        ENOTSUP => "enotsup", EOPNOTSUPP => "eopnotsupp", EPFNOSUPPORT => "epfnosupport",
        EAFNOSUPPORT => "eafnosupport", EADDRINUSE => "eaddrinuse",
        EADDRNOTAVAIL => "eaddrnotavail", ENETDOWN => "enetdown", ENETUNREACH => "enetunreach",
        ENETRESET => "enetreset", ECONNABORTED => "econnaborted", ECONNRESET => "econnreset",
        ENOBUFS => "enobufs", EISCONN => "eisconn", ENOTCONN => "enotconn",
        ESHUTDOWN => "eshutdown", ETOOMANYREFS => "etoomanyrefs", ETIMEDOUT => "etimedout",
        ECONNREFUSED => "econnrefused", EHOSTDOWN => "ehostdown", EHOSTUNREACH => "ehostunreach",
        EALREADY => "ealready", EINPROGRESS => "einprogress", ESTALE => "estale",
        EDQUOT => "edquot", ECANCELED => "ecanceled",
    }
    "unknown"
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert_eq!(super::errno_id(libc::ENOENT), "enoent");
        assert_eq!(super::errno_id(libc::EMFILE), "emfile");
        // ENOTSUP and EOPNOTSUPP are one number on Linux; OTP names it `enotsup`.
        assert_eq!(super::errno_id(libc::ENOTSUP), "enotsup");
        assert_eq!(super::errno_id(-5), "unknown");
    }
}
