"""Type stub of data_mesh_util.lib.utils (python/tools/make_stubs.py)."""

from collections.abc import Mapping
from typing import Any


def load_client_info_from_file(from_path: str | None = ...) -> tuple[str | None, dict[str, dict[str, str]], dict[str, str | None], dict[str, Any]]:
    """Reads a CredentialsFile: AWS_REGION and the five blocks Mesh, Producer, Consumer, ProducerAdmin, ConsumerAdmin (each AccountId, AccessKeyId, SecretAccessKey, optional SessionToken). The path defaults to the environment variable CredentialsFile."""


class Credentials:
    """What a boto3 session's get_credentials() answers, as the classes' use_credentials take it: access_key, secret_key, token (and account_id, when the given credentials had one)."""
    def __init__(self, access_key: str, secret_key: str, token: str | None = ..., account_id: str | None = ...) -> None: ...


class Session:
    """create_session's answer when boto3 cannot be imported: region_name and get_credentials(), the two things scripts read of the original's boto3 session."""
    def __init__(self, credentials: data_mesh_util.lib.utils.Credentials | None, region_name: str | None) -> None: ...
    def get_credentials(self) -> data_mesh_util.lib.utils.Credentials | None:
        """The session's credentials, or None when none were found (as boto3's)."""


def create_session(credentials: Any = ..., region: str | None = ...) -> Any:
    """The original's session (reference §2.1): with credentials (a mapping or an object with access_key / secret_key / token), a session of those keys in `region`, else AWS_REGION; without, the default session. A boto3 session when boto3 can be imported (it is no dependency of the package). Otherwise a Session whose credentials are the given ones or, without, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (boto3's first source), else None, which lets the classes read their own chain (docs/PYTHON.md); its region_name is then AWS_DEFAULT_REGION."""


def purify_sysargs(args: list[str] | None = ...) -> list[str]:
    """Command-line arguments with option names normalised (--some-name -> --some_name). Values are kept as given (the original also stripped every quote from them, which broke JSON)."""


def get_role_arn(account_id: str, role_name: str) -> str:
    """arn:aws:iam::<account>:role/AwsDataMesh/<role_name>, the original's role ARN."""


def make_iam_session_name(caller_identity: Mapping[str, str]) -> str:
    """The original's STS RoleSessionName for a caller identity ({'UserId', 'Account'}): <UserId without ':'>-<Account>-<local date>, at most 64 characters."""


def ensure_list(value: Any) -> list[Any] | None:
    """None -> []; a list as it is; a string with commas split on them (not trimmed); another string as a one-element list; anything else None (the original's rule)."""
