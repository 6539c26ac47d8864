"""The basis a person states for a look-up of plate data, read from the query string the same
way by the API and by the pages: an authorised purpose, a case number and, for searches reaching
back, a supervisor's approval."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from platekeeper.access import Basis

PurposeQuery = Annotated[
    str | None, Query(max_length=40, description="An authorised purpose code.")
]
CaseNumberQuery = Annotated[
    str | None, Query(max_length=64, description="The case or incident number.")
]


def stated_basis(
    purpose: PurposeQuery = None,
    case_number: CaseNumberQuery = None,
    approval_id: Annotated[
        str | None,
        Query(max_length=64, description="A supervisor's approval, for searches reaching back."),
    ] = None,
) -> Basis:
    return Basis(purpose, case_number, approval_id)


BasisDep = Annotated[Basis, Depends(stated_basis)]
