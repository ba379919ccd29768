"""data_mesh_util on datamesh: the original library's modules, run by datamesh's C++ core.

Scripts written for aws-data-mesh-utils import it unchanged:

    from data_mesh_util import DataMeshProducer as dmp
    producer = dmp.DataMeshProducer(data_mesh_account_id=..., region_name=..., use_credentials=...)

Each call goes to the endpoint named by the ``endpoint=`` keyword or DATAMESH_ENDPOINT
(embedded sqlite:// by default, http:// for a `datamesh serve`). See docs/PYTHON.md.
"""

from data_mesh_util.exceptions import DataMeshError  # noqa: F401
