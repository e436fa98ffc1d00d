//! Phase profiles. OWNER: lead (stub).
