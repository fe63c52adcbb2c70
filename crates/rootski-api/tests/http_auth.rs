//! Bearer tokens: what is accepted, what is refused (always with the same 401), and
//! registration on first sight.

mod http_support;

use http_support::TestServer;
use http_support::fixture::{ADMIN, ALICE};
use http_support::tokens::{
    access_claims, cognito_access_claims, id_claims, now, sign, sign_hs256, sign_with_kid,
    sign_with_other_key, token_for, unsigned,
};
use rootski_api::domain::ANONYMOUS_EMAIL;
use serde_json::{Value, json};

fn invalid() -> (u16, Value) {
    (
        401,
        json!({"detail": "Authorization token is invalid. See logs for details."}),
    )
}

/// Alice submitted the official breakdown of word 11, so `submitted_by_current_user`
/// tells whether the server took the request to be hers.
async fn as_alice(server: &TestServer, token: &str) -> (u16, Value) {
    server.get_json("/breakdown/11", Some(token)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_id_and_access_tokens_identify_the_user() {
    let server = TestServer::start().await;
    let (status, body) = as_alice(&server, &token_for(ALICE)).await;
    assert_eq!(status, 200);
    assert_eq!(body["submitted_by_current_user"], true);

    let (status, body) = as_alice(&server, &sign(&access_claims(ALICE))).await;
    assert_eq!(status, 200);
    assert_eq!(body["submitted_by_current_user"], true);

    // An audience list containing the client is fine; so is expiry within the leeway.
    let mut claims = id_claims(ALICE);
    claims["aud"] = json!(["someone-else", http_support::CLIENT_ID]);
    claims["exp"] = json!(now() - 10);
    assert_eq!(as_alice(&server, &sign(&claims)).await.0, 200);

    // No header, or another scheme: anonymous, not an error.
    let (status, body) = server.get_json("/breakdown/11", None).await;
    assert_eq!(
        (status, &body["submitted_by_current_user"]),
        (200, &json!(false))
    );
    let response = server
        .client
        .get(server.url("/breakdown/11"))
        .header("authorization", "Basic YWxpY2U6c2VjcmV0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_refused_with_one_message() {
    let server = TestServer::start().await;
    let mutated = |change: &dyn Fn(&mut Value)| {
        let mut claims = id_claims(ALICE);
        change(&mut claims);
        sign(&claims)
    };
    let cases: Vec<(&str, String)> = vec![
        ("expired", mutated(&|c| c["exp"] = json!(now() - 3600))),
        (
            "not yet valid",
            mutated(&|c| c["nbf"] = json!(now() + 3600)),
        ),
        (
            "no exp",
            mutated(&|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
        ),
        ("wrongly signed", sign_with_other_key(&id_claims(ALICE))),
        (
            "other issuer",
            mutated(&|c| {
                c["iss"] = json!("https://cognito-idp.us-test-1.amazonaws.com/us-test-1_Other")
            }),
        ),
        (
            "other audience",
            mutated(&|c| c["aud"] = json!("another-client")),
        ),
        (
            "id token without aud",
            mutated(&|c| {
                c.as_object_mut().unwrap().remove("aud");
            }),
        ),
        ("access token of another client", {
            let mut claims = access_claims(ALICE);
            claims["client_id"] = json!("another-client");
            sign(&claims)
        }),
        (
            "unknown token_use",
            mutated(&|c| c["token_use"] = json!("refresh")),
        ),
        (
            "no token_use",
            mutated(&|c| {
                c.as_object_mut().unwrap().remove("token_use");
            }),
        ),
        ("alg none", unsigned(&id_claims(ALICE))),
        ("HS256", sign_hs256(&id_claims(ALICE))),
        (
            "unknown kid",
            sign_with_kid(&id_claims(ALICE), "some-other-kid"),
        ),
        ("garbage", "not.a.token".to_owned()),
        ("tampered payload", {
            let good = token_for(ALICE);
            let parts: Vec<&str> = good.split('.').collect();
            let forged = {
                use base64::Engine;
                use base64::engine::general_purpose::URL_SAFE_NO_PAD;
                URL_SAFE_NO_PAD.encode(id_claims(ADMIN).to_string())
            };
            format!("{}.{}.{}", parts[0], forged, parts[2])
        }),
    ];
    for (name, token) in &cases {
        assert_eq!(
            as_alice(&server, token).await,
            invalid(),
            "{name} must be refused"
        );
    }
    // The same holds on the write route, and nothing is written.
    let body = json!({"word_id": 2, "breakdown_items": [{"morpheme": "дом", "position": 0, "morpheme_id": null}]});
    let forged = unsigned(&id_claims(ADMIN));
    assert_eq!(
        server.post_json("/breakdown", &body, Some(&forged)).await,
        invalid()
    );
    assert!(
        server
            .store
            .get_official_breakdown(2)
            .await
            .unwrap()
            .is_none()
    );

    let response = server
        .client
        .get(server.url("/breakdown/11"))
        .bearer_auth("x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_authenticated_request_registers_the_user() {
    let server = TestServer::start().await;
    let email = "newcomer@example.com";
    assert!(server.store.get_user(email).await.unwrap().is_none());
    assert_eq!(
        server
            .get_json("/breakdown/12", Some(&token_for(email)))
            .await
            .0,
        200
    );
    let user = server
        .store
        .get_user(email)
        .await
        .unwrap()
        .expect("registered");
    assert!(!user.is_admin);
    // Later requests (from memory) keep working; the stored admin flag is honoured.
    assert_eq!(
        server
            .get_json("/breakdown/12", Some(&token_for(email)))
            .await
            .0,
        200
    );
    assert!(
        server
            .store
            .get_user(ADMIN)
            .await
            .unwrap()
            .unwrap()
            .is_admin
    );
    let body = json!({"word_id": 2, "breakdown_items": [{"morpheme": "дом", "position": 0, "morpheme_id": null}]});
    let (status, response) = server
        .post_json("/breakdown", &body, Some(&token_for(ADMIN)))
        .await;
    assert_eq!((status, &response["is_verified"]), (200, &json!(true)));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_cognito_settings_no_token_is_trusted() {
    let server = TestServer::start_with(|settings| {
        settings.cognito_user_pool_id = None;
    })
    .await;
    assert_eq!(as_alice(&server, &token_for(ALICE)).await, invalid());
    assert_eq!(server.get_json("/breakdown/11", None).await.0, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_tokens_without_email_are_the_anonymous_user() {
    let server = TestServer::start().await;
    let access = sign(&cognito_access_claims("alice"));
    let (status, body) = as_alice(&server, &access).await;
    assert_eq!(
        (status, &body["submitted_by_current_user"]),
        (200, &json!(false))
    );
    let mut id_without_email = id_claims(ALICE);
    id_without_email.as_object_mut().unwrap().remove("email");
    assert_eq!(as_alice(&server, &sign(&id_without_email)).await.0, 200);

    // A submission with it is the anonymous user's, and registers nobody.
    let body = json!({"word_id": 2, "breakdown_items": [{"morpheme": "дом", "position": 0, "morpheme_id": null}]});
    let (status, response) = server.post_json("/breakdown", &body, Some(&access)).await;
    assert_eq!((status, &response["is_verified"]), (200, &json!(false)));
    let stored = server
        .store
        .get_user_breakdown(ANONYMOUS_EMAIL, 2)
        .await
        .unwrap()
        .expect("stored as the anonymous user's submission");
    assert_eq!(
        stored.submitted_by_user_email.as_deref(),
        Some(ANONYMOUS_EMAIL)
    );
    assert!(server.store.get_user("alice").await.unwrap().is_none());

    // Without email is no excuse for anything else: foreign client, expired, other key.
    let mut foreign = cognito_access_claims("alice");
    foreign["client_id"] = json!("another-client");
    let mut expired = cognito_access_claims("alice");
    expired["exp"] = json!(now() - 3600);
    for token in [
        sign(&foreign),
        sign(&expired),
        sign_with_other_key(&cognito_access_claims("alice")),
        unsigned(&cognito_access_claims("alice")),
    ] {
        assert_eq!(as_alice(&server, &token).await, invalid());
    }
    server.stop().await;
}
