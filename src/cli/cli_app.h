// The `datamesh` command: `datamesh <admin|catalog|producer|consumer> <method> --param value`,
// built from the method table (api/routes.h), so every API method is a command with the same
// parameters, plus `datamesh quickstart`.
#pragma once

namespace datamesh::cli {

// Runs the command line; returns the process exit code (see cli/output.h).
int run(int argc, char** argv);

}  // namespace datamesh::cli
