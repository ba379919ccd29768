import json
import sys

from data_mesh_util.lib.constants import *
import data_mesh_util.lib.utils as utils
from data_mesh_util import DataMeshProducer as dmp


class Step1():
    def setUp(self) -> None:
        self._region, self._clients, self._account_ids, self._creds = utils.load_client_info_from_file()
        self._mgr = dmp.DataMeshProducer(data_mesh_account_id=self._account_ids.get(MESH),
                                         log_level='DEBUG', region_name=self._region,
                                         use_credentials=self._creds.get(PRODUCER))

    def create_data_product(self, database_name, table_regex, domain, data_product_name):
        return self._mgr.create_data_products(source_database_name=database_name,
                                              table_name_regex=table_regex,
                                              domain=domain,
                                              data_product_name=data_product_name,
                                              create_public_metadata=True)


if __name__ == "__main__":
    step = Step1()
    step.setUp()
    print(json.dumps(step.create_data_product(sys.argv[1], sys.argv[2], 'sales', 'orders')))
