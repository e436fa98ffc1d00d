//! The tar stream that copies one injected file (a secret or config) into a container.

use crate::convert::InjectedFile;

/// A tar archive holding `file` at its absolute target path, with its mode and owner.
pub fn single_file(file: &InjectedFile) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.set_size(file.content.len() as u64);
    header.set_mode(file.mode);
    header.set_uid(u64::from(file.uid));
    header.set_gid(u64::from(file.gid));
    header.set_mtime(0);
    let mut builder = tar::Builder::new(Vec::new());
    let path = file.target.trim_start_matches('/');
    // Writing into a Vec cannot fail; an over-long path is the only error left.
    let _ = builder.append_data(&mut header, path, file.content.as_slice());
    builder.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_holds_the_file_with_its_mode() {
        let file = InjectedFile {
            target: "/run/secrets/token".into(),
            content: b"s3cret".to_vec(),
            mode: 0o440,
            uid: 1000,
            gid: 1000,
            copy_uid_gid: true,
        };
        let bytes = single_file(&file);
        let mut archive = tar::Archive::new(bytes.as_slice());
        let mut entries = archive.entries().unwrap();
        let mut entry = entries.next().unwrap().unwrap();
        assert_eq!(entry.path().unwrap().to_str(), Some("run/secrets/token"));
        assert_eq!(entry.header().mode().unwrap(), 0o440);
        assert_eq!(entry.header().uid().unwrap(), 1000);
        let mut content = String::new();
        std::io::Read::read_to_string(&mut entry, &mut content).unwrap();
        assert_eq!(content, "s3cret");
    }
}
