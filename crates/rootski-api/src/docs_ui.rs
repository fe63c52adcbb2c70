//! The Swagger UI files `/docs/` serves, compiled into the binary so the page works
//! offline and nothing is downloaded at build or run time.
//!
//! Only what the page loads is embedded (`assets/swagger-ui`, written by
//! `tools/swagger-ui/vendor.sh` from the Swagger UI 5.17.14 release): the page, its
//! stylesheets, the two script bundles, the favicons and our
//! `swagger-initializer.js`. Source maps, the ES-module bundles and the OAuth
//! redirect page are left out (≈ 9.4 MB of the 11.25 MB the whole `dist/` holds).
//! The three large files are stored gzip-compressed: sent as they are to clients
//! that accept gzip (every browser), decompressed for the others.

use std::io::Read;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::routes::morphemes::accepts_gzip;

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// `bytes` are gzip-compressed.
    gzipped: bool,
}

macro_rules! asset {
    ($name:literal, $content_type:literal) => {
        asset!(@embed $name, $content_type, "", false)
    };
    ($name:literal, $content_type:literal, gzip) => {
        asset!(@embed $name, $content_type, ".gz", true)
    };
    (@embed $name:literal, $content_type:literal, $suffix:literal, $gzipped:literal) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/swagger-ui/",
                $name,
                $suffix
            )),
            gzipped: $gzipped,
        }
    };
}

/// Everything under `/docs/`; the content types are those the page was served with
/// before (utoipa-swagger-ui's, from mime_guess).
const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html"),
    asset!("index.css", "text/css"),
    asset!("swagger-initializer.js", "text/javascript"),
    asset!("favicon-16x16.png", "image/png"),
    asset!("favicon-32x32.png", "image/png"),
    asset!("swagger-ui.css", "text/css", gzip),
    asset!("swagger-ui-bundle.js", "text/javascript", gzip),
    asset!("swagger-ui-standalone-preset.js", "text/javascript", gzip),
];

/// The response for `/docs/<file>` (`index.html` for `/docs/`), or `None` when
/// there is no such file.
pub(crate) fn file_response(
    file: &str,
    accept_encoding: Option<&HeaderValue>,
) -> Option<Result<Response, ApiError>> {
    let name = if file.is_empty() { "index.html" } else { file };
    let asset = ASSETS.iter().find(|asset| asset.name == name)?;
    let content_type = (
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    if !asset.gzipped {
        return Some(Ok(([content_type], asset.bytes).into_response()));
    }
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    if accepts_gzip(accept_encoding) {
        let encoding = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        return Some(Ok(
            ([content_type, encoding, vary], asset.bytes).into_response()
        ));
    }
    Some(gunzip(asset).map(|bytes| ([content_type, vary], bytes).into_response()))
}

fn gunzip(asset: &Asset) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(asset.bytes)
        .read_to_end(&mut bytes)
        .map_err(|err| ApiError::Internal(format!("Swagger UI file {}: {err}", asset.name)))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn fetch(file: &str, accept: Option<&'static str>) -> (Response, Vec<u8>) {
        let accept = accept.map(HeaderValue::from_static);
        let response = file_response(file, accept.as_ref()).unwrap().unwrap();
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, usize::MAX).await.unwrap().to_vec();
        (
            Response::from_parts(parts, axum::body::Body::empty()),
            bytes,
        )
    }

    #[tokio::test]
    async fn every_asset_decompresses_and_the_page_loads_only_embedded_files() {
        for asset in ASSETS {
            let (response, plain) = fetch(asset.name, None).await;
            assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
            assert!(!plain.is_empty(), "{}", asset.name);
        }
        let (_, page) = fetch("", None).await;
        let page = String::from_utf8(page).unwrap();
        for part in page
            .split(['"', '\''])
            .filter(|p| p.starts_with("./") || p.ends_with(".css"))
        {
            let name = part.trim_start_matches("./");
            assert!(
                ASSETS.iter().any(|a| a.name == name),
                "page loads {name}, not embedded"
            );
        }
    }

    #[tokio::test]
    async fn large_files_go_out_compressed_to_clients_that_accept_gzip() {
        let (response, body) = fetch("swagger-ui-bundle.js", Some("gzip, deflate, br")).await;
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(response.headers()[header::VARY], "accept-encoding");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/javascript");
        let (_, plain) = fetch("swagger-ui-bundle.js", Some("br")).await;
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, plain);
        assert!(
            plain.starts_with(b"/*!") || plain.starts_with(b"!function"),
            "a script"
        );
    }

    #[test]
    fn unknown_files_are_not_found() {
        assert!(file_response("swagger-ui-bundle.js.map", None).is_none());
        assert!(file_response("oauth2-redirect.html", None).is_none());
        assert!(file_response("../Cargo.toml", None).is_none());
    }
}
