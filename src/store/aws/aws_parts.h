// The parts of the AWS store, one per service it keeps mesh state in, made once per store on
// its sessions. AwsReadTransaction reads through them; the commit writes through them.
#pragma once

#include "core/secrets.h"
#include "store/aws/account_registry.h"
#include "store/aws/audit_table.h"
#include "store/aws/aws_sessions.h"
#include "store/aws/glue_catalog.h"
#include "store/aws/iam_setup.h"
#include "store/aws/lake_formation_grants.h"
#include "store/aws/ram_shares.h"
#include "store/aws/subscription_table.h"

namespace datamesh::store::aws {

struct AwsParts {
  AwsParts(const AwsSessions& sessions, const core::SecretSealer* audit_sealer)
      : sessions(sessions),
        audit_sealer(audit_sealer),
        glue(sessions),
        subscriptions(sessions),
        audit(sessions),
        grants(sessions),
        shares(sessions),
        accounts(sessions),
        iam(sessions) {}

  const AwsSessions& sessions;
  const core::SecretSealer* audit_sealer;  // may be null (AwsStore::Options)
  GlueCatalog glue;
  SubscriptionTable subscriptions;
  AuditTable audit;
  LakeFormationGrants grants;
  RamShares shares;
  AccountRegistry accounts;
  IamSetup iam;
};

}  // namespace datamesh::store::aws
