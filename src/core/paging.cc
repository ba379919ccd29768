#include "core/paging.h"

#include <string>
#include <vector>

#include "core/glue_limits.h"

namespace datamesh::core {
namespace {

std::size_t sum(std::initializer_list<const std::string*> texts) {
  std::size_t bytes = 0;
  for (const std::string* text : texts) bytes += text->size();
  return bytes;
}

std::size_t sum(std::initializer_list<const std::vector<std::string>*> lists) {
  std::size_t bytes = 0;
  for (const std::vector<std::string>* list : lists) {
    for (const std::string& text : *list) bytes += text.size();
  }
  return bytes;
}

}  // namespace

std::size_t text_bytes(const Database& database) {
  return text_bytes(database.input) + sum({&database.catalog_id, &database.create_time});
}

std::size_t text_bytes(const Table& table) {
  return text_bytes(table.input) + sum({&table.database_name, &table.catalog_id,
                                        &table.create_time, &table.update_time,
                                        &table.created_by});
}

std::size_t text_bytes(const Subscription& s) {
  return sum({&s.subscription_id, &s.type, &s.database_name, &s.owner_principal,
              &s.subscriber_principal, &s.creation_date, &s.created_by, &s.updated_date,
              &s.updated_by}) +
         sum({&s.table_names, &s.requested_grants, &s.permitted_grants, &s.grantable_grants,
              &s.notes, &s.ram_shares, &s.granted_table_arns});
}

std::size_t text_bytes(const AuditEvent& e) {
  return sum({&e.event_date, &e.actor_account, &e.actor_principal, &e.action, &e.subscription_id,
              &e.resource, &e.details_json, &e.notes});
}

std::size_t text_bytes(const store::ProductRow& p) {
  return sum({&p.mesh_database, &p.producer_account, &p.source_database, &p.table_name_regex,
              &p.domain, &p.data_product_name, &p.sync_schedule, &p.crawler_role_arn,
              &p.link_suffix, &p.creation_date, &p.updated_date});
}

std::size_t text_bytes(const PublishedProduct& p) {
  return sum({&p.database_name, &p.owner_account_id, &p.domain, &p.data_product_name}) +
         sum({&p.tables});
}

}  // namespace datamesh::core
