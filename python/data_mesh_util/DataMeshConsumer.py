"""DataMeshConsumer: requests access to data products and imports them."""

import functools
import inspect

from data_mesh_util.lib.client import make_client_class

DataMeshConsumer = make_client_class(
    "DataMeshConsumer", __name__, ["consumer", "catalog"], "Consumer", "Data Mesh Consumer",
    """DataMeshConsumer(data_mesh_account_id, region_name='us-east-1', log_level='INFO',
    use_credentials=None, endpoint=None)

    The consumer's methods (request_access_to_product, finalize_subscription,
    list_product_access, get_table_info, ...) and the account's catalog.""")

_request_access_to_product = DataMeshConsumer.request_access_to_product
_request_signature = inspect.signature(_request_access_to_product)

# The original printed this on stdout (print, not its logger) for a request without tables,
# before any check (reference §1.4); scripts may read their stdout for it. Printed for
# tables=None only: datamesh refuses an empty list rather than read it as the database.
DATABASE_LEVEL_REQUEST = "Creating Database level Access Request"


@functools.wraps(_request_access_to_product)
def _request_with_database_notice(self, *args, **kwargs):
    try:
        tables = _request_signature.bind(self, *args, **kwargs).arguments.get("tables")
    except TypeError:
        tables = ()  # a wrong call: the method raises its own TypeError, printing nothing
    if tables is None:
        print(DATABASE_LEVEL_REQUEST)
    return _request_access_to_product(self, *args, **kwargs)


DataMeshConsumer.request_access_to_product = _request_with_database_notice
