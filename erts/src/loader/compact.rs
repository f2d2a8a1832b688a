//! TEMPORARY placeholder replaced by the loader branch.
