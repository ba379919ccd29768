"""DataMeshMacros: several steps in one call (the original's module of that name)."""

from collections.abc import Mapping

from data_mesh_util.DataMeshAdmin import DataMeshAdmin
from data_mesh_util.exceptions import error_for
from data_mesh_util.lib.client import refuse_crawler_role_arn


class DataMeshMacros:
    """DataMeshMacros(data_mesh_account_id, region_name='us-east-1', log_level='INFO',
    endpoint=None)"""

    def __init__(self, data_mesh_account_id: str | None = None, region_name: str = "us-east-1",
                 log_level: str | int = "INFO", endpoint: str | None = None) -> None:
        self._mesh_id = data_mesh_account_id
        self._region = region_name
        self._log_level = log_level
        self._endpoint = endpoint

    def bootstrap_account(self, account_type: str, mesh_credentials: Mapping[str, str],
                          account_credentials: Mapping[str, str],
                          crawler_role_arn: str | None = None) -> None:
        """Sets an account up as a producer, a consumer or both: the account opts in with its own
        credentials, then the mesh administrator enables it. account_credentials must carry
        AccountId. crawler_role_arn must be None, as initialize_producer_account's (datamesh
        takes a crawler's role per data product; the original dropped it unused)."""
        # Checked before any step, so that a refused call leaves nothing half set up.
        refuse_crawler_role_arn(crawler_role_arn)
        kind = str(account_type).lower()
        if kind not in ("producer", "consumer", "both"):
            raise error_for("InvalidArgument", f"Unknown Account Type {account_type}")
        account_id = (account_credentials or {}).get("AccountId")
        if not account_id:
            raise error_for("InvalidArgument", "account_credentials must carry AccountId")

        def admin(creds):
            return DataMeshAdmin(data_mesh_account_id=self._mesh_id, region_name=self._region,
                                 log_level=self._log_level, use_credentials=creds,
                                 endpoint=self._endpoint)

        mesh_admin, account_admin = admin(mesh_credentials), admin(account_credentials)
        if kind in ("producer", "both"):
            account_admin.initialize_producer_account()
            mesh_admin.enable_account_as_producer(account_id)
        if kind in ("consumer", "both"):
            account_admin.initialize_consumer_account()
            mesh_admin.enable_account_as_consumer(account_id)
