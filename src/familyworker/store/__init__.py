"""Encrypted local store: SQLCipher database, key envelope, migrations, outbox and audit."""
