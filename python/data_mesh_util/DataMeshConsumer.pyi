"""Type stub of data_mesh_util.DataMeshConsumer (python/tools/make_stubs.py)."""

from typing import Any

from data_mesh_util.lib.client import MeshClient


class DataMeshConsumer(MeshClient):
    def __init__(self, data_mesh_account_id: str | None = ..., region_name: str | None = ..., log_level: str | int = ..., use_credentials: Any = ..., endpoint: str | None = ...) -> None: ...
    def check_permission(self, database_name: str, permission: str, *, table_name: str | None = ...) -> Any:
        """May the caller use a permission on a mesh table, and why."""
    def create_database(self, database_input: dict[str, Any], *, client_token: str | None = ...) -> Any:
        """Create a database in the caller's catalog."""
    def create_table(self, database_name: str, table_input: dict[str, Any], *, client_token: str | None = ...) -> Any:
        """Create a table (Glue TableInput)."""
    def delete_database(self, name: str, *, client_token: str | None = ...) -> Any:
        """Delete a database and its tables."""
    def delete_subscription(self, subscription_id: str, reason: str, *, client_token: str | None = ...) -> Any:
        """Leave (Active) or withdraw (Pending) a subscription."""
    def delete_table(self, database_name: str, name: str, *, client_token: str | None = ...) -> Any:
        """Delete a table."""
    def finalize_subscription(self, subscription_id: str, *, client_token: str | None = ...) -> Any:
        """Import an Active subscription: accept its shares, create the links."""
    def get_database(self, name: str) -> Any:
        """Show a database of the caller's catalog."""
    def get_databases(self, *, max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """List the databases of the caller's catalog."""
    def get_published_table(self, database_name: str, table_name: str) -> Any:
        """A published table's definition (columns, partitions) where its product publishes public metadata."""
    def get_subscription(self, request_id: str) -> Any:
        """Show a subscription."""
    def get_subscription_grants(self, subscription_id: str) -> Any:
        """Effective grants of a subscription."""
    def get_subscription_history(self, subscription_id: str, *, max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """Audit events of a subscription."""
    def get_table(self, database_name: str, name: str) -> Any:
        """Show a table (Glue GetTable shape)."""
    def get_table_info(self, database_name: str, table_name: str) -> Any:
        """Glue GetTable through the consumer's links."""
    def get_tables(self, database_name: str, *, expression: str | None = ..., max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """List tables (Glue GetTables shape)."""
    def import_tables(self, database_name: str, get_tables_json: dict[str, Any], *, client_token: str | None = ...) -> Any:
        """Import the JSON that `aws glue get-tables` prints; existing tables are replaced."""
    def list_data_products(self, *, domain: str | None = ..., owner_account_id: str | None = ..., max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """Browse the published data products one may request, by database name."""
    def list_product_access(self, *, status: list[str] | str | None = ..., max_results: int | None = ..., next_token: str | None = ...) -> Any:
        """The caller's subscriptions, by status (default: all but Deleted), oldest first."""
    def request_access_to_product(self, owner_account_id: str, database_name: str, request_permissions: list[str] | str, tables: list[str] | str | None = ..., *, client_token: str | None = ...) -> Any:
        """Request permissions on a data product (whole database, tables or patterns)."""
    def update_table(self, database_name: str, table_input: dict[str, Any], *, client_token: str | None = ...) -> Any:
        """Replace the definition of a table (Glue TableInput)."""
