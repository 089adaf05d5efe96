"""Store errors, each with a message that is safe to show and holds no personal data."""


class StoreError(Exception):
    """Base class for store failures."""


class WrongPassphrase(StoreError):
    def __init__(self) -> None:
        super().__init__("Passphrase not recognised.")


class CaseloadMissing(StoreError):
    def __init__(self) -> None:
        super().__init__("There is no caseload here yet. Create one with 'familyworker init'.")


class CaseloadExists(StoreError):
    def __init__(self) -> None:
        super().__init__("A caseload already exists here; it was left untouched.")


class KeyFileInvalid(StoreError):
    """The key file is damaged, tampered with, or weaker than policy allows."""


class CorruptDatabase(StoreError):
    """The database failed its integrity check; it has been moved to quarantine."""


class NotEncrypted(StoreError):
    def __init__(self) -> None:
        super().__init__("The caseload file is not encrypted; refusing to open it.")


class CryptoUnavailable(StoreError):
    """The crypto backend lacks Argon2id or AES-GCM."""


class RecordNotFound(StoreError):
    pass


class SchemaTooNew(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "This caseload was written by a newer version of FamilyWorker; please update.")


class CaseloadInUse(StoreError):
    def __init__(self) -> None:
        super().__init__("This caseload is already open in another FamilyWorker window.")
