//! Property: bad input gets an error, never a panic. Fixtures of the corpus, damaged at random
//! (characters replaced, removed or inserted), go through the whole loading pipeline and both
//! writers.

mod common;

use berth_loader::LoadSwitches;
use proptest::prelude::*;

fn fixtures() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/config");
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .expect("fixture corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("compose.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

const NOISE: &[char] = &[
    ':', '-', '[', ']', '{', '}', '!', '&', '*', '#', '|', '>', '\'', '"', '%', '@', '`', ',', '?',
    '\n', ' ', '\t', '$', '0', '9', 'a', '~', '.', '=', '<',
];

fn load_everything(dir: &std::path::Path, interpolate: bool) {
    let switches = LoadSwitches {
        interpolate,
        ..Default::default()
    };
    if let Ok(project) = common::load_in(dir, switches) {
        let _ = berth_model::emit::to_yaml(&project.model);
        let _ = berth_model::emit::to_json(&project.model);
        for service in project.services().values() {
            let _ = berth_model::hash::service_hash(service);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn damaged_files_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, prop::sample::select(NOISE)), 1..5),
        interpolate in any::<bool>(),
    ) {
        let all = fixtures();
        let source = pick.get(&all);
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(source).unwrap().flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
            }
        }
        let mut text: Vec<char> = std::fs::read_to_string(source.join("compose.yaml")).unwrap().chars().collect();
        for (at, op, c) in edits {
            if text.is_empty() {
                break;
            }
            let i = at.index(text.len());
            match op {
                0 => text[i] = c,
                1 => { text.remove(i); }
                _ => text.insert(i, c),
            }
        }
        std::fs::write(dir.path().join("compose.yaml"), text.iter().collect::<String>()).unwrap();
        load_everything(dir.path(), interpolate);
    }
}
