"""Password hashing and policy, and random tokens stored only as hashes."""

from __future__ import annotations

import gzip
import hashlib
import re
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from matchmaker.config import PROJECT_ROOT

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verifying against this keeps sign-in time the same whether or not the account exists;
    made at the first sign-in, not at import, which every command line call pays for."""
    return _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends one Argon2 verification."""
    try:
        matches = _hasher.verify(password_hash or _dummy_hash(), password)
        return matches and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    path = Path(PROJECT_ROOT / "data" / "common-passwords.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    lowered = password.lower()
    core = re.sub(r"[\d\W_]+$", "", lowered)  # "Password2024!!" is still "password"
    common = _common_passwords()
    if lowered in common or core in common or len(set(lowered)) < 4:
        return "This password is too common or too easy to guess; choose another."
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return "The password must not contain your e-mail address."
    return None


def new_token() -> str:
    """A random URL-safe secret handed out once (API tokens, invitations, sessions)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored instead of a token: tokens are random, so a plain SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()
