import json

from data_mesh_util.lib.constants import *
import data_mesh_util.lib.utils as utils
from data_mesh_util import DataMeshProducer as dmp


class Step2_5():
    def setUp(self) -> None:
        self._region, self._clients, self._account_ids, self._creds = utils.load_client_info_from_file()
        self._mgr = dmp.DataMeshProducer(data_mesh_account_id=self._account_ids.get(MESH),
                                         log_level='DEBUG', region_name=self._region,
                                         use_credentials=self._creds.get(PRODUCER))

    def list_pending(self):
        return self._mgr.list_pending_access_requests()


if __name__ == "__main__":
    step = Step2_5()
    step.setUp()
    print(json.dumps(step.list_pending()))
