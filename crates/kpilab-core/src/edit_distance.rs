//! Levenshtein distance over characters: "did you mean" for option names and
//! `VARIANT_LIKELY_TYPO` for arm names.

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("contrl", "control"), 1);
        assert_eq!(edit_distance("treatmnet", "treatment"), 2);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("altenative", "alternative"), 1);
        assert_eq!(edit_distance("contrôle", "controle"), 1);
    }
}
