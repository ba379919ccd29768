"""Type stub of data_mesh_util.DataMeshMacros (python/tools/make_stubs.py)."""

from collections.abc import Mapping


class DataMeshMacros:
    """DataMeshMacros(data_mesh_account_id, region_name='us-east-1', log_level='INFO', endpoint=None)"""
    def __init__(self, data_mesh_account_id: str | None = ..., region_name: str = ..., log_level: str | int = ..., endpoint: str | None = ...) -> None: ...
    def bootstrap_account(self, account_type: str, mesh_credentials: Mapping[str, str], account_credentials: Mapping[str, str], crawler_role_arn: str | None = ...) -> None:
        """Sets an account up as a producer, a consumer or both: the account opts in with its own credentials, then the mesh administrator enables it. account_credentials must carry AccountId. crawler_role_arn must be None, as initialize_producer_account's (datamesh takes a crawler's role per data product; the original dropped it unused)."""
