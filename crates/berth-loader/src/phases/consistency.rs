//! Phase consistency. OWNER: lead (stub).
