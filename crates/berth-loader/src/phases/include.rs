//! Phase include. OWNER: lead (stub).
