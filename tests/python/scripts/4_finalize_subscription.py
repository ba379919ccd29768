import sys

from data_mesh_util.lib.constants import *
import data_mesh_util.lib.utils as utils
from data_mesh_util import DataMeshConsumer as dmc


class Step4():
    def setUp(self) -> None:
        self._region, self._clients, self._account_ids, self._creds = utils.load_client_info_from_file()
        self._mgr = dmc.DataMeshConsumer(data_mesh_account_id=self._account_ids.get(MESH),
                                         log_level='DEBUG', region_name=self._region,
                                         use_credentials=self._creds.get(CONSUMER))

    def finalize_subscription(self, subscription_id):
        self._mgr.finalize_subscription(subscription_id=subscription_id)
        # The original's examples read the answer as the bare item.
        subscription = self._mgr.get_subscription(request_id=subscription_id)
        if subscription.get('Status') != 'Active':
            raise Exception("Subscription is not Active")


if __name__ == "__main__":
    step = Step4()
    step.setUp()
    step.finalize_subscription(sys.argv[1])
    print("Finalized")
