"""Prints a Cognito-like ID token for the API fuzz check, signed RS256 with a test-only key.

usage: mint_token.py KEY.pem ISSUER CLIENT_ID

The key and its JWKS are the HTTP tests' fixtures (crates/rootski-api/tests/fixtures/http);
the server under test trusts them through ROOTSKI__COGNITO_JWKS_PATH. Uses `cryptography`
(installed with moto, tools/requirements.txt).
"""

import base64
import json
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> None:
    key_path, issuer, client_id = sys.argv[1:4]
    with open(key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    now = int(time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": "test-key-1"}
    claims = {
        "sub": "sub-fuzz",
        "email": "fuzz@example.com",
        "token_use": "id",
        "aud": client_id,
        "iss": issuer,
        "iat": now,
        "exp": now + 3 * 3600,
    }
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    print(signing_input + "." + b64url(signature))


if __name__ == "__main__":
    main()
