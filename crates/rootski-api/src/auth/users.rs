//! Users seen by this process: first sight registers them, later requests are
//! answered from memory.
//!
//! Registration is a conditional write, so two instances racing on the same new user
//! both succeed and neither overwrites the other (or an admin flag set by hand). The
//! admin flag is re-read after [`USER_CACHE_TTL`] so a promotion takes effect without
//! a restart, while a busy user costs no store read per request.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::domain::{Registration, User};
use crate::store::{Store, StoreError};

/// How long a user's admin flag is trusted from memory.
pub const USER_CACHE_TTL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
struct Known {
    is_admin: bool,
    checked: Instant,
}

/// Emails this process has registered or read, with their admin flag.
#[derive(Debug, Default)]
pub struct KnownUsers {
    entries: RwLock<HashMap<String, Known>>,
}

impl KnownUsers {
    /// The stored user for `email`, registering them (not admin) on first sight.
    pub async fn resolve(&self, store: &dyn Store, email: &str) -> Result<User, StoreError> {
        if let Some(known) = self.cached(email) {
            return Ok(User {
                email: email.to_owned(),
                is_admin: known.is_admin,
            });
        }
        let user = match store.get_user(email).await? {
            Some(user) => user,
            None => {
                let fresh = User {
                    email: email.to_owned(),
                    is_admin: false,
                };
                match store.register_user(&fresh).await? {
                    Registration::Created => {
                        tracing::info!(email = %email, "registered new user");
                        fresh
                    }
                    // Someone else registered them meanwhile: their item wins.
                    Registration::AlreadyExisted => store.get_user(email).await?.unwrap_or(fresh),
                }
            }
        };
        let known = Known {
            is_admin: user.is_admin,
            checked: Instant::now(),
        };
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(email.to_owned(), known);
        Ok(user)
    }

    fn cached(&self, email: &str) -> Option<Known> {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(email)
            .copied()
            .filter(|known| known.checked.elapsed() < USER_CACHE_TTL)
    }
}
