use super::*;

fn read(xml: &str) -> Result<TmxDocument> {
    read_tmx_bytes(Path::new("t.tmx"), xml.as_bytes())
}

fn err(xml: &str) -> String {
    match read(xml) {
        Ok(d) => panic!("expected an error, got {d:?}"),
        Err(e) => {
            assert!(e.is_bad_input(), "{e}");
            e.to_string()
        }
    }
}

const SIMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="x" srclang="zh-CN" datatype="plaintext"><prop type="p">v</prop><note>n</note></header>
  <body>
    <tu tuid="7">
      <prop type="x-confidence">0.900</prop>
      <tuv xml:lang="zh-CN"><seg>价格 &lt;5 &amp; 3</seg></tuv>
      <tuv xml:lang="ru-RU"><note>tn</note><seg>цена</seg></tuv>
    </tu>
  </body>
</tmx>
"#;

#[test]
fn reads_a_simple_file() {
    let d = read(SIMPLE).unwrap();
    assert_eq!(d.header.srclang.as_deref(), Some("zh-CN"));
    assert_eq!(d.header.props, vec![("p".into(), "v".into())]);
    assert_eq!(d.header.notes, vec!["n".to_string()]);
    assert_eq!(d.units.len(), 1);
    let u = &d.units[0];
    assert_eq!(u.id.as_deref(), Some("7"));
    assert_eq!(u.line, 6);
    assert_eq!(u.prop("x-confidence"), Some("0.900"));
    assert_eq!(u.variant(Lang::Zh).unwrap().text, "价格 <5 & 3");
    assert_eq!(u.variant(Lang::Ru).unwrap().text, "цена");
    assert_eq!(u.variant(Lang::Ru).unwrap().notes, vec!["tn".to_string()]);
    assert!(u.variant(Lang::En).is_none());
}
