//! Rules of the house that a user meets (#14): `--help` starts with a verb and explains "bead"
//! once (so does the README), and tests install nothing (installation is `.ci/run`'s job).

mod common;

use common::{exec, repo};

#[test]
fn help_starts_with_a_verb_and_explains_bead_once() {
    let (code, help, _) = exec(["--help"]);
    assert_eq!(code, 0);
    assert!(help.starts_with("Align "), "{help}");
    assert_eq!(help.matches("A bead is").count(), 1, "{help}");
    // every command's line starts with a verb, as the first line does
    let verbs = [
        "Run", "Print", "Split", "Align", "Score", "Work", "Extract", "Report", "Install", "Write",
        "Finish",
    ];
    let commands = help
        .split("Commands:")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a Commands section");
    for line in commands.lines().filter(|l| !l.trim().is_empty()) {
        let what = line.split_whitespace().nth(1).unwrap_or("");
        assert!(verbs.contains(&what), "{line:?} does not start with a verb");
    }
    let (_, tm_help, _) = exec(["tm", "--help"]);
    for line in tm_help
        .split("Commands:")
        .nth(1)
        .unwrap_or("")
        .split("\n\n")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let what = line.split_whitespace().nth(1).unwrap_or("");
        assert!(
            what.chars().next().is_some_and(char::is_uppercase) && !what.ends_with(':'),
            "{line:?}"
        );
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert_eq!(readme.matches("A *bead* is").count(), 1);
}

#[test]
fn tests_install_nothing() {
    // the words are put together here so that this file does not match itself
    let install = format!("{q}install{q}", q = '"');
    let dir = repo().join("tests");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains(&install) || text.contains(&["apt-get", " install"].concat()) {
            offenders.push(path.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "tests must not install packages (put it in .ci/run): {offenders:?}"
    );
}
