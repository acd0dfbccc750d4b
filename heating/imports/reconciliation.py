"""A provider's statement through the import machinery: upload → preview (row errors, or what the
reconciliation will find) → 确认对账, which keeps the day's reconciliation (heating.services.
reconciliation). The statement itself writes nothing to the ledger; resolving a difference does."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from heating.models import ImportBatch
from heating.selectors.reconciliation import Match, statement_match
from heating.services.reconciliation import (
    ALREADY_RESOLVED,
    ReconciliationLocked,
    reconciliation_locked,
    reconciliation_store,
)

from .common import ImportResult, batch_create, batch_finish, batch_lock_pending, batch_refused
from .files import FileRefused
from .statements import MAX_BYTES, MAX_ROWS, Statement, statement_read

KIND = ImportBatch.Kind.STATEMENT
RACED = gettext_noop("另一份同日同渠道的对账单同时导入，本次未保存，请重新上传。")

__all__ = ["MAX_BYTES", "MAX_ROWS", "import_statement_file", "statement_batch_commit"]


def _check(company, statement: Statement) -> Match | None:
    """The match, or None with the reason added to the statement's errors."""
    if statement.errors:
        return None
    if reconciliation_locked(company, statement.day, statement.source):
        statement.errors.add(None, "", ALREADY_RESOLVED)
        return None
    return statement_match(company, statement)


def _summary(statement: Statement, match: Match | None, reconciliation=None) -> dict:
    summary = {"source": statement.source, "day": statement.day.isoformat() if statement.day else ""}
    if match is not None:
        summary |= {
            "provider_count": match.provider_count,
            "provider_total": str(match.provider_total),
            "ledger_count": match.ledger_count,
            "ledger_total": str(match.ledger_total),
            "matched": match.matched,
            "mismatches": match.counts(),
            "mismatch_total": len(match.mismatches),
            "reconciliation": reconciliation.pk if reconciliation else None,
        }
    return summary


def import_statement_file(
    *, company, user, file_name: str, data: bytes, commit: bool = False
) -> ImportResult:
    """Read and compare a statement; keep the file for 确认对账 when it reads cleanly."""
    try:
        statement = statement_read(file_name, data)
    except FileRefused as refusal:
        return batch_refused(
            company=company, user=user, kind=KIND, file_name=file_name, data=data, refusal=refusal
        )
    match = _check(company, statement)
    with transaction.atomic():
        batch = batch_create(
            company=company, user=user, kind=KIND, file_name=file_name, data=data, rows=len(statement.rows),
            status=ImportBatch.Status.PREVIEWED,
        )
        batch_finish(batch, statement.errors, _summary(statement, match), committed=False, data=data)
    result = ImportResult(
        batch, batch.rows, statement.errors.count, batch.errors, False, _summary(statement, match)
    )
    if commit and result.ok:
        return statement_batch_commit(batch=batch, user=user)
    return result


def statement_batch_commit(*, batch: ImportBatch, user) -> ImportResult:
    """Read the kept statement again, compare it with the ledger as it is now, keep the result."""
    with transaction.atomic():
        batch, statement = batch_lock_pending(batch, KIND, read=statement_read)
        if isinstance(statement, ImportResult):
            return statement
        match = _check(batch.company, statement)
        reconciliation = None
        if match is not None:
            try:
                with transaction.atomic():
                    reconciliation = reconciliation_store(
                        company=batch.company, day=statement.day, source=statement.source, match=match,
                        batch=batch, user=user,
                    )
            except ReconciliationLocked:
                statement.errors.add(None, "", ALREADY_RESOLVED)
            except IntegrityError:
                statement.errors.add(None, "", RACED)
        errors = statement.errors
        summary = _summary(statement, match if not errors else None, reconciliation)
        batch_finish(batch, errors, summary, committed=not errors)
    return ImportResult(batch, batch.rows, errors.count, batch.errors, not errors, summary)
