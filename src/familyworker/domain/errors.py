"""Domain errors: every rule violation is a ValidationError with a plain-English message."""


class DomainError(Exception):
    """Base class for errors raised by domain rules."""


class ValidationError(DomainError, ValueError):
    """A value breaks a domain rule; the message is safe to show and holds no personal data."""


class InvalidTransition(ValidationError):
    """A case cannot move from its current status to the requested one."""


class ImmutableRecord(ValidationError):
    """A finalised or agreed record was asked to change."""
