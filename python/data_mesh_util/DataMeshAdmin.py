"""DataMeshAdmin: sets up the mesh and its accounts (the original's module of that name)."""

from data_mesh_util.lib.client import make_client_class

DataMeshAdmin = make_client_class(
    "DataMeshAdmin", __name__, ["admin"], "Mesh", "Data Mesh",
    """DataMeshAdmin(data_mesh_account_id, region_name='us-east-1', log_level='INFO',
    use_credentials=None, endpoint=None)

    The mesh administrator's methods (initialize_mesh_account, enable_account_as_producer, ...)
    and an account's own set-up (initialize_producer_account, initialize_consumer_account).
    endpoint: sqlite:///path/mesh.db, http://host:port, https://host[:port],
    postgresql://user@host:port/db or aws://REGION; default DATAMESH_ENDPOINT. An https server
    whose certificate a private authority signed: DATAMESH_CA_BUNDLE names that authority's
    PEM file.""")
