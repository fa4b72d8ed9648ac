"""The imported operation log as the views read it: the files of an agency, matching row ids in display order,
and the display rows of a page of ids (the GUI pages through a million rows this way)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from ..storage import imports_repo
from ..storage.database import Database
from ..storage.imports_repo import ImportedFile, OperationFilter

__all__ = ["ImportedFile", "OperationFilter", "imported_files", "operation_ids", "operation_rows"]


def imported_files(db: Database, agency_id: int) -> list[ImportedFile]:
    return imports_repo.list_files(db, agency_id)


def operation_ids(db: Database, agency_id: int, where: OperationFilter, sort: str = "at",
                  descending: bool = False) -> array[int]:
    """Ids of the agency's matching operations in display order."""
    return imports_repo.operation_ids(db, agency_id, where, sort, descending)


def operation_rows(db: Database, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Display rows (imports_repo.OPERATION_COLUMNS) for `ids`, in the order given."""
    return imports_repo.operations_by_id(db, ids)
