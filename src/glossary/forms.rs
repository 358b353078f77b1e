//! A term's surface forms (each lowercase form it was written in, with its occurrences and
//! weight) and what the dictionary form of either target language reads from them alike.

use super::hash::FastMap;

/// Whether a term is plural in use: the occurrences of its surface `forms` (form →
/// occurrences, weight) that `is_plural` reads as plural outnumber those it reads as singular
/// (forms it cannot read do not vote). Both languages enter a phrase in the number the corpus
/// uses it in (`human rights`, `отношения`).
pub(crate) fn plural_in_use(
    forms: &FastMap<String, (u32, f64)>,
    is_plural: impl Fn(&str) -> Option<bool>,
) -> bool {
    let (mut plural, mut singular) = (0u32, 0u32);
    for (form, &(n, _)) in forms {
        match is_plural(form) {
            Some(true) => plural += n,
            Some(false) => singular += n,
            None => {}
        }
    }
    plural > singular
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(list: &[(&str, u32)]) -> FastMap<String, (u32, f64)> {
        list.iter()
            .map(|&(f, n)| (f.to_owned(), (n, f64::from(n))))
            .collect()
    }

    #[test]
    fn the_number_with_more_occurrences_wins_and_unread_forms_abstain() {
        let is_plural = |f: &str| match f {
            "human rights" => Some(true),
            "human right" => Some(false),
            _ => None,
        };
        let f = forms(&[("human rights", 3), ("human right", 2), ("x", 10)]);
        assert!(plural_in_use(&f, is_plural));
        let f = forms(&[("human rights", 2), ("human right", 2)]);
        assert!(!plural_in_use(&f, is_plural), "a tie keeps the singular");
        assert!(!plural_in_use(&forms(&[("x", 5)]), is_plural));
    }
}
