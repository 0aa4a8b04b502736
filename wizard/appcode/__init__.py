"""Reading the app's own code (issue 17): how the frontend and the server ask for the token.

Public API::

    read_app_code(root, token_path=None, environ=None, limits=None) -> AppCode
    AppCode.findings: list[Finding]      # check_id, status, reason, file, line, values, edit
    AppCode.status(check_id), .for_check(check_id), .edits(), .framework, .scan
    Finding, Edit, Framework, SourceScan, Skipped, ParseProblem, Limits, CHECK_IDS,
    REASONS (check id -> its closed set of reasons)

Findings are data, not sentences: the message catalog words them. The package parses with
tree-sitter and executes nothing; it reads only regular files inside the project.
"""

from wizard.appcode.discover import Limits
from wizard.appcode.model import (
    CHECK_IDS,
    REASONS,
    AppCode,
    Edit,
    Finding,
    FindingStatus,
    Framework,
    ParseProblem,
    Skipped,
    SourceScan,
    TokenPath,
)
from wizard.appcode.reader import read_app_code

__all__ = ["CHECK_IDS", "REASONS", "AppCode", "Edit", "Finding", "FindingStatus", "Framework", "Limits",
           "ParseProblem", "Skipped", "SourceScan", "TokenPath", "read_app_code"]
