"""Client side of applications, contracts, feedback and the survey (docs/design.md "Cabinet
sections", "Applications", "API")."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from voek_desktop.api.errors import TransferCancelled
from voek_desktop.api.models import FromJson, checked_id
from voek_desktop.domain import uploads
from voek_desktop.domain.deadlines import Deadline
from voek_desktop.domain.time import moscow_date

if TYPE_CHECKING:
    from voek_desktop.api.client import CabinetClient

Progress = Callable[[int, int | None], None]
Cancelled = Callable[[], bool]

CHUNK = 64 * 1024
# Raw uploads may take a while on a slow line: give the body time, keep the connect short.
UPLOAD_TIMEOUT = (3.05, 120.0)


def sniff_content_type(head: bytes) -> str | None:
    """The type of a scan by its first bytes (PDF, JPEG, PNG, TIFF), None for anything else."""
    return uploads.sniff(head)


@dataclass(frozen=True)
class Document(FromJson):
    id: int
    kind: str
    filename: str
    size: int
    content_type: str
    uploaded_at: str = ""


@dataclass(frozen=True)
class HistoryEntry(FromJson):
    status: str
    at: str
    comment: str = ""
    status_label: str = ""


@dataclass(frozen=True)
class Application:
    id: int
    number: str
    category: str
    status: str
    status_label: str
    form: dict[str, Any]
    documents: tuple[Document, ...] = ()
    missing_documents: tuple[str, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    created_at: str = ""
    updated_at: str = ""
    submitted_at: str | None = None
    category_title: str = ""
    consumer_type: str = ""
    # The statutory terms running now, as the server counted them by its clock (it may be a
    # demo clock set ahead): docs/deadlines.md.
    deadlines: tuple[Deadline, ...] = ()
    # The server's Moscow day (``as_of``, the day the deadlines are counted for) minus the PC's
    # Moscow day when the answer came: the PC's clock may be wrong and the demo's clock moved.
    # Kept with an offline copy, so that a copy from days ago still dates by the server's day.
    # None from a server that does not say.
    server_day_offset: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Application:
        known = {f.name for f in fields(cls)} - {"documents", "history", "missing_documents"}
        return cls(
            id=checked_id(data["id"]),
            number=str(data.get("number") or ""),
            category=data["category"],
            status=data["status"],
            status_label=data.get("status_label") or data["status"],
            form=dict(data.get("form") or {}),
            documents=tuple(Document.from_json(d) for d in data.get("documents") or ()),
            missing_documents=tuple(data.get("missing_documents") or ()),
            history=tuple(HistoryEntry.from_json(h) for h in data.get("history") or ()),
            created_at=data.get("created_at") or "",
            updated_at=data.get("updated_at") or "",
            submitted_at=data.get("submitted_at"),
            category_title=data.get("category_title") or "",
            consumer_type=data.get("consumer_type") or "",
            deadlines=_deadlines(data.get("deadlines")),
            server_day_offset=_server_day_offset(data),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def server_today(self, now: datetime | None = None) -> date:
        """The server's Moscow day at ``now`` (the PC's clock; now if None): what a document
        made from this application is dated (the претензия), so that its date agrees with
        the deadlines the server counted. The PC's own day from a server that does not say."""
        day = moscow_date(now or datetime.now(UTC))
        return day + timedelta(days=self.server_day_offset or 0)

    @property
    def editable(self) -> bool:
        """PATCH and new documents are accepted only in these states (docs/design.md "API")."""
        return self.status in ("draft", "need_info")

    def operator_comment(self) -> str:
        """The latest comment that came with a change to the current status."""
        for entry in reversed(self.history):
            if entry.status == self.status and entry.comment:
                return entry.comment
        return ""


def _server_day_offset(data: dict[str, Any]) -> int | None:
    """Application.server_day_offset: kept in an offline copy, or counted from ``as_of``."""
    kept = data.get("server_day_offset")
    if isinstance(kept, int) and not isinstance(kept, bool):
        return kept
    try:
        server_day = date.fromisoformat(data["as_of"])
    except (KeyError, TypeError, ValueError):
        return None
    return (server_day - moscow_date(datetime.now(UTC))).days


def _deadlines(value: Any) -> tuple[Deadline, ...]:
    """The server's terms; a malformed entry is left out rather than failing the whole list."""
    if not isinstance(value, list):
        return ()
    result = []
    for item in value[:20]:
        try:
            result.append(Deadline.from_json(item))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return tuple(result)


@dataclass(frozen=True)
class ConnectionContract:
    id: int
    number: str
    application_id: int
    status: str
    status_label: str = ""
    application_number: str = ""
    created_at: str = ""
    signed_at: str | None = None
    document_url: str = ""
    signed_copy: Document | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConnectionContract:
        known = {f.name for f in fields(cls)}
        signed = data.get("signed_copy")
        return cls(
            id=checked_id(data["id"]),
            number=str(data.get("number") or ""),
            application_id=checked_id(data.get("application_id") or 0),
            status=data.get("status") or "",
            status_label=data.get("status_label") or data.get("status") or "",
            application_number=str(data.get("application_number") or ""),
            created_at=data.get("created_at") or data.get("offered_at") or "",
            signed_at=data.get("signed_at"),
            document_url=data.get("document_url") or "",
            signed_copy=Document.from_json(signed) if isinstance(signed, dict) else None,
            extra={k: v for k, v in data.items() if k not in known},
        )

    @property
    def awaiting_signature(self) -> bool:
        return self.signed_at is None and self.signed_copy is None


@dataclass(frozen=True)
class FeedbackMessage:
    id: int
    author: str  # "consumer" or "operator"
    text: str
    at: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedbackMessage:
        return cls(
            id=checked_id(data.get("id") or 0),
            author=data.get("author") or data.get("from") or "consumer",
            text=data.get("message") or data.get("text") or "",
            at=data.get("at") or data.get("created_at") or "",
        )

    @property
    def from_operator(self) -> bool:
        return self.author != "consumer"


@dataclass(frozen=True)
class FeedbackThread:
    id: int
    subject: str
    messages: tuple[FeedbackMessage, ...] = ()
    created_at: str = ""
    updated_at: str = ""
    has_reply: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedbackThread:
        messages = tuple(FeedbackMessage.from_json(m) for m in data.get("messages") or ())
        return cls(
            id=checked_id(data["id"]),
            subject=data.get("subject") or "",
            messages=messages,
            created_at=data.get("created_at") or "",
            updated_at=data.get("updated_at") or data.get("last_message_at") or "",
            has_reply=bool(
                data.get("has_reply", any(m.from_operator for m in messages))
                or data.get("status") == "answered"
            ),
        )


@dataclass(frozen=True)
class SurveyQuestion(FromJson):
    id: str
    text: str


@dataclass(frozen=True)
class SurveyResponse:
    id: int
    application_id: int
    created_at: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SurveyResponse:
        return cls(
            checked_id(data.get("id") or 0),
            checked_id(data["application_id"]),
            data.get("created_at") or "",
        )


class _ProgressReader:
    """A file body for ``requests``: it knows its length (so Content-Length is sent and the
    server can refuse with 413 before reading), reports progress and stops on cancel."""

    def __init__(self, path: Path, progress: Progress | None, cancelled: Cancelled | None):
        self._fh = open(path, "rb")  # noqa: SIM115 - closed by the caller via close()
        self.len = os.fstat(self._fh.fileno()).st_size
        self._progress = progress
        self._cancelled = cancelled
        self._done = 0

    def __len__(self) -> int:
        return self.len

    def read(self, size: int | None = -1) -> bytes:
        if self._cancelled is not None and self._cancelled():
            raise TransferCancelled()
        chunk = self._fh.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self._done += len(chunk)
        if self._progress is not None:
            self._progress(self._done, self.len)
        return chunk

    def close(self) -> None:
        self._fh.close()


def _content_type_of(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(uploads.SNIFF_BYTES)
    return sniff_content_type(head) or "application/octet-stream"


class ApplicationsApi:
    """Mixed into :class:`~voek_desktop.api.client.CabinetClient`; uses its ``request``/``send``."""

    def _client(self) -> CabinetClient:
        return cast("CabinetClient", self)  # only ever mixed into CabinetClient

    # --- templates and applications -------------------------------------------------------

    def application_templates(self) -> list[dict[str, Any]]:
        templates = self._client().request("GET", "/application-templates")["items"]
        return cast("list[dict[str, Any]]", templates)

    def applications(self, state: str = "active") -> list[Application]:
        data = self._client().request("GET", "/applications", params={"state": state})
        return [Application.from_json(a) for a in data["items"]]

    def application(self, application_id: int) -> Application:
        return Application.from_json(
            self._client().request("GET", f"/applications/{application_id}")
        )

    def create_application(self, category: str, form: dict[str, Any]) -> Application:
        data = self._client().request(
            "POST", "/applications", json={"category": category, "form": form}
        )
        return Application.from_json(data)

    def update_application(self, application_id: int, form: dict[str, Any]) -> Application:
        data = self._client().request(
            "PATCH", f"/applications/{application_id}", json={"form": form}
        )
        return Application.from_json(data)

    def submit_application(self, application_id: int) -> Application:
        data = self._client().request("POST", f"/applications/{application_id}/submit")
        return Application.from_json(data)

    def withdraw_application(self, application_id: int) -> Application:
        data = self._client().request("POST", f"/applications/{application_id}/withdraw")
        return Application.from_json(data)

    # --- documents ------------------------------------------------------------------------

    def upload_document(
        self,
        application_id: int,
        kind: str,
        path: str | os.PathLike[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        filename: str | None = None,
    ) -> Document:
        """Stream one file as the raw body with its Content-Type (by content)."""
        data = self._upload(
            f"/applications/{application_id}/documents",
            Path(path),
            {"kind": kind, "filename": filename or Path(path).name},
            progress,
            cancelled,
        )
        return Document.from_json(data)

    def download_document(
        self,
        application_id: int,
        document_id: int,
        dest: str | os.PathLike[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Path:
        """The stored file of an attachment, written atomically to ``dest``."""
        return self.download_to(
            f"/applications/{application_id}/documents/{document_id}", dest, progress, cancelled
        )

    def document_bytes(
        self,
        application_id: int,
        document_id: int,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        *,
        max_bytes: int = uploads.MAX_FILE_BYTES,
    ) -> bytes:
        """The stored file of an attachment in memory only: the receipt counts its pages, and
        in clerk mode nothing of a visitor may reach the disk (docs/design.md "Clerk mode")."""
        from voek_desktop.api.download import fetch_bytes

        return fetch_bytes(
            self._client(),
            f"/applications/{checked_id(application_id)}/documents/{checked_id(document_id)}",
            progress,
            cancelled,
            max_bytes=max_bytes,
        )

    def delete_document(self, application_id: int, document_id: int) -> None:
        self._client().request("DELETE", f"/applications/{application_id}/documents/{document_id}")

    # --- connection contracts -------------------------------------------------------------

    def connection_contracts(self, state: str = "active") -> list[ConnectionContract]:
        data = self._client().request("GET", "/connection-contracts", params={"state": state})
        return [ConnectionContract.from_json(c) for c in data["items"]]

    def connection_contract(self, contract_id: int) -> ConnectionContract:
        return ConnectionContract.from_json(
            self._client().request("GET", f"/connection-contracts/{contract_id}")
        )

    def download_contract(
        self,
        contract_id: int,
        dest: str | os.PathLike[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Path:
        return self.download_to(
            f"/connection-contracts/{contract_id}/document", dest, progress, cancelled
        )

    def contract_pdf(
        self,
        contract_id: int,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> bytes:
        """The contract PDF in memory only (clerk mode: nothing of a visitor goes to disk)."""
        from voek_desktop.api.download import fetch_bytes

        return fetch_bytes(
            self._client(),
            f"/connection-contracts/{checked_id(contract_id)}/document",
            progress,
            cancelled,
        )

    def upload_signed_copy(
        self,
        contract_id: int,
        path: str | os.PathLike[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ConnectionContract:
        data = self._upload(
            f"/connection-contracts/{contract_id}/signed-copy",
            Path(path),
            {"filename": Path(path).name},
            progress,
            cancelled,
        )
        # The server may answer with the contract or with the stored document.
        if "application_id" in data or "status" in data:
            return ConnectionContract.from_json(data)
        return self.connection_contract(contract_id)

    # --- feedback -------------------------------------------------------------------------

    def feedback_threads(self) -> list[FeedbackThread]:
        data = self._client().request("GET", "/feedback")
        return [FeedbackThread.from_json(t) for t in data["items"]]

    def feedback_thread(self, thread_id: int) -> FeedbackThread:
        return FeedbackThread.from_json(self._client().request("GET", f"/feedback/{thread_id}"))

    def create_feedback(self, subject: str, message: str) -> FeedbackThread:
        data = self._client().request(
            "POST", "/feedback", json={"subject": subject, "message": message}
        )
        return FeedbackThread.from_json(data)

    def reply_feedback(self, thread_id: int, message: str) -> FeedbackThread:
        data = self._client().request(
            "POST", f"/feedback/{thread_id}/messages", json={"message": message}
        )
        if "subject" in data:
            return FeedbackThread.from_json(data)
        return self.feedback_thread(thread_id)

    # --- survey ---------------------------------------------------------------------------

    def survey_questions(self) -> list[SurveyQuestion]:
        data = self._client().request("GET", "/survey")
        return [SurveyQuestion.from_json(q) for q in data["questions"]]

    def survey_responses(self) -> list[SurveyResponse]:
        data = self._client().request("GET", "/survey/responses")
        return [SurveyResponse.from_json(r) for r in data["items"]]

    def submit_survey(
        self, application_id: int, answers: list[dict[str, Any]], suggestion: str = ""
    ) -> SurveyResponse:
        data = self._client().request(
            "POST",
            "/survey/responses",
            json={"application_id": application_id, "answers": answers, "suggestion": suggestion},
        )
        return SurveyResponse.from_json(data)

    # --- /dev operator actions (servers started with --dev) -------------------------------

    def dev_set_application_status(
        self, application_id: int, status: str, comment: str = ""
    ) -> Application:
        data = self._client().request(
            "POST",
            f"/dev/applications/{application_id}/status",
            json={"status": status, "comment": comment},
        )
        return (
            Application.from_json(data)
            if data and "category" in data
            else self.application(application_id)
        )

    def dev_reply_feedback(self, thread_id: int, message: str) -> None:
        self._client().request(
            "POST", f"/dev/feedback/{thread_id}/reply", json={"message": message}
        )

    # --- transfers ------------------------------------------------------------------------

    def _upload(
        self,
        path_on_server: str,
        path: Path,
        params: dict[str, str],
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> dict[str, Any]:
        content_type = _content_type_of(path)
        body = _ProgressReader(path, progress, cancelled)
        try:
            response = self._client().send(
                "POST",
                path_on_server,
                params=params,
                data=body,
                headers={"Content-Type": content_type, "Content-Length": str(len(body))},
                timeout=UPLOAD_TIMEOUT,
            )
        finally:
            body.close()
        try:
            return cast("dict[str, Any]", response.json())
        finally:
            response.close()

    def download_to(
        self,
        path_on_server: str,
        dest: str | os.PathLike[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Path:
        """Stream a file to ``dest`` atomically; resumable (:mod:`voek_desktop.api.download`)."""
        from voek_desktop.api.download import download

        return download(self._client(), path_on_server, dest, progress, cancelled, retries=1)
