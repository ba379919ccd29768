# Written as the original's examples are: a CredentialsFile with the five blocks,
# load_client_info_from_file(), one class per step. Runs unmodified on datamesh.
import sys

from data_mesh_util.lib.constants import *
import data_mesh_util.lib.utils as utils
from data_mesh_util import DataMeshMacros as data_mesh_macros


class Step0_5():
    def setUp(self, use_role) -> None:
        self._region, self._clients, self._account_ids, self._creds = utils.load_client_info_from_file()
        self._mgr = data_mesh_macros.DataMeshMacros(data_mesh_account_id=self._account_ids.get(MESH),
                                                    region_name=self._region, log_level='INFO')
        self._use_role = use_role

    def setup_account(self):
        if self._use_role in ('Producer', 'both'):
            self._mgr.bootstrap_account(account_type='Producer', mesh_credentials=self._creds.get(MESH),
                                        account_credentials=self._creds.get(PRODUCER_ADMIN))
        if self._use_role in ('Consumer', 'both'):
            self._mgr.bootstrap_account(account_type='Consumer', mesh_credentials=self._creds.get(MESH),
                                        account_credentials=self._creds.get(CONSUMER_ADMIN))


if __name__ == "__main__":
    step = Step0_5()
    step.setUp(use_role=sys.argv[1] if len(sys.argv) > 1 else 'both')
    step.setup_account()
    print("Account setup complete")
