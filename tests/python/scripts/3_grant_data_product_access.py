import sys

from data_mesh_util.lib.constants import *
import data_mesh_util.lib.utils as utils
from data_mesh_util import DataMeshProducer as dmp


class Step3():
    def setUp(self) -> None:
        self._region, self._clients, self._account_ids, self._creds = utils.load_client_info_from_file()
        self._mgr = dmp.DataMeshProducer(data_mesh_account_id=self._account_ids.get(MESH),
                                         log_level='DEBUG', region_name=self._region,
                                         use_credentials=self._creds.get(PRODUCER))

    def grant_access_request(self, subscription_id, grant_permissions, approval_notes):
        return self._mgr.approve_access_request(request_id=subscription_id,
                                                grant_permissions=grant_permissions,
                                                grantable_permissions=grant_permissions,
                                                decision_notes=approval_notes)


if __name__ == "__main__":
    step = Step3()
    step.setUp()
    step.grant_access_request(sys.argv[1], ['SELECT'], 'approved by script')
    print("Approved")
