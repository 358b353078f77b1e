//! Reading a glossary file with the tools termbases meet in practice: OmegaT's own glossary
//! readers (TBX and tab-separated text) and translate-toolkit's TBX store. Each returns the
//! (source, target) pairs the tool sees, or `None` when the tool is missing (a failure under
//! `CI=true`, where `.ci/run` installs it; locally a skip with a note).

use std::path::Path;
use std::process::Command;

/// `ok` as given; when false, fails under `CI=true` and otherwise prints a note naming `what`.
pub fn tool_present(ok: bool, what: &str) -> bool {
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{what} is required in CI (.ci/run installs it)"
        );
        eprintln!("note: {what} not installed; check skipped");
    }
    ok
}

/// The pairs OmegaT 3.6 reads from `file` (`.tbx` through its TBX reader, anything else
/// through its TSV reader) in a project from zh-CN to `target` (`ru-RU`, `en-GB`); `work` is a
/// scratch folder. Panics when OmegaT refuses the file.
pub fn omegat_glossary_pairs(
    file: &Path,
    target: &str,
    work: &Path,
) -> Option<Vec<(String, String)>> {
    let jar = Path::new("/usr/share/omegat/OmegaT.jar");
    let java = Command::new("java").arg("-version").output().is_ok();
    if !tool_present(
        jar.exists() && java,
        "OmegaT (Debian package omegat) with java",
    ) {
        return None;
    }
    let src = work.join("OmegatGlossary.java");
    std::fs::write(
        &src,
        r#"import java.io.File;
import java.util.List;
import org.omegat.core.Core;
import org.omegat.core.data.ProjectProperties;
import org.omegat.core.data.RealProject;
import org.omegat.gui.glossary.GlossaryEntry;
import org.omegat.gui.glossary.GlossaryReaderTBX;
import org.omegat.gui.glossary.GlossaryReaderTSV;

public class OmegatGlossary {
    public static void main(String[] a) throws Exception {
        File f = new File(a[0]);
        ProjectProperties props = new ProjectProperties(new File(a[1]));
        props.setSourceLanguage("zh-CN");
        props.setTargetLanguage(a[2]);
        Core.setProject(new RealProject(props));
        List<GlossaryEntry> l = a[0].endsWith(".tbx")
            ? GlossaryReaderTBX.read(f, false) : GlossaryReaderTSV.read(f, false);
        for (GlossaryEntry e : l)
            for (String t : e.getLocTerms(false)) System.out.println("PAIR\t" + e.getSrcText() + "\t" + t);
    }
}
"#,
    )
    .unwrap();
    let out = Command::new("java")
        .arg("-cp")
        .arg(jar)
        .arg(&src)
        .arg(file)
        .arg(work)
        .arg(target)
        .output()
        .unwrap();
    Some(printed_pairs(&out, "OmegaT", file, "PAIR\t"))
}

/// The pairs translate-toolkit's TBX store reads from `file` (it knows TBX v2 only: its root is
/// `martif`). Panics when it refuses the file.
pub fn translate_toolkit_tbx_pairs(file: &Path) -> Option<Vec<(String, String)>> {
    let have = Command::new("python3")
        .args(["-c", "import translate.storage.tbx"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !tool_present(have, "translate-toolkit (pip install translate-toolkit)") {
        return None;
    }
    let script = r#"
import sys
from translate.storage import tbx
store = tbx.tbxfile.parsefile(sys.argv[1])
for u in store.units:
    print(u.source + "\t" + u.target)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(file)
        .output()
        .unwrap();
    Some(printed_pairs(&out, "translate-toolkit", file, ""))
}

/// The (source, target) pairs `tool` printed reading `file`, a line each: `prefix`, source,
/// tab, target (other lines are the tool's own). Panics, with its stderr, when it failed.
fn printed_pairs(
    out: &std::process::Output,
    tool: &str,
    file: &Path,
    prefix: &str,
) -> Vec<(String, String)> {
    assert!(
        out.status.success(),
        "{tool} could not read {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
}
