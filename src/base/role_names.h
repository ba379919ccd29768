// The role names of the original library (spec §1.3). They are also the roles a caller acts
// under in every mode: CreatedBy / UpdatedBy and the audit log name them (core), and AWS mode
// creates and assumes IAM roles of these names (aws). One spelling for both.
#pragma once

#include <string_view>

namespace datamesh::base {

inline constexpr std::string_view kMeshManagerRole = "DataMeshManager";
inline constexpr std::string_view kProducerRole = "DataMeshProducer";  // in the producer account
inline constexpr std::string_view kConsumerRole = "DataMeshConsumer";  // in the consumer account

}  // namespace datamesh::base
