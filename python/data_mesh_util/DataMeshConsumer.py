"""DataMeshConsumer: requests access to data products and imports them."""

from data_mesh_util.lib.client import make_client_class

DataMeshConsumer = make_client_class(
    "DataMeshConsumer", __name__, ["consumer", "catalog"], "Consumer", "Data Mesh Consumer",
    """DataMeshConsumer(data_mesh_account_id, region_name='us-east-1', log_level='INFO',
    use_credentials=None, endpoint=None)

    The consumer's methods (request_access_to_product, finalize_subscription,
    list_product_access, get_table_info, ...) and the account's catalog.""")
