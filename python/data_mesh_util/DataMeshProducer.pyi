"""Type stub of data_mesh_util.DataMeshProducer (python/tools/make_stubs.py)."""

from typing import Any

from data_mesh_util.lib.client import MeshClient


class DataMeshProducer(MeshClient):
    def __init__(self, data_mesh_account_id: str | None = ..., region_name: str | None = ..., log_level: str | int = ..., use_credentials: Any = ..., endpoint: str | None = ...) -> None: ...
    def approve_access_request(self, request_id: str, grant_permissions: list[str] | str | None = ..., grantable_permissions: list[str] | str | None = ..., decision_notes: str | None = ..., *, client_token: str | None = ...) -> Any:
        """Approve a request, as asked or narrower, with grantable rights."""
    def create_data_products(self, source_database_name: str, create_public_metadata: bool = ..., table_name_regex: str | None = ..., domain: str | None = ..., data_product_name: str | None = ..., sync_mesh_catalog_schedule: str | None = ..., sync_mesh_crawler_role_arn: str | None = ..., expose_data_mesh_db_name: str | None = ..., expose_table_references_with_suffix: str = ..., use_original_table_name: bool = ..., *, client_token: str | None = ...) -> Any:
        """Publish tables of a source database as a data product in the mesh."""
    def create_database(self, database_input: dict[str, Any], *, client_token: str | None = ...) -> Any:
        """Create a database in the caller's catalog."""
    def create_table(self, database_name: str, table_input: dict[str, Any], *, client_token: str | None = ...) -> Any:
        """Create a table (Glue TableInput)."""
    def delete_database(self, name: str, *, client_token: str | None = ...) -> Any:
        """Delete a database and its tables."""
    def delete_subscription(self, subscription_id: str, reason: str, *, client_token: str | None = ...) -> Any:
        """Tear down a subscription: grants revoked, record kept."""
    def delete_table(self, database_name: str, name: str, *, client_token: str | None = ...) -> Any:
        """Delete a table."""
    def deny_access_request(self, request_id: str, decision_notes: str | None = ..., *, client_token: str | None = ...) -> Any:
        """Deny a pending request."""
    def get_data_product(self, database_name: str, table_name_regex: str | None = ...) -> Any:
        """Tables of one of the caller's data products."""
    def get_database(self, name: str) -> Any:
        """Show a database of the caller's catalog."""
    def get_databases(self, *, max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """List the databases of the caller's catalog."""
    def get_subscription(self, request_id: str) -> Any:
        """Show a subscription."""
    def get_subscription_grants(self, subscription_id: str) -> Any:
        """Effective grants of a subscription."""
    def get_subscription_history(self, subscription_id: str, *, max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """Audit events of a subscription."""
    def get_table(self, database_name: str, name: str) -> Any:
        """Show a table (Glue GetTable shape)."""
    def get_tables(self, database_name: str, *, expression: str | None = ..., max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """List tables (Glue GetTables shape)."""
    def import_tables(self, database_name: str, get_tables_json: dict[str, Any], *, client_token: str | None = ...) -> Any:
        """Import the JSON that `aws glue get-tables` prints; existing tables are replaced."""
    def list_pending_access_requests(self, *, max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """Pending requests for the caller's data products, oldest first."""
    def list_subscriptions(self, *, status: list[str] | str | None = ..., database_name: str | None = ..., consumer_account_id: str | None = ..., max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """Subscriptions to the caller's data products, by status, product and consumer, oldest first."""
    def update_subscription_permissions(self, subscription_id: str, grant_permissions: list[str] | str, notes: str | None = ..., grantable_permissions: list[str] | str | None = ..., *, client_token: str | None = ...) -> Any:
        """Change the permissions of an Active subscription."""
    def update_table(self, database_name: str, table_input: dict[str, Any], *, client_token: str | None = ...) -> Any:
        """Replace the definition of a table (Glue TableInput)."""
