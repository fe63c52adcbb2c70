//! `GET /morpheme/morphemes.json`: the whole morpheme index, built once per process.
//!
//! The document is large (about 3 MB for the open dataset) and changes only with an
//! import, so it is read from the cache bucket (or built from the store and
//! uploaded there) on first use, compressed once per encoding
//! on first demand, kept in memory, written to `ROOTSKI__STATIC_ASSETS_DIR`, and
//! served with a strong ETag (a content hash per encoding), `Cache-Control`, `Vary:
//! Accept-Encoding` and 304 for a matching `If-None-Match`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::app::AppState;
use crate::domain::MorphemeCatalog;
use crate::error::{ApiError, JSON_CONTENT_TYPE};
use crate::object_cache::{MORPHEMES_JSON_KEY, ObjectCache};
use crate::store::Store;

mod negotiate;

pub use negotiate::{Encoding, accepts_gzip, choose_encoding, if_none_match_hits};

/// `Cache-Control` of morphemes.json: caches may keep it an hour, then revalidate
/// with the ETag (a cheap 304).
pub const CACHE_CONTROL: &str = "public, max-age=3600";

/// One entry of morphemes.json.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Entry<'a> {
    /// The morpheme's id.
    morpheme_id: i64,
    /// Its text.
    morpheme: &'a str,
    /// `prefix` | `root` | `suffix` | `link`.
    #[serde(rename = "type")]
    morpheme_type: &'a str,
    /// `any` | `noun` | `verb` | `adjective`.
    word_pos: &'a str,
    /// The family's id.
    family_id: i64,
    /// The family's meanings.
    meanings: Vec<Meaning<'a>>,
    /// Difficulty level.
    level: Option<i64>,
    /// Comma-joined texts of the family's morphemes.
    family: &'a str,
}

/// One meaning of the morpheme's family.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Meaning<'a> {
    /// The meaning's text.
    meaning: &'a str,
}

/// The document keyed by morpheme id (as a string), in ascending id order.
pub fn build_document(catalog: &MorphemeCatalog) -> Result<Vec<u8>, serde_json::Error> {
    let families: std::collections::HashMap<i64, (&crate::domain::MorphemeFamily, String)> =
        catalog
            .families
            .iter()
            .map(|family| (family.family_id, (family, family.joined_texts())))
            .collect();
    let mut morphemes: Vec<_> = catalog.morphemes.iter().collect();
    morphemes.sort_by_key(|morpheme| morpheme.morpheme_id);
    let mut document = Map::new();
    for morpheme in morphemes {
        let Some((family, joined)) = families.get(&morpheme.family_id) else {
            tracing::warn!(
                morpheme_id = morpheme.morpheme_id,
                family_id = morpheme.family_id,
                "morpheme without a family left out of morphemes.json"
            );
            continue;
        };
        let entry = Entry {
            morpheme_id: morpheme.morpheme_id,
            morpheme: &morpheme.morpheme,
            morpheme_type: &family.morpheme_type,
            word_pos: &family.word_pos,
            family_id: family.family_id,
            meanings: family
                .family_meanings
                .iter()
                .map(|m| Meaning { meaning: m })
                .collect(),
            level: family.level,
            family: joined,
        };
        document.insert(
            morpheme.morpheme_id.to_string(),
            serde_json::to_value(entry)?,
        );
    }
    serde_json::to_vec(&Value::Object(document))
}

/// One encoding of the document with its ETag.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The (possibly compressed) bytes.
    pub body: Bytes,
    /// The strong ETag, quoted.
    pub etag: HeaderValue,
}

/// The built document: identity bytes now, compressed variants on first demand.
#[derive(Debug)]
pub struct BuiltDocument {
    hash: String,
    identity: Variant,
    gzip: OnceCell<Variant>,
    brotli: OnceCell<Variant>,
}

impl BuiltDocument {
    fn new(json: Vec<u8>) -> Result<Self, ApiError> {
        let digest = Sha256::digest(&json);
        let hash: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let identity = Variant {
            body: Bytes::from(json),
            etag: etag(&hash, Encoding::Identity)?,
        };
        Ok(BuiltDocument {
            hash,
            identity,
            gzip: OnceCell::new(),
            brotli: OnceCell::new(),
        })
    }

    /// The content hash all ETags derive from.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The variant for `encoding`, compressing it (off the async threads) if needed.
    pub async fn variant(&self, encoding: Encoding) -> Result<Variant, ApiError> {
        let cell = match encoding {
            Encoding::Identity => return Ok(self.identity.clone()),
            Encoding::Gzip => &self.gzip,
            Encoding::Brotli => &self.brotli,
        };
        cell.get_or_try_init(|| async {
            let source = self.identity.body.clone();
            let body = tokio::task::spawn_blocking(move || compress(&source, encoding))
                .await
                .map_err(|err| ApiError::Internal(format!("compression task failed: {err}")))?
                .map_err(|err| ApiError::Internal(format!("compression failed: {err}")))?;
            Ok(Variant {
                body: Bytes::from(body),
                etag: etag(&self.hash, encoding)?,
            })
        })
        .await
        .cloned()
    }
}

fn etag(hash: &str, encoding: Encoding) -> Result<HeaderValue, ApiError> {
    let text = match encoding {
        Encoding::Identity => format!("\"{hash}\""),
        other => format!("\"{hash}-{}\"", other.token()),
    };
    HeaderValue::from_str(&text).map_err(|err| ApiError::Internal(format!("bad ETag: {err}")))
}

fn compress(source: &[u8], encoding: Encoding) -> std::io::Result<Vec<u8>> {
    match encoding {
        Encoding::Identity => Ok(source.to_vec()),
        Encoding::Gzip => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(source)?;
            encoder.finish()
        }
        Encoding::Brotli => {
            let mut out = Vec::new();
            {
                // Quality 9 compresses the open dataset's index about as well as 11
                // at a fraction of the time; window 22 = 4 MiB.
                let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 9, 22);
                writer.write_all(source)?;
                writer.flush()?;
            }
            Ok(out)
        }
    }
}

/// morphemes.json, built at most once per process (concurrent first requests wait
/// for the same build), and written to the static assets directory if one is set.
///
/// With a cache bucket the object there is read first, so a cold instance does not
/// rebuild the index; a missing object is built from the store and uploaded. A
/// bucket that fails is logged and skipped: the request is answered from the store.
#[derive(Debug)]
pub struct MorphemesAsset {
    file: Option<PathBuf>,
    cache: Option<Arc<dyn ObjectCache>>,
    built: OnceCell<Arc<BuiltDocument>>,
}

impl MorphemesAsset {
    /// An asset that will be written to `file` (if any) once built, kept in
    /// `cache` (if any) for other instances.
    pub fn new(file: Option<PathBuf>, cache: Option<Arc<dyn ObjectCache>>) -> Self {
        MorphemesAsset {
            file,
            cache,
            built: OnceCell::new(),
        }
    }

    /// The cache bucket morphemes.json is kept in, if any.
    pub fn cache(&self) -> Option<&Arc<dyn ObjectCache>> {
        self.cache.as_ref()
    }

    /// The built document, reading it from the cache bucket or building it from
    /// the store on first call. A failed build is not cached: the next request
    /// tries again.
    pub async fn get_or_build(&self, store: &dyn Store) -> Result<Arc<BuiltDocument>, ApiError> {
        self.built
            .get_or_try_init(|| async {
                if let Some(json) = self.cached_index().await {
                    if let Some(file) = &self.file {
                        write_file(file, &json).await;
                    }
                    return Ok(Arc::new(BuiltDocument::new(json)?));
                }
                let json = build_from(store).await?;
                if let Some(file) = &self.file {
                    write_file(file, &json).await;
                }
                tracing::info!(bytes = json.len(), "built morphemes.json from the store");
                self.upload(&json).await;
                Ok(Arc::new(BuiltDocument::new(json)?))
            })
            .await
            .cloned()
    }

    /// The cached index, or `None` (no bucket, no object, an unusable object or a
    /// failing bucket — each logged).
    async fn cached_index(&self) -> Option<Vec<u8>> {
        let cache = self.cache.as_ref()?;
        match cache.get(MORPHEMES_JSON_KEY).await {
            Ok(Some(body)) if is_json_object(&body) => {
                tracing::info!(bytes = body.len(), bucket = %cache.location(), "read morphemes.json from the cache bucket");
                Some(body.to_vec())
            }
            Ok(Some(_)) => {
                tracing::warn!(bucket = %cache.location(), "morphemes.json in the cache bucket is not a JSON object; building it from the store");
                None
            }
            Ok(None) => {
                tracing::info!(bucket = %cache.location(), "no morphemes.json in the cache bucket yet; building it from the store");
                None
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the cache bucket; building morphemes.json from the store");
                None
            }
        }
    }

    async fn upload(&self, json: &[u8]) {
        let Some(cache) = &self.cache else { return };
        let body = Bytes::copy_from_slice(json);
        match cache.put(MORPHEMES_JSON_KEY, body, JSON_CONTENT_TYPE).await {
            Ok(()) => {
                tracing::info!(bucket = %cache.location(), "uploaded morphemes.json to the cache bucket")
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot upload morphemes.json to the cache bucket; serving the built one")
            }
        }
    }
}

/// Builds the document from the store's catalog (serialization off the async
/// threads).
async fn build_from(store: &dyn Store) -> Result<Vec<u8>, ApiError> {
    let catalog = store.morpheme_catalog().await?;
    tokio::task::spawn_blocking(move || build_document(&catalog))
        .await
        .map_err(|err| ApiError::Internal(format!("morphemes.json task failed: {err}")))?
        .map_err(|err| ApiError::Internal(format!("morphemes.json did not serialize: {err}")))
}

/// Whether `body` is one well-formed JSON object (what this module uploads).
fn is_json_object(body: &[u8]) -> bool {
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

async fn write_file(file: &PathBuf, json: &[u8]) {
    if let Some(dir) = file.parent()
        && let Err(err) = tokio::fs::create_dir_all(dir).await
    {
        tracing::warn!(dir = %dir.display(), error = %err, "cannot create ROOTSKI__STATIC_ASSETS_DIR");
        return;
    }
    // Write then rename, so a reader never sees half a file.
    let partial = file.with_extension("json.partial");
    let result = async {
        tokio::fs::write(&partial, json).await?;
        tokio::fs::rename(&partial, file).await
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(file = %file.display(), error = %err, "cannot write morphemes.json");
    }
}

/// The morpheme index.
#[utoipa::path(get, path = "/morpheme/morphemes.json", tag = "Morphemes",
    responses(
        (status = 200, description = "Every morpheme keyed by its id (as a string)", body = std::collections::BTreeMap<String, Entry>),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 503, description = "The data store is unavailable", body = crate::openapi::Detail),
    ))]
pub async fn morphemes_json(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let document = state
        .morphemes()
        .get_or_build(state.store().as_ref())
        .await?;
    let encoding = choose_encoding(headers.get(header::ACCEPT_ENCODING));
    let variant = document.variant(encoding).await?;
    let common = [
        (header::ETAG, variant.etag.clone()),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
        (header::VARY, HeaderValue::from_static("Accept-Encoding")),
    ];
    if if_none_match_hits(headers.get(header::IF_NONE_MATCH), document.hash()) {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let mut response = (
        StatusCode::OK,
        common,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(JSON_CONTENT_TYPE),
        )],
        variant.body,
    )
        .into_response();
    if encoding != Encoding::Identity {
        response.headers_mut().insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(encoding.token()),
        );
    }
    Ok(response)
}
