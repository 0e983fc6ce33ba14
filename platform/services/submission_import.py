"""The Excel round trip of a submission: preview an uploaded copy, then apply it.

The comparison itself is pure (:mod:`baocao.form_designer.roundtrip`); this
module finds the submission's form version, and applies the previewed
changes as ONE ordinary save (:func:`services.workflow.save_data`) guarded by
the version the preview was made from, so a preview gone stale gets the same
409 as any stale save and nothing is overwritten. The upload itself is never
stored: the preview page carries the changes, and the save re-checks them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baocao.form_designer.roundtrip import (
    UploadComparison,
    apply_changes,
    compare_upload,
    form_stamp,
)
from baocao.platform.models.workflow import Regime, Submission
from baocao.platform.services import audit
from baocao.platform.services import workflow as service
from baocao.platform.services.submission_export import _compiled as export_compiled
from baocao.platform.services.workflow_config import get_regime
from baocao.schemas import CompiledForm

Loader = Callable[[str, int | None], CompiledForm | None]


@dataclass(frozen=True, slots=True)
class UploadPreview:
    """What the preview page shows and what its "Áp dụng" button posts."""

    comparison: UploadComparison
    version: int
    """The submission version the comparison was made against."""
    filename: str


def preview_upload(
    sub: Submission,
    regime: Regime,
    filled: bytes,
    filename: str,
    *,
    load: Loader | None,
) -> UploadPreview:
    """Compare an uploaded copy with the submission as stored now (nothing stored).

    :raises ExportError: the regime has no form version.
    """
    compiled = export_compiled(regime, load)
    comparison = compare_upload(
        compiled,
        sub.get_data(),
        filled,
        stamp=form_stamp(regime.form_id, regime.form_version, compiled.source_sha256),
    )
    return UploadPreview(comparison, sub.version, filename)


def apply_upload(
    submission_id: str,
    updates: Mapping[str, Any],
    expected_version: int,
    actor: Any,
    *,
    now: datetime,
    load: Loader | None,
    filename: str,
) -> Submission:
    """Apply previewed changes as one save, if the submission is still at
    ``expected_version``.

    :raises ConflictError: (409) someone saved after the preview was made.
    :raises DataInvalidError: (422) the changes no longer pass the form's checks.
    :raises FillError: (422) an address that is not an input cell.
    """
    sub = service.get_submission(submission_id)
    regime = get_regime(sub.regime_id)
    compiled = export_compiled(regime, load)
    data = apply_changes(compiled, sub.get_data(), updates)
    saved = service.save_data(
        submission_id,
        data,
        expected_version,
        actor,
        now=now,
        form_loader=load,
    )
    audit.record(
        str(getattr(actor, "username", actor)),
        "submission.import",
        f"submission:{saved.pk}",
        now=now,
        unit=saved.unit,
        details={
            "version": saved.version,
            "filename": filename[:200],
            "cells": sorted(updates)[:500],
        },
    )
    return saved
