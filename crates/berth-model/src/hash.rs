//! Config hashes of services, networks and volumes, equal to the reference's.
//! OWNER: model helper (replaces this stub).
