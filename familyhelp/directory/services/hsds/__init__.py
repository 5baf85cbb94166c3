"""Import and export of the directory as HSDS 3.0 data: the tabular package and the ORUK feed."""

from familyhelp.directory.services.hsds.package import package_export, package_sources
from familyhelp.directory.services.hsds.upsert import (
    ImportProblems,
    ImportResult,
    Source,
    directory_records_upsert,
)


def hsds_import(*, path, progress=None) -> ImportResult:
    """Validate the tabular package in `path` and upsert all of it, or change nothing."""
    return directory_records_upsert(sources=package_sources(path), progress=progress)


def hsds_export(*, path, progress=None) -> dict[str, int]:
    """Write the directory to `path` as an HSDS 3.0 tabular data package."""
    return package_export(path=path, progress=progress)


__all__ = ["ImportProblems", "ImportResult", "Source", "hsds_export", "hsds_import"]
