"""The one error type services raise; pages turn it into a message, the API into problem+json."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the service refused the request; `message` is meant for the person who asked."""

    status = 400
    title = "Request refused"

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}  # more members of the API's problem document


class Invalid(DomainError):
    """Input that breaks a rule; `fields` maps each field to what is wrong with it."""

    status = 422
    title = "Invalid input"


class UnsupportedMediaType(DomainError):
    status = 415
    title = "Unsupported media type"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Not allowed"


class Conflict(DomainError):
    """The request does not fit the record's current state (e.g. a stale version)."""

    status = 409
    title = "Conflict"
