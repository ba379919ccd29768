// The documented workflow in AWS mode on moto, N tables at a time (issue 13, "Performance"): the
// mesh and two accounts set up, N tables published, requested, approved, finalized, narrowed and
// deleted through the AWS backend as the CLI makes the calls (client/aws_backend.h). A counting
// transport under every AWS call says how many calls each step makes to each service, and each
// step is timed; the baseline is the time of one trivial moto call (STS GetCallerIdentity) in
// the same run, so that "calls × baseline" says how much of a step is moto's own time.
//
// The moto server is this benchmark's own (tests/support/moto_server.sh); when python3 cannot
// import moto, the group is skipped with one line.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace datamesh::bench {

struct AwsStepFigures {
  std::string step;
  double seconds = 0;
  // service -> operation -> calls
  std::map<std::string, std::map<std::string, long>> calls;
  long total() const;
};

struct AwsWorkflowRun {
  int tables = 0;
  std::vector<AwsStepFigures> steps;
  // The producer's own source tables, made before the workflow (not datamesh's calls: the
  // user's, as in the original's examples); reported apart and left out of the totals.
  AwsStepFigures source_tables;
  long total_calls() const;
  double total_seconds() const;
};

struct AwsWorkflowFigures {
  std::string moto_version;
  double trivial_call_p50_us = 0;  // STS GetCallerIdentity on moto, same transport
  std::vector<AwsWorkflowRun> runs;
};

struct AwsWorkflowSetup {
  std::string moto_script;  // tests/support/moto_server.sh
  std::string state_dir;    // where the moto server keeps its URL and log
  std::vector<int> table_counts = {1, 10, 100};
};

// Starts moto, runs the workflow at each table count, stops moto. NotFound (with the script's
// one line) when moto is not installed; any step's failure otherwise.
absl::StatusOr<AwsWorkflowFigures> measure_aws_workflow(const AwsWorkflowSetup& setup);

// The table printed on stdout and the JSON of the figures.
void print_aws_workflow(const AwsWorkflowFigures& figures);
nlohmann::json aws_workflow_json(const AwsWorkflowFigures& figures);

}  // namespace datamesh::bench
