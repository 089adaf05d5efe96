"""The key envelope: a random data key, wrapped with AES-GCM under a passphrase-derived key.

Changing the passphrase re-wraps the data key; the database is never re-encrypted. Correctness
of a passphrase is shown by the AEAD tag verifying; there is no verifier hash.
"""

import base64
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from familyworker.atomic_file import write_atomically
from familyworker.store.errors import CryptoUnavailable, KeyFileInvalid, WrongPassphrase

KEY_FILE_FORMAT = 1
DATA_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost; stored beside the wrapped key so it can be raised later."""

    memory_kib: int = 131_072
    iterations: int = 4
    lanes: int = 4
    algorithm: str = "argon2id"


# RFC 9106's second recommendation; nothing weaker is ever accepted.
KDF_FLOOR = KdfParams(memory_kib=65_536, iterations=3, lanes=4)


def check_kdf_floor(params: KdfParams) -> None:
    if params.algorithm != "argon2id":
        raise KeyFileInvalid("The key file names an unsupported key derivation.")
    if params.memory_kib < KDF_FLOOR.memory_kib or params.iterations < KDF_FLOOR.iterations \
            or params.lanes < 1:
        raise KeyFileInvalid("The key file's protection is weaker than policy allows.")


@dataclass(frozen=True, slots=True)
class KeyFile:
    """What is kept on disk: salt, KDF cost, nonce and the wrapped data key. No secrets."""

    format: int
    user_id: str
    device_id: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_key: bytes

    def associated_data(self) -> bytes:
        """AAD binds format, user, device and KDF cost: changing any of them breaks the tag."""
        bound = {"format": self.format, "user": self.user_id, "device": self.device_id,
                 "kdf": asdict(self.kdf)}
        return json.dumps(bound, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        return json.dumps({
            "format": self.format, "user_id": self.user_id, "device_id": self.device_id,
            "kdf": asdict(self.kdf),
            "salt": base64.b64encode(self.salt).decode(),
            "nonce": base64.b64encode(self.nonce).decode(),
            "wrapped_key": base64.b64encode(self.wrapped_key).decode(),
        }, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "KeyFile":
        try:
            data: dict[str, Any] = json.loads(text)
            kdf = KdfParams(**data["kdf"])
            key_file = cls(format=int(data["format"]), user_id=str(data["user_id"]),
                           device_id=str(data["device_id"]), kdf=kdf,
                           salt=base64.b64decode(data["salt"], validate=True),
                           nonce=base64.b64decode(data["nonce"], validate=True),
                           wrapped_key=base64.b64decode(data["wrapped_key"], validate=True))
        except (ValueError, KeyError, TypeError):
            raise KeyFileInvalid("The key file is damaged and cannot be read.") from None
        if key_file.format != KEY_FILE_FORMAT:
            raise KeyFileInvalid("The key file was written by an unknown version.")
        check_kdf_floor(key_file.kdf)
        return key_file


def derive_kek(passphrase: str, *, salt: bytes, params: KdfParams, user_id: str,
               device_id: str) -> bytes:
    stretched = Argon2id(salt=salt, length=32, iterations=params.iterations,
                         lanes=params.lanes, memory_cost=params.memory_kib).derive(
        passphrase.encode("utf-8"))
    info = b"kek v1" + user_id.encode() + b"|" + device_id.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(stretched)


def wrap_data_key(data_key: bytes | bytearray, passphrase: str, *, user_id: str, device_id: str,
                  params: KdfParams) -> KeyFile:
    check_kdf_floor(params)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    draft = KeyFile(KEY_FILE_FORMAT, user_id, device_id, params, salt, nonce, b"")
    kek = derive_kek(passphrase, salt=salt, params=params, user_id=user_id, device_id=device_id)
    wrapped = AESGCM(kek).encrypt(nonce, bytes(data_key), draft.associated_data())
    return KeyFile(KEY_FILE_FORMAT, user_id, device_id, params, salt, nonce, wrapped)


def unwrap_data_key(key_file: KeyFile, passphrase: str) -> bytearray:
    """The data key in a bytearray (so it can be zeroed on lock); WrongPassphrase otherwise."""
    kek = derive_kek(passphrase, salt=key_file.salt, params=key_file.kdf,
                     user_id=key_file.user_id, device_id=key_file.device_id)
    try:
        plain = AESGCM(kek).decrypt(key_file.nonce, key_file.wrapped_key,
                                    key_file.associated_data())
    except InvalidTag:
        raise WrongPassphrase() from None
    if len(plain) != DATA_KEY_BYTES:
        raise KeyFileInvalid("The key file holds a key of the wrong size.")
    return bytearray(plain)


def new_data_key() -> bytearray:
    return bytearray(secrets.token_bytes(DATA_KEY_BYTES))


def write_key_file(path: Path, key_file: KeyFile) -> None:
    """Never a half-written key file: a crash leaves the old one or the new one (A9)."""
    write_atomically(path, key_file.to_json().encode("utf-8"))


def read_key_file(path: Path) -> KeyFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KeyFileInvalid("The key file is damaged and cannot be read.") from None
    return KeyFile.from_json(text)


def self_test() -> None:
    """Refuse to run without Argon2id and AES-GCM (A8)."""
    try:
        derived = Argon2id(salt=b"\x02" * 16, length=32, iterations=3, lanes=4,
                           memory_cost=32, secret=b"\x03" * 8, ad=b"\x04" * 12).derive(b"\x01" * 32)
        AESGCM(bytes(32)).encrypt(bytes(12), b"ok", None)
    except UnsupportedAlgorithm as error:
        raise CryptoUnavailable(
            "This computer's encryption library lacks Argon2id or AES-GCM; "
            "update FamilyWorker's dependencies (OpenSSL 3.2 or later).") from error
    if derived != bytes.fromhex(ARGON2ID_RFC9106_TAG):
        raise CryptoUnavailable("The encryption library failed its self-test.")


# RFC 9106 §5.3 Argon2id test vector tag (password 32×0x01, salt 16×0x02, secret 8×0x03,
# ad 12×0x04, m=32 KiB, t=3, p=4).
ARGON2ID_RFC9106_TAG = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
