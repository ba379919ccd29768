// `datamesh quickstart`: a readable walkthrough of the whole workflow on a fresh mesh.
#pragma once

#include <string>

namespace datamesh::cli {

// Runs the walkthrough against `endpoint` (a fresh temporary mesh file when empty) and returns
// the exit code.
int run_quickstart(const std::string& endpoint);

}  // namespace datamesh::cli
