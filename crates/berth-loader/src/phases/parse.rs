//! Phase parse. OWNER: lead (stub).
