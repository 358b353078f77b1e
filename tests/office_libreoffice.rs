//! A DOCX written by LibreOffice (#16): the demo corpus's plain-text pair
//! (`examples/joint-statement.{zh,ru}.txt`) converted with `soffice --headless --convert-to
//! docx` aligns with exactly the beads of the plain-text pair. Without LibreOffice the test
//! skips with a note; in CI (`CI` set; `.ci/run` installs `libreoffice-writer-nogui`) it fails.

mod common;

use common::{have_tool, outputs, s, tmalign};
use std::path::Path;

#[test]
fn libreoffice_docx_of_the_demo_pair_gives_the_plain_text_beads() {
    if !have_tool("soffice") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let txt = d.path().join("txt");
    std::fs::create_dir(&txt).unwrap();
    for lang in ["zh", "ru"] {
        let name = format!("joint-statement.{lang}.txt");
        std::fs::copy(examples.join(&name), txt.join(&name)).unwrap();
    }
    let docx = d.path().join("docx");
    // a private profile: no clash with a running LibreOffice or another test
    let profile = format!(
        "-env:UserInstallation=file://{}",
        d.path().join("lo").display()
    );
    let o = std::process::Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--infilter=Text (encoded):UTF8,LF,,,",
            "--convert-to",
            "docx",
            "--outdir",
            s(&docx),
            s(&txt.join("joint-statement.zh.txt")),
            s(&txt.join("joint-statement.ru.txt")),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "soffice: {}", outputs(&o));
    for lang in ["zh", "ru"] {
        let f = docx.join(format!("joint-statement.{lang}.docx"));
        assert!(
            f.is_file(),
            "soffice wrote no {}: {}",
            f.display(),
            outputs(&o)
        );
    }
    let run = |input: &Path, out: &str| {
        let o = tmalign(&["run", s(input), "-o", out, "--no-html"], d.path());
        assert!(o.status.success(), "{}", outputs(&o));
        std::fs::read_to_string(d.path().join(out).join("joint-statement.beads")).unwrap()
    };
    let plain = run(&txt, "out-txt");
    let from_docx = run(&docx, "out-docx");
    assert!(plain.lines().count() > 10, "{plain}");
    assert_eq!(plain, from_docx);
}
