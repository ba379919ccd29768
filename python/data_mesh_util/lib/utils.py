"""The original's helpers that scripts use (reference §2.1)."""

import datetime
import json
import os
from collections.abc import Mapping
from typing import Any

from data_mesh_util.exceptions import error_for
from data_mesh_util.lib import constants
from data_mesh_util.lib.client import credentials_dict


def load_client_info_from_file(from_path: str | None = None) -> tuple[
        str | None, dict[str, dict[str, str]], dict[str, str | None], dict[str, Any]]:
    """Reads a CredentialsFile: AWS_REGION and the five blocks Mesh, Producer, Consumer,
    ProducerAdmin, ConsumerAdmin (each AccountId, AccessKeyId, SecretAccessKey, optional
    SessionToken). The path defaults to the environment variable CredentialsFile.

    Returns (region, clients, account_ids, credentials): clients maps each block name to its
    credentials (where the original made an STS client: on datamesh a client class takes the
    credentials themselves), account_ids maps it to its AccountId, and credentials is the whole
    file as a dict."""
    path = from_path or os.environ.get("CredentialsFile")
    if not path:
        raise error_for("InvalidArgument",
                        "Unable to Load Client Connection information without a file reference. "
                        "Provide a direct path or set environment variable CredentialsFile")
    try:
        with open(path, encoding="utf-8") as f:
            info = json.load(f)
    except OSError as e:
        raise error_for("NotFound", f"cannot read credentials file {path}: {e.strerror}") from None
    except ValueError as e:
        raise error_for("InvalidArgument",
                        f"credentials file {path} is not JSON (line {e.lineno})") from None
    missing = [b for b in constants.CREDENTIAL_BLOCKS if b not in info]
    if missing:
        raise error_for("InvalidArgument",
                        f"credentials file {path} lacks the blocks {', '.join(missing)}")
    clients = {b: info[b] for b in constants.CREDENTIAL_BLOCKS}
    account_ids = {b: info[b].get("AccountId") for b in constants.CREDENTIAL_BLOCKS}
    return info.get("AWS_REGION"), clients, account_ids, info


class Credentials:
    """What a boto3 session's get_credentials() answers, as the classes' use_credentials take
    it: access_key, secret_key, token (and account_id, when the given credentials had one)."""

    def __init__(self, access_key: str, secret_key: str, token: str | None = None,
                 account_id: str | None = None) -> None:
        self.access_key, self.secret_key, self.token = access_key, secret_key, token
        self.account_id = account_id

    def __repr__(self) -> str:  # never the secret
        return f"Credentials(access_key={self.access_key!r})"


class Session:
    """create_session's answer when boto3 cannot be imported: region_name and
    get_credentials(), the two things scripts read of the original's boto3 session."""

    def __init__(self, credentials: Credentials | None, region_name: str | None) -> None:
        self._credentials = credentials
        self.region_name = region_name

    def get_credentials(self) -> Credentials | None:
        """The session's credentials, or None when none were found (as boto3's)."""
        return self._credentials


def create_session(credentials: Any = None, region: str | None = None) -> Any:
    """The original's session (reference §2.1): with credentials (a mapping or an object with
    access_key / secret_key / token), a session of those keys in `region`, else AWS_REGION;
    without, the default session. A boto3 session when boto3 can be imported (it is no
    dependency of the package). Otherwise a Session whose credentials are the given ones or,
    without, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (boto3's first
    source), else None, which lets the classes read their own chain (docs/PYTHON.md); its
    region_name is then AWS_DEFAULT_REGION."""
    try:
        import boto3
    except ImportError:
        boto3 = None
    if credentials is not None:
        keys = credentials_dict(credentials)  # Malformed Credentials, as the original
        region = region or os.environ.get("AWS_REGION")
        if boto3 is not None:
            return boto3.session.Session(aws_access_key_id=keys["AccessKeyId"],
                                         aws_secret_access_key=keys["SecretAccessKey"],
                                         aws_session_token=keys.get("SessionToken"),
                                         region_name=region)
        return Session(Credentials(keys["AccessKeyId"], keys["SecretAccessKey"],
                                   keys.get("SessionToken"), keys.get("AccountId")), region)
    if boto3 is not None:
        return boto3.session.Session()
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    found = Credentials(key, secret, os.environ.get("AWS_SESSION_TOKEN") or None) \
        if key and secret else None
    return Session(found, os.environ.get("AWS_DEFAULT_REGION"))


def purify_sysargs(args: list[str] | None = None) -> list[str]:
    """Command-line arguments with option names normalised (--some-name -> --some_name). Values
    are kept as given (the original also stripped every quote from them, which broke JSON)."""
    import sys
    args = sys.argv[1:] if args is None else args
    return [("--" + a[2:].replace("-", "_")) if a.startswith("--") else a for a in args]


def get_role_arn(account_id: str, role_name: str) -> str:
    """arn:aws:iam::<account>:role/AwsDataMesh/<role_name>, the original's role ARN."""
    return f"arn:aws:iam::{account_id}:role{constants.DATA_MESH_IAM_PATH}{role_name}"


def make_iam_session_name(caller_identity: Mapping[str, str]) -> str:
    """The original's STS RoleSessionName for a caller identity ({'UserId', 'Account'}):
    <UserId without ':'>-<Account>-<local date>, at most 64 characters."""
    user = str(caller_identity.get("UserId", "")).replace(":", "")
    name = f"{user}-{caller_identity.get('Account', '')}-{datetime.date.today().isoformat()}"
    return name[:64]


def ensure_list(value: Any) -> list[Any] | None:
    """None -> []; a list as it is; a string with commas split on them (not trimmed); another
    string as a one-element list; anything else None (the original's rule)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return value.split(",") if "," in value else [value]
    return None
