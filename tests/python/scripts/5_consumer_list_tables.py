import json

from data_mesh_util.lib.constants import *
import data_mesh_util.lib.utils as utils
from data_mesh_util import DataMeshConsumer as dmc


class Step5():
    def setUp(self) -> None:
        self._region, self._clients, self._account_ids, self._creds = utils.load_client_info_from_file()
        self._mgr = dmc.DataMeshConsumer(data_mesh_account_id=self._account_ids.get(MESH),
                                         log_level='INFO', region_name=self._region,
                                         use_credentials=self._creds.get(CONSUMER))

    def list_tables(self):
        names = []
        for subscription in self._mgr.list_product_access().get('Subscriptions'):
            for table in subscription.get('TableName'):
                info = self._mgr.get_table_info(database_name=subscription.get('DatabaseName'),
                                                table_name=table)
                names.append(info['Table']['Name'])
        return names


if __name__ == "__main__":
    step = Step5()
    step.setUp()
    print(json.dumps(step.list_tables()))
