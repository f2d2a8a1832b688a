//! TEMPORARY placeholder replaced by the loader branch.
pub struct OpInfo {
    pub name: &'static str,
    pub arity: u8,
    pub obsolete: bool,
}
pub fn info(_op: u8) -> Option<&'static OpInfo> {
    None
}
