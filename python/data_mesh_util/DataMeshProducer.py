"""DataMeshProducer: publishes data products and decides on access requests."""

from data_mesh_util.lib.client import make_client_class

DataMeshProducer = make_client_class(
    "DataMeshProducer", __name__, ["producer", "catalog"], "Producer", "Data Mesh Producer",
    """DataMeshProducer(data_mesh_account_id, region_name='us-east-1', log_level='INFO',
    use_credentials=None, endpoint=None)

    The producer's methods (create_data_products, list_pending_access_requests,
    approve_access_request, ...) and the account's catalog (create_database, create_table, ...),
    which the embedded mode needs to have tables to publish.""")
