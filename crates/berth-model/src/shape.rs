//! The canonical shape of the compose model: field order and Go types of compose-go's structs.
//! OWNER: model helper (replaces this stub).
