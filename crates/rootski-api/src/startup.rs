//! Building the app from [`Settings`], in one place: the store (embedded or
//! DynamoDB, seeded or checked as the host asks), the token keys and the cache
//! bucket. The Lambda function, `rootski serve`, `rootski local` and `rootski import`
//! all call [`open_store`] (and the servers [`app_state`]), so a setting means the
//! same thing in each of them and every start-up failure names its setting once.

use std::sync::Arc;

use crate::app::AppState;
use crate::auth::Jwks;
use crate::config::{ConfigError, Settings, StoreKind};
use crate::import::{ImportError, Progress, ProgressFn};
use crate::store::{SqliteOptions, SqliteStore, Store, StoreError};

/// What to do with the DynamoDB table before serving from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableAtStart {
    /// Nothing: the first request finds out (the Lambda function, where a cold start
    /// should not pay for an extra call).
    Trust,
    /// Describe it and stop when it is missing or unreachable (`rootski serve`).
    Check,
    /// Create it as the table stack defines it when it is missing (local emulators,
    /// `rootski import --create-table`).
    Create,
}

/// How the host wants the store opened.
pub struct StoreAtStart<'a> {
    /// What to do with a DynamoDB table.
    pub table: TableAtStart,
    /// Options of the embedded store (durability of writes).
    pub sqlite: SqliteOptions,
    /// Seeding progress ([`open_seeded_store`]).
    pub progress: ProgressFn<'a>,
}

fn no_progress(_: Progress) {}

impl Default for StoreAtStart<'_> {
    /// The table trusted, durable writes, no progress.
    fn default() -> Self {
        StoreAtStart {
            table: TableAtStart::Trust,
            sqlite: SqliteOptions::default(),
            progress: &no_progress,
        }
    }
}

/// An open store and one line saying what was done to it, for the console.
pub struct OpenedStore {
    /// The store.
    pub store: Arc<dyn Store>,
    /// E.g. "serving from DynamoDB table rootski-table" or the seeding outcome.
    pub report: String,
    /// Whether the DynamoDB table was created now ([`TableAtStart::Create`]).
    pub created_table: bool,
}

/// Why the app could not be built. Each message names the setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The embedded store could not be opened (the message names the path and the fix).
    #[error("{source}")]
    Embedded {
        /// Why, with the path.
        source: StoreError,
    },
    /// Seeding the embedded store failed.
    #[error("cannot seed the embedded store at {path} with the bundled open dataset: {source}")]
    Seed {
        /// The store's path.
        path: String,
        /// Why.
        source: ImportError,
    },
    /// The DynamoDB store could not be set up or its table is not usable.
    #[error(
        "the DynamoDB table {table} is not usable: {source} (check ROOTSKI__DYNAMO_TABLE_NAME, \
         ROOTSKI__DYNAMO_ENDPOINT_URL or AWS_ENDPOINT_URL, AWS_REGION and credentials)"
    )]
    Dynamo {
        /// The table.
        table: String,
        /// Why.
        source: StoreError,
    },
    /// This build cannot do what the settings ask.
    #[error("{0}")]
    Unsupported(&'static str),
    /// The Cognito key set could not be loaded (the message names the setting).
    #[error(transparent)]
    Jwks(#[from] ConfigError),
}

/// Opens the store `settings` name, as `how` asks. Never seeds: the Lambda function
/// calls this, and the bundled dataset stays out of its binary.
pub async fn open_store(
    settings: &Settings,
    how: StoreAtStart<'_>,
) -> Result<OpenedStore, StartupError> {
    match settings.store {
        StoreKind::Embedded => {
            let store = open_embedded(settings, how.sqlite).await?;
            Ok(OpenedStore {
                store: Arc::new(store),
                report: format!("serving the embedded store {}", settings.db.display()),
                created_table: false,
            })
        }
        StoreKind::Dynamodb => open_dynamo(settings, how.table).await,
    }
}

/// [`open_store`], seeding a new or empty embedded store with the bundled open
/// dataset first (`rootski serve` and `rootski local`); a store holding other items
/// is never touched, and `seed: false` never seeds. The report says which happened.
#[cfg(feature = "bundled-dataset")]
pub async fn open_seeded_store(
    settings: &Settings,
    how: StoreAtStart<'_>,
    seed: bool,
) -> Result<OpenedStore, StartupError> {
    if settings.store != StoreKind::Embedded {
        return open_store(settings, how).await;
    }
    let store = open_embedded(settings, how.sqlite).await?;
    let dataset = crate::import::bundled_dataset();
    let outcome = crate::import::seed_if_new(&store, &dataset, seed, how.progress)
        .await
        .map_err(|source| StartupError::Seed {
            path: settings.db.display().to_string(),
            source,
        })?;
    Ok(OpenedStore {
        store: Arc::new(store),
        report: outcome.describe(&settings.db),
        created_table: false,
    })
}

async fn open_embedded(
    settings: &Settings,
    options: SqliteOptions,
) -> Result<SqliteStore, StartupError> {
    let path = settings.db.clone();
    tokio::task::spawn_blocking(move || SqliteStore::open_with(path, options))
        .await
        .map_err(|err| StartupError::Embedded {
            source: StoreError::Worker(err.to_string()),
        })?
        .map_err(|source| StartupError::Embedded { source })
}

#[cfg(feature = "dynamodb")]
async fn open_dynamo(
    settings: &Settings,
    table: TableAtStart,
) -> Result<OpenedStore, StartupError> {
    use crate::store::dynamo::{DynamoOptions, DynamoStore, check_table, ensure_table};

    let options = DynamoOptions::from_settings(settings);
    let failed = |source| StartupError::Dynamo {
        table: options.table_name.clone(),
        source,
    };
    let store = DynamoStore::connect(&options).await.map_err(failed)?;
    let mut created_table = false;
    match table {
        TableAtStart::Trust => {}
        TableAtStart::Check => check_table(store.client(), store.table())
            .await
            .map_err(failed)?,
        TableAtStart::Create => {
            created_table = ensure_table(store.client(), store.table())
                .await
                .map_err(failed)?;
        }
    }
    let report = if created_table {
        format!("created DynamoDB table {}", store.table())
    } else {
        format!("serving from DynamoDB table {}", store.table())
    };
    Ok(OpenedStore {
        store: Arc::new(store),
        report,
        created_table,
    })
}

#[cfg(not(feature = "dynamodb"))]
async fn open_dynamo(
    _settings: &Settings,
    _table: TableAtStart,
) -> Result<OpenedStore, StartupError> {
    Err(StartupError::Unsupported(
        "ROOTSKI__STORE=dynamodb needs a build with the `dynamodb` feature \
         (or set ROOTSKI__STORE=embedded)",
    ))
}

/// The app's state over `store`: the Cognito key set and the cache bucket
/// `settings` name, loaded once.
pub async fn app_state(
    settings: Settings,
    store: Arc<dyn Store>,
) -> Result<AppState, StartupError> {
    let jwks = Jwks::from_settings(&settings).await?;
    let cache = crate::object_cache::from_settings(&settings).await;
    Ok(AppState::with_object_cache(settings, store, jwks, cache))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_for(dir: &tempfile::TempDir) -> Settings {
        Settings {
            db: dir.path().join("store.sqlite3"),
            ..Settings::default()
        }
    }

    #[tokio::test]
    async fn an_unseeded_embedded_store_opens_and_serves() {
        let dir = tempfile::tempdir().unwrap();
        let settings = settings_for(&dir);
        let opened = open_store(&settings, StoreAtStart::default())
            .await
            .unwrap();
        assert!(opened.store.all_items().await.unwrap().is_empty());
        let state = app_state(settings, opened.store).await.unwrap();
        assert_eq!(state.settings().db, dir.path().join("store.sqlite3"));
    }

    #[tokio::test]
    async fn an_unopenable_embedded_store_names_the_setting_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), b"").unwrap();
        let settings = Settings {
            db: dir.path().join("file/store.sqlite3"),
            ..Settings::default()
        };
        let Err(err) = open_store(&settings, StoreAtStart::default()).await else {
            panic!("opened a store under a file");
        };
        let text = err.to_string();
        assert!(text.contains("ROOTSKI__DB"), "{text}");
        assert!(text.contains("choose another"), "{text}");
        assert_eq!(text.matches("file/store.sqlite3").count(), 1, "{text}");
    }
}
