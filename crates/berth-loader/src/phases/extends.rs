//! Phase extends. OWNER: lead (stub).
