//! TEMPORARY placeholder replaced by the loader branch.
use super::{BeamFile, LoadError};
pub fn parse(_b: &[u8]) -> Result<BeamFile, LoadError> {
    Err(LoadError::MissingChunk("Code"))
}
