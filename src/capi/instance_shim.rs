//! TEMPORARY (replaced by `erts::instance` when the per-instance state lands): one runtime
//! per OS process, whose shutdown cannot free it.

use std::sync::atomic::{AtomicBool, Ordering};

static LIVE: AtomicBool = AtomicBool::new(false);

pub struct Instance;

impl Instance {
    pub fn new() -> Instance {
        assert!(
            !LIVE.swap(true, Ordering::SeqCst),
            "one runtime at a time for now"
        );
        Instance
    }
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        f()
    }
    pub fn shutdown(&self) {}
    pub fn set_halt_handler(&self, _h: Box<dyn Fn(i32) + Send + Sync>) {}
}
