import json
import sys

from data_mesh_util.lib.constants import *
import data_mesh_util.lib.utils as utils
from data_mesh_util import DataMeshConsumer as dmc


class Step2():
    def setUp(self) -> None:
        self._region, self._clients, self._account_ids, self._creds = utils.load_client_info_from_file()
        self._mgr = dmc.DataMeshConsumer(data_mesh_account_id=self._account_ids.get(MESH),
                                         log_level='DEBUG', region_name=self._region,
                                         use_credentials=self._creds.get(CONSUMER))

    def request_access(self, database_name, tables):
        return self._mgr.request_access_to_product(
            owner_account_id=self._account_ids.get(PRODUCER),
            database_name=database_name,
            tables=tables,
            request_permissions=['SELECT', 'DESCRIBE']
        )


if __name__ == "__main__":
    step = Step2()
    step.setUp()
    print(json.dumps(step.request_access(sys.argv[1], sys.argv[2].split(','))))
