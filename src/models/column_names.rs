//! Column names as people write them ("Pre Revenue", "preRevenue", "pre-revenue")
//! brought to one form, so the name lists of `auto_map` and `event_file` match them all.

/// "Pre Revenue" / "pre-revenue" / "preRevenue" -> "pre_revenue"; "$distinct_id" -> "distinct_id".
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.trim().chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// An identifier column ("id", "session_id", "uid"): never a segment.
pub fn looks_like_id(name: &str) -> bool {
    let n = normalize(name);
    n == "id" || n.ends_with("_id") || n.ends_with("id") && n.len() <= 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalize() {
        assert_eq!(normalize("Pre Revenue"), "pre_revenue");
        assert_eq!(normalize("preRevenue"), "pre_revenue");
        assert_eq!(normalize(" user-id "), "user_id");
        assert_eq!(normalize("$distinct_id"), "distinct_id");
        assert!(looks_like_id("session_id") && looks_like_id("uid") && !looks_like_id("device"));
    }
}
