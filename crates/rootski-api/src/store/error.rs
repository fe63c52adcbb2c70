//! The store's error type.

/// A store operation failed. Not-found is never an error (it is `None`).
///
/// The HTTP layer maps every variant to 503 and logs it; none carries user input
/// that would need hiding, but none is meant for clients either.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error (I/O, corruption, locked beyond the busy timeout).
    #[error("embedded store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database file could not be opened or prepared.
    #[error("cannot open the embedded store at {path}: {reason}")]
    Open {
        /// The database path.
        path: String,
        /// What went wrong and how to fix it.
        reason: String,
    },
    /// A stored item does not have the shape `DATA_MODEL.md` gives its type.
    #[error("item (pk {pk:?}, sk {sk:?}) is not a valid {kind} item: {reason}")]
    Corrupt {
        /// Partition key of the bad item.
        pk: String,
        /// Sort key of the bad item.
        sk: String,
        /// The item kind the reader expected.
        kind: &'static str,
        /// What did not decode.
        reason: String,
    },
    /// An item given to a write lacks its keys or cannot be encoded.
    #[error("invalid item: {0}")]
    InvalidItem(String),
    /// The blocking worker running the query died or was cancelled.
    #[error("store worker failed: {0}")]
    Worker(String),
    /// A DynamoDB call failed after the SDK's retries (throttling, network,
    /// service errors), or DynamoDB kept returning unprocessed items.
    #[error("DynamoDB {operation} failed: {reason}")]
    Dynamo {
        /// The API call (`GetItem`, `Query`, ...).
        operation: &'static str,
        /// The SDK's error with its whole cause chain.
        reason: String,
    },
    /// The backend is not available in this build or configuration.
    #[error("{0}")]
    Unavailable(String),
}
