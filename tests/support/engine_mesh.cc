#include "support/engine_mesh.h"

#include "base/status_macros.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {

using core::Caller;
using core::Persona;

void EngineMeshTest::SetUp() {
  ASSERT_OK_AND_ASSIGN(store_, store::SqliteStore::open(":memory:"));
  ASSERT_OK_AND_ASSIGN(security::SecretBox box,
                       security::SecretBox::from_key(std::string(32, 'k')));
  sealer_ = std::make_unique<security::SecretBox>(std::move(box));
  engine_ = std::make_unique<core::Engine>(*store_, clock_, *sealer_);
  ASSERT_OK_AND_ASSIGN(AccountCredentials mesh,
                       engine_->initialize_mesh_account(kMeshAccount, {.mesh_name = "m"}));
  ASSERT_OK_AND_ASSIGN(admin_, login(mesh));
  ASSERT_OK_AND_ASSIGN(producer_, make_account(kProducerAccount, Persona::kProducer));
  ASSERT_OK_AND_ASSIGN(consumer_, make_account(kConsumerAccount, Persona::kConsumer));
  ASSERT_OK(engine_->create_database(producer_, {.database_input = {.name = "sales"}}));
  for (const std::string& table : tables_) {
    ASSERT_OK(engine_->create_table(producer_, {"sales", sales_table(table)}));
  }
  ASSERT_OK(engine_->create_data_products(producer_, {.source_database_name = "sales"}));
}

absl::StatusOr<Caller> EngineMeshTest::login(const AccountCredentials& key) const {
  return engine_->authenticate(Credentials{.account_id = key.account_id,
                                           .access_key_id = key.access_key_id,
                                           .secret_access_key = key.secret_access_key});
}

absl::StatusOr<Caller> EngineMeshTest::make_account(const std::string& id, Persona persona) {
  DATAMESH_ASSIGN_OR_RETURN(AccountCredentials key,
                            engine_->create_account(admin_, {"account " + id, id}));
  DATAMESH_ASSIGN_OR_RETURN(Caller self, login(key));
  DATAMESH_RETURN_IF_ERROR(engine_->enable_account_as(admin_, persona, {id}));
  DATAMESH_RETURN_IF_ERROR(engine_->initialize_account_as(self, persona).status());
  return login(key);  // the Caller carries the account's flags as of its login
}

}  // namespace datamesh::test_support
