"""Type stub of data_mesh_util.DataMeshAdmin (python/tools/make_stubs.py)."""

from typing import Any

from data_mesh_util.lib.client import MeshClient


class DataMeshAdmin(MeshClient):
    def __init__(self, data_mesh_account_id: str | None = ..., region_name: str | None = ..., log_level: str | int = ..., use_credentials: Any = ..., endpoint: str | None = ...) -> None: ...
    def create_access_key(self, account_id: str, *, client_token: str | None = ...) -> Any:
        """Create another access key for an account."""
    def create_account(self, account_name: str, *, account_id: str | None = ..., client_token: str | None = ...) -> Any:
        """Create an account with a first access key."""
    def describe_account(self, account_id: str) -> Any:
        """Show one account."""
    def enable_account_as_consumer(self, account_id: str, *, client_token: str | None = ...) -> Any:
        """Let an account act as a consumer."""
    def enable_account_as_producer(self, account_id: str, *, client_token: str | None = ...) -> Any:
        """Let an account act as a producer."""
    def get_caller_identity(self) -> Any:
        """Who the calling access key is: its account and roles, the mesh and region (any account)."""
    def get_endpoints(self) -> Any:
        """The tracker table and its stream, to follow subscription changes (AWS mode; any account)."""
    def get_subscription(self, subscription_id: str) -> Any:
        """Show any subscription of the mesh, Deleted ones too."""
    def initialize_consumer_account(self, *, client_token: str | None = ...) -> Any:
        """The calling account opts in as a consumer."""
    def initialize_mesh_account(self, mesh_name: str | None = ...) -> Any:
        """Create the mesh account and its admin key (once, on an empty mesh); the secret is shown this once."""
    def initialize_producer_account(self, crawler_role_arn: str | None = ..., *, client_token: str | None = ...) -> Any:
        """The calling account opts in as a producer."""
    def list_access_keys(self, account_id: str) -> Any:
        """List the access keys of an account."""
    def list_accounts(self) -> Any:
        """List every account of the mesh."""
    def list_audit_events(self, *, subscription_id: str | None = ..., action: list[str] | str | None = ..., actor_account_id: str | None = ..., since: str | None = ..., until: str | None = ..., max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """The audit log, oldest first."""
    def list_subscriptions(self, *, status: list[str] | str | None = ..., database_name: str | None = ..., producer_account_id: str | None = ..., consumer_account_id: str | None = ..., max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """Every subscription of the mesh, by status, product, producer and consumer, oldest first."""
    def reconcile(self, *, apply: bool | None = ..., client_token: str | None = ...) -> Any:
        """Find drift between the Active subscriptions and the grants held on mesh databases (grants added or removed by hand); with apply, repair it."""
    def revoke_access_key(self, key_id: str, *, client_token: str | None = ...) -> Any:
        """Revoke an access key."""
    def rotate_access_key(self, key_id: str, *, client_token: str | None = ...) -> Any:
        """Replace an access key: a new key is created and the old one revoked."""
    def verify_audit(self, *, recorded_head_sequence: int | None = ..., recorded_head_hash: str | None = ...) -> Any:
        """Check the audit log's hash chain: every event unedited, none removed or reordered, and a head recorded earlier still in it."""
