"""File imports for company staff: heat-meter readings and a company's books (建档导入).

Each upload is recorded as an ImportBatch; nothing is written unless every row of the file is right,
and then all of it is written in one transaction.
"""
from .common import ImportResult, NotPending
from .files import FileRefused
from .onboarding import import_onboarding_file, onboarding_batch_commit, onboarding_template
from .readings import import_readings_file, readings_batch_commit, readings_template

__all__ = [
    "FileRefused",
    "ImportResult",
    "NotPending",
    "import_onboarding_file",
    "import_readings_file",
    "onboarding_batch_commit",
    "onboarding_template",
    "readings_batch_commit",
    "readings_template",
]
