"""The generated app with argon2 replaced by a trivial hasher: the baseline of the
`POST /users` hashing rows.

Same rendered project, same `create_app` and sign-up route; the only change is
the module-level hasher that `hash_password` and `verify_password` call (still
from a worker thread, as the template does). The difference in sign-up
throughput between the two apps is what argon2 costs per sign-up, a cost the
template pays on purpose (a leaked hash must be expensive to guess at).

Run: `uvicorn --factory benchmarks.apps.trivial_hasher:create_app` (the
generated project's environment; its package is `bench_svc`).
"""

import hashlib
import hmac

import bench_svc.auth.passwords
from bench_svc.app import create_app as create_template_app
from fastapi import FastAPI


class TrivialHasher:
    """The two methods of pwdlib's `PasswordHash` the template calls, at the cost
    of one SHA-256 (microseconds): never for real passwords."""

    def hash(self, password: str) -> str:
        return "sha256$" + hashlib.sha256(password.encode()).hexdigest()

    def verify(self, password: str, password_hash: str) -> bool:
        return hmac.compare_digest(self.hash(password), password_hash)


def create_app() -> FastAPI:
    bench_svc.auth.passwords.HASHER = TrivialHasher()
    return create_template_app()
