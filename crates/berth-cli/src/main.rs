//! The `berth` binary. OWNER: lead.
fn main() {}
