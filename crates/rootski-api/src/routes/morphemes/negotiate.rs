//! Content negotiation for the precompressed morphemes.json: `Accept-Encoding` with
//! q-values, and `If-None-Match` against the per-encoding ETags.

use axum::http::HeaderValue;

/// The encodings morphemes.json is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Uncompressed.
    Identity,
    /// `gzip`.
    Gzip,
    /// `br`.
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Identity => "identity",
            Encoding::Gzip => "gzip",
            Encoding::Brotli => "br",
        }
    }
}

/// The best encoding the client accepts: highest q wins, br before gzip on a tie,
/// identity when neither is acceptable (identity is never refused, as RFC 9110
/// allows serving it unless `identity;q=0` - and then there is nothing better).
pub fn choose_encoding(accept_encoding: Option<&HeaderValue>) -> Encoding {
    let Accepted { br, gzip } = Accepted::parse(accept_encoding);
    if br > 0.0 && br >= gzip {
        Encoding::Brotli
    } else if gzip > 0.0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// True when the client accepts gzip (q > 0, named or through `*`): for content
/// that is only stored gzip-compressed.
pub fn accepts_gzip(accept_encoding: Option<&HeaderValue>) -> bool {
    Accepted::parse(accept_encoding).gzip > 0.0
}

/// The q-values `Accept-Encoding` gives br and gzip (0 when not accepted).
struct Accepted {
    br: f32,
    gzip: f32,
}

impl Accepted {
    fn parse(accept_encoding: Option<&HeaderValue>) -> Accepted {
        let Some(text) = accept_encoding.and_then(|value| value.to_str().ok()) else {
            return Accepted { br: 0.0, gzip: 0.0 };
        };
        let mut br = None;
        let mut gzip = None;
        let mut star = None;
        for item in text.split(',') {
            let mut pieces = item.split(';');
            let name = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let mut q = 1.0_f32;
            for param in pieces {
                if let Some((key, value)) = param.split_once('=')
                    && key.trim().eq_ignore_ascii_case("q")
                {
                    q = value.trim().parse().unwrap_or(0.0);
                }
            }
            match name.as_str() {
                "br" => br = Some(q),
                "gzip" | "x-gzip" => gzip = Some(q),
                "*" => star = Some(q),
                _ => {}
            }
        }
        Accepted {
            br: br.or(star).unwrap_or(0.0),
            gzip: gzip.or(star).unwrap_or(0.0),
        }
    }
}

/// True when `If-None-Match` lists `*` or any ETag of this content (whatever its
/// encoding, and weak or strong: RFC 9110 uses the weak comparison here).
pub fn if_none_match_hits(if_none_match: Option<&HeaderValue>, hash: &str) -> bool {
    let Some(text) = if_none_match.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    text.split(',').map(str::trim).any(|tag| {
        if tag == "*" {
            return true;
        }
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        let Some(opaque) = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
            return false;
        };
        opaque == hash
            || opaque
                .strip_prefix(hash)
                .is_some_and(|suffix| suffix == "-gzip" || suffix == "-br")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(text: &'static str) -> Encoding {
        choose_encoding(Some(&HeaderValue::from_static(text)))
    }

    #[test]
    fn gzip_acceptance() {
        let accepts = |text: &'static str| accepts_gzip(Some(&HeaderValue::from_static(text)));
        assert!(accepts("gzip, deflate, br"));
        assert!(accepts("br;q=1, gzip;q=0.5"));
        assert!(accepts("*"));
        assert!(!accepts("br"));
        assert!(!accepts("gzip;q=0, br"));
        assert!(!accepts("*, gzip;q=0"));
        assert!(!accepts_gzip(None));
    }

    #[test]
    fn picks_the_best_accepted_encoding() {
        assert_eq!(choose_encoding(None), Encoding::Identity);
        assert_eq!(choose("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(choose("gzip"), Encoding::Gzip);
        assert_eq!(choose("br;q=0.5, gzip"), Encoding::Gzip);
        assert_eq!(choose("br;q=0, gzip;q=0"), Encoding::Identity);
        assert_eq!(choose("*"), Encoding::Brotli);
        assert_eq!(choose("identity"), Encoding::Identity);
    }

    #[test]
    fn matches_any_variant_of_the_same_content() {
        let hit =
            |text: &'static str| if_none_match_hits(Some(&HeaderValue::from_static(text)), "abc");
        assert!(hit("\"abc\""));
        assert!(hit("\"zzz\", \"abc-br\""));
        assert!(hit("W/\"abc-gzip\""));
        assert!(hit("*"));
        assert!(!hit("\"abcd\""));
        assert!(!hit("abc"));
        assert!(!if_none_match_hits(None, "abc"));
    }
}
