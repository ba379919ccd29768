"""Type stub of data_mesh_util.lib.utils (python/tools/make_stubs.py)."""

from collections.abc import Mapping
from typing import Any


def load_client_info_from_file(from_path: str | None = ...) -> tuple[str | None, dict[str, dict[str, str]], dict[str, str | None], dict[str, Any]]:
    """Reads a CredentialsFile: AWS_REGION and the five blocks Mesh, Producer, Consumer, ProducerAdmin, ConsumerAdmin (each AccountId, AccessKeyId, SecretAccessKey, optional SessionToken). The path defaults to the environment variable CredentialsFile."""


def purify_sysargs(args: list[str] | None = ...) -> list[str]:
    """Command-line arguments with option names normalised (--some-name -> --some_name). Values are kept as given (the original also stripped every quote from them, which broke JSON)."""


def get_role_arn(account_id: str, role_name: str) -> str:
    """arn:aws:iam::<account>:role/AwsDataMesh/<role_name>, the original's role ARN."""


def make_iam_session_name(caller_identity: Mapping[str, str]) -> str:
    """The original's STS RoleSessionName for a caller identity ({'UserId', 'Account'}): <UserId without ':'>-<Account>-<local date>, at most 64 characters."""


def ensure_list(value: Any) -> list[Any] | None:
    """None -> []; a list as it is; a string with commas split on them (not trimmed); another string as a one-element list; anything else None (the original's rule)."""
