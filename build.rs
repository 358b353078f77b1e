//! Build script: tells the compiler where the `rsmorphy-dict-ru` crate keeps the Russian
//! morphological dictionary, so that `src/glossary/morph.rs` embeds its files in the binary
//! (the binary then needs neither the crate's folder nor a download at run time).

fn main() {
    println!(
        "cargo:rustc-env=TMALIGN_MORPH_DATA={}",
        rsmorphy_dict_ru::DICT_PATH
    );
    println!("cargo:rerun-if-changed=build.rs");
}
