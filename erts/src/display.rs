//! TEMPORARY placeholder replaced by the print branch.
use crate::term::Term;
pub fn display_string(t: Term) -> String {
    format!("{t:?}")
}
