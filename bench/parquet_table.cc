#include "parquet_table.h"

#include "base/text.h"

namespace datamesh::bench {

using base::cat;

TableInput parquet_table(std::string_view name, std::string_view owner,
                         std::string_view location_root) {
  TableInput table{.name = std::string(name),
                   .description = cat(owner, " table ", name),
                   .owner = std::string(owner),
                   .table_type = "EXTERNAL_TABLE",
                   .parameters = {{"classification", "parquet"}}};
  table.storage_descriptor = StorageDescriptor{
      .columns = {Column{.name = "id", .type = "bigint", .comment = "primary key"},
                  Column{.name = "customer_id", .type = "bigint"},
                  Column{.name = "amount", .type = "decimal(12,2)"}},
      .location = cat(location_root, name, "/"),
      .input_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      .output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      .serde_info = SerDeInfo{
          .serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
          .parameters = {{"serialization.format", "1"}}}};
  table.partition_keys = {Column{.name = "order_date", .type = "date"}};
  return table;
}

}  // namespace datamesh::bench
