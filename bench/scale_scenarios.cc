#include "scale_scenarios.h"

#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "base/status_macros.h"
#include "base/text.h"
#include "datamesh/admin.h"
#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"

namespace datamesh::bench {
namespace {

using base::cat;
using Clock = std::chrono::steady_clock;

constexpr char kCommit[] = "raw single-row commit";
constexpr char kPointRead[] = "raw point read";
constexpr char kRange100[] = "raw range read of 100 rows";

// Clients of the public API for every account the figures act as.
struct Clients {
  std::vector<std::unique_ptr<DataMeshProducer>> producers;
  std::vector<std::unique_ptr<DataMeshConsumer>> consumers;  // the measured ones
  std::unique_ptr<DataMeshCatalog> big_catalog;              // producer 0
  std::unique_ptr<DataMeshAdmin> admin;
};

Clients make_clients(const ScaleMesh& mesh) {
  Clients clients;
  for (const ScaleAccount& p : mesh.producers()) {
    clients.producers.push_back(std::make_unique<DataMeshProducer>(mesh.options(p.credentials)));
  }
  for (int c = 0; c < mesh.shape().measured_consumers; ++c) {
    clients.consumers.push_back(
        std::make_unique<DataMeshConsumer>(mesh.options(mesh.consumers()[c].credentials)));
  }
  clients.big_catalog =
      std::make_unique<DataMeshCatalog>(mesh.options(mesh.producers()[0].credentials));
  clients.admin = std::make_unique<DataMeshAdmin>(mesh.options(mesh.admin().credentials));
  return clients;
}

absl::Status expect(bool condition, std::string_view what) {
  return condition ? absl::OkStatus() : absl::InternalError(cat("unexpected answer: ", what));
}

Target p99_at_most_us(double limit, std::string text) {
  return {Target::Kind::kP99AtMostUs, limit, std::move(text)};
}

// The request → approve → finalize cycle, one step timed at a time.
absl::Status measure_cycles(ScaleMesh& mesh, Clients& clients, const Baselines& baselines,
                            const ScenarioOptions& options, FigureRecorder& recorder,
                            std::vector<RememberedSubscription>& made) {
  std::vector<int64_t> request_ns, approve_ns, finalize_ns;
  std::vector<int64_t> request_cpu, approve_cpu, finalize_cpu;
  reset_peak_rss();
  for (int i = 0; i < options.cycles; ++i) {
    auto spare = mesh.next_spare_request();
    if (!spare.ok()) return spare.status();
    DataMeshConsumer& consumer = *clients.consumers[spare->consumer];
    DataMeshProducer& producer = *clients.producers[spare->producer];
    auto requested = timed(request_ns, request_cpu, [&] {
      return consumer.request_access_to_product(mesh.producers()[spare->producer].account_id,
                                                mesh.product(spare->producer), {"SELECT"},
                                                std::vector<std::string>{spare->table});
    });
    if (!requested.ok()) return requested.status();
    const std::string id = requested->subscription_id;
    absl::Status approved = timed(approve_ns, approve_cpu, [&] {
      return producer.approve_access_request(id, {.decision_notes = "ok"});
    });
    if (!approved.ok()) return approved;
    absl::Status finalized =
        timed(finalize_ns, finalize_cpu, [&] { return consumer.finalize_subscription(id); });
    if (!finalized.ok()) return finalized;
    made.push_back({.id = id, .consumer = spare->consumer, .producer = spare->producer,
                    .table = spare->table, .status = SubscriptionStatus::kActive});
  }
  const double peak = peak_rss_mb();
  const double commit_us = 1e6 / baselines.commits.commits_per_second;
  const Target third{Target::Kind::kRatioAtLeast, 1.0 / 3, "≥ 1/3 of raw commits/s"};
  recorder.record("request_access_to_product (cycle step 1)", std::move(request_ns),
                  std::move(request_cpu), kCommit,
                  commit_us, third, "one table, SELECT", peak);
  recorder.record("approve_access_request (cycle step 2)", std::move(approve_ns),
                  std::move(approve_cpu), kCommit,
                  commit_us, third, "grants + share + audit", peak);
  recorder.record("finalize_subscription (cycle step 3)", std::move(finalize_ns),
                  std::move(finalize_cpu), kCommit,
                  commit_us, third, "accept share, link table", peak);
  return absl::OkStatus();
}

absl::Status measure_create_data_products(ScaleMesh& mesh, const Baselines& baselines,
                                          const ScenarioOptions& options,
                                          FigureRecorder& recorder) {
  static int serial = 0;  // a new source database for every sample, across sizes
  const int owner = 1 % static_cast<int>(mesh.producers().size());
  DataMeshProducer producer(mesh.options(mesh.producers()[owner].credentials));
  std::vector<int64_t> nanoseconds, cpu;
  double peak = 0;
  for (int s = 0; s < options.create_samples; ++s) {
    const std::string source = cat("bulk", serial++);
    std::vector<TableInput> tables;
    for (int k = 0; k < options.create_tables; ++k) {
      tables.push_back(scale_table(ScaleMesh::table_name(k)));
    }
    if (absl::Status imported = mesh.import_tables(owner, source, tables); !imported.ok()) {
      return imported;
    }
    tables.clear();
    reset_peak_rss();
    auto product = timed(nanoseconds, cpu, [&] {
      return producer.create_data_products(source, {.domain = "bulk"});
    });
    peak = std::max(peak, peak_rss_mb());
    if (!product.ok()) return product.status();
    if (absl::Status ok = expect(static_cast<int>(product->tables.size()) == options.create_tables,
                                 "create_data_products published every table");
        !ok.ok()) {
      return ok;
    }
  }
  // Each published table is two rows (the mesh copy and the link back).
  const double baseline_us =
      2.0 * options.create_tables / baselines.bulk.insert_rows_per_second * 1e6;
  recorder.record(cat("create_data_products (", options.create_tables, " tables)"),
                  std::move(nanoseconds), std::move(cpu), "raw batched insert of 2 rows per table",
                  baseline_us,
                  {Target::Kind::kMaxAtMostUs, 2e6 * options.create_tables / 10000.0,
                   options.create_tables == 10000 ? "≤ 2 s" : "≤ 2 s per 10,000 tables"},
                  "one transaction", peak);
  return absl::OkStatus();
}

}  // namespace

absl::Status measure_all(ScaleMesh& mesh, const Baselines& baselines,
                         const ScenarioOptions& options, FigureRecorder& recorder) {
  Clients clients = make_clients(mesh);
  const int n = options.samples;
  const int producers = static_cast<int>(mesh.producers().size());
  const double point_us = baselines.bulk.point_read_us;
  const double range_us = baselines.bulk.range_read_100_us;
  std::mt19937_64 random(7);

  // Subscriptions of the measured consumers by status.
  std::map<SubscriptionStatus, std::vector<const RememberedSubscription*>> by_status;
  for (const RememberedSubscription& s : mesh.remembered()) by_status[s.status].push_back(&s);
  const auto& active = by_status[SubscriptionStatus::kActive];
  if (active.empty() || mesh.remembered().empty()) {
    return absl::FailedPreconditionError(
        "the measured consumers have no Active subscription yet: grow the mesh first");
  }
  const auto any_remembered = [&](int) -> const RememberedSubscription& {
    return mesh.remembered()[random() % mesh.remembered().size()];
  };
  const auto any_active = [&](int) -> const RememberedSubscription& {
    return *active[random() % active.size()];
  };

  // Writes: the cycle, then changes of the subscriptions it made.
  std::vector<RememberedSubscription> made;
  if (absl::Status s = measure_cycles(mesh, clients, baselines, options, recorder, made);
      !s.ok()) {
    return s;
  }
  const double commit_us = 1e6 / baselines.commits.commits_per_second;
  const int writes = static_cast<int>(made.size());
  if (absl::Status s = recorder.measure(
          "update_subscription_permissions", writes, 0,
          [&](int i) {
            const RememberedSubscription& sub = made[i];
            return clients.producers[sub.producer]->update_subscription_permissions(
                sub.id, {"SELECT"}, "narrowed", std::vector<std::string>{});
          },
          kCommit, commit_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "get_subscription_grants (consumer)", writes, 0,
          [&](int i) {
            const RememberedSubscription& sub = made[i];
            auto grants = clients.consumers[sub.consumer]->get_subscription_grants(sub.id);
            if (!grants.ok()) return grants.status();
            return expect(!grants->empty(), "an Active subscription has grants");
          },
          kPointRead, point_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "delete_subscription (consumer leaves)", writes, 0,
          [&](int i) {
            const RememberedSubscription& sub = made[i];
            return clients.consumers[sub.consumer]->delete_subscription(sub.id, "done");
          },
          kCommit, commit_us);
      !s.ok()) {
    return s;
  }
  std::vector<std::pair<int, std::string>> to_deny;
  for (int i = 0; i < writes; ++i) {
    auto spare = mesh.next_spare_request();
    if (!spare.ok()) return spare.status();
    auto requested = clients.consumers[spare->consumer]->request_access_to_product(
        mesh.producers()[spare->producer].account_id, mesh.product(spare->producer), {"SELECT"},
        std::vector<std::string>{spare->table});
    if (!requested.ok()) return requested.status();
    to_deny.emplace_back(spare->producer, requested->subscription_id);
  }
  if (absl::Status s = recorder.measure(
          "deny_access_request", writes, 0,
          [&](int i) {
            return clients.producers[to_deny[i].first]->deny_access_request(to_deny[i].second,
                                                                            "no");
          },
          kCommit, commit_us);
      !s.ok()) {
    return s;
  }

  // Reads.
  if (absl::Status s = recorder.measure(
          "list_pending_access_requests (first page of 100)", n, 10,
          [&](int i) {
            auto page = clients.producers[i % producers]->list_pending_access_requests();
            if (!page.ok()) return page.status();
            return expect(!page->subscriptions.empty(), "pending requests exist");
          },
          kRange100, range_us, p99_at_most_us(2000, "p99 ≤ 2 ms"));
      !s.ok()) {
    return s;
  }
  // Producers with more than one page of pending requests, and the token of their second.
  std::vector<std::pair<int, std::string>> second_pages;
  for (int p = 0; p < producers; ++p) {
    auto page = clients.producers[p]->list_pending_access_requests();
    if (!page.ok()) return page.status();
    if (!page->next_token.empty()) second_pages.emplace_back(p, page->next_token);
  }
  if (!second_pages.empty()) {
    if (absl::Status s = recorder.measure(
            "list_pending_access_requests (second page, NextToken)", n, 10,
            [&](int i) {
              const auto& [p, token] = second_pages[i % second_pages.size()];
              return clients.producers[p]->list_pending_access_requests({.next_token = token})
                  .status();
            },
            kRange100, range_us);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = recorder.measure(
          "list_product_access (first page of 100)", n, 10,
          [&](int i) {
            return clients.consumers[i % clients.consumers.size()]->list_product_access().status();
          },
          kRange100, range_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "get_subscription (consumer)", n, 10,
          [&](int i) {
            const RememberedSubscription& sub = any_remembered(i);
            auto got = clients.consumers[sub.consumer]->get_subscription(sub.id);
            if (!got.ok()) return got.status();
            return expect(got->subscription_id == sub.id, "the subscription asked for");
          },
          kPointRead, point_us, p99_at_most_us(200, "p99 ≤ 200 µs"));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "get_subscription (producer)", n, 10,
          [&](int i) {
            const RememberedSubscription& sub = any_remembered(i);
            return clients.producers[sub.producer]->get_subscription(sub.id).status();
          },
          kPointRead, point_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "get_subscription_history (first page)", n, 10,
          [&](int i) {
            const RememberedSubscription& sub = any_remembered(i);
            return clients.consumers[sub.consumer]->get_subscription_history(sub.id).status();
          },
          kPointRead, point_us);
      !s.ok()) {
    return s;
  }
  // Half the checks are on a table the consumer holds SELECT on, half on one it does not.
  const auto check_case = [&](int i) {
    const RememberedSubscription& sub = any_active(i);
    const bool held = i % 2 == 0;
    return std::tuple(sub.consumer, mesh.product(sub.producer),
                      held ? sub.table : ScaleMesh::table_name(
                                             mesh.shape().tables_per_product - 1));
  };
  if (absl::Status s = recorder.measure(
          "authorization check (engine: may C SELECT db.t)", n * 4, 100,
          [&](int i) {
            auto [consumer, database, table] = check_case(i);
            auto check = mesh.engine_check_permission(consumer, database, table, "SELECT");
            if (!check.ok()) return check.status();
            return i % 2 == 0 ? expect(check->allowed, "SELECT is granted") : absl::OkStatus();
          },
          kPointRead, point_us, p99_at_most_us(20, "p99 ≤ 20 µs"),
          "the engine's check, without the API's authentication and JSON");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "check_permission (public API)", n, 10,
          [&](int i) {
            auto [consumer, database, table] = check_case(i);
            return clients.consumers[consumer]->check_permission(database, table, "SELECT")
                .status();
          },
          kPointRead, point_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "get_table_info (through the consumer's link)", n, 10,
          [&](int i) {
            const RememberedSubscription& sub = any_active(i);
            return clients.consumers[sub.consumer]
                ->get_table_info(mesh.product(sub.producer), sub.table)
                .status();
          },
          kPointRead, point_us);
      !s.ok()) {
    return s;
  }

  // The big database.
  const int big = mesh.shape().big_tables;
  const double scan_us = baselines.bulk.scan_us_per_key * big;
  if (absl::Status s = recorder.measure(
          cat("get_data_product (regex ", options.regex, " over ", big, " tables)"),
          options.slow_samples, 1,
          [&](int) {
            auto tables = clients.producers[0]->get_data_product(mesh.big_product(), options.regex);
            if (!tables.ok()) return tables.status();
            return expect(!tables->empty(), "the regex matches tables");
          },
          cat("raw index scan of ", big, " keys"), scan_us,
          {Target::Kind::kP99AtMostUs, 150000, "≤ 150 ms"});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          cat("get_data_product (.* : all ", big, " tables, ",
              options.whole_answer ? "list form" : "callback form", ")"),
          std::max(2, options.slow_samples / 5), 0,
          [&](int) -> absl::Status {
            DataMeshProducer& producer = *clients.producers[0];
            if (options.whole_answer) {
              auto tables = producer.get_data_product(mesh.big_product(), ".*");
              if (!tables.ok()) return tables.status();
              return expect(static_cast<int>(tables->size()) == big, "every table");
            }
            int given = 0;
            DATAMESH_RETURN_IF_ERROR(producer.get_data_product(
                mesh.big_product(), ".*", [&given](const DataProductTable&) {
                  ++given;
                  return absl::OkStatus();
                }));
            return expect(given == big, "every table");
          },
          cat("raw index scan of ", big, " keys"), scan_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          cat("catalog get_tables (first page of 100 of ", big, ")"), n, 10,
          [&](int) { return clients.big_catalog->get_tables(mesh.big_source()).status(); },
          kRange100, range_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          cat("catalog get_tables (expression ", options.regex, ", first page)"),
          options.slow_samples, 1,
          [&](int) {
            return clients.big_catalog->get_tables(mesh.big_source(), options.regex).status();
          },
          cat("raw index scan of ", big, " keys"), scan_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "catalog get_table", n, 10,
          [&](int) {
            return clients.big_catalog
                ->get_table(mesh.big_source(), ScaleMesh::big_table_name(
                                                   static_cast<int>(random() % big)))
                .status();
          },
          kPointRead, point_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          "admin list_audit_events (first page of 100)", n / 4 + 1, 5,
          [&](int) { return clients.admin->list_audit_events().status(); }, kRange100, range_us);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = recorder.measure(
          cat("admin list_accounts (all ", mesh.consumers().size() + producers + 1, ")"),
          options.slow_samples, 1, [&](int) { return clients.admin->list_accounts().status(); },
          cat("raw index scan of ", mesh.consumers().size() + producers + 1, " keys"),
          baselines.bulk.scan_us_per_key * (mesh.consumers().size() + producers + 1));
      !s.ok()) {
    return s;
  }
  return measure_create_data_products(mesh, baselines, options, recorder);
}

}  // namespace datamesh::bench
