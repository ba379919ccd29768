// `datamesh quickstart`: a readable walkthrough of the whole workflow on a fresh mesh.
#pragma once

#include <string>

namespace datamesh::cli {

// Runs the walkthrough on a new mesh file (`mesh_file`, or one in a new temporary folder), or,
// when `server` is an http:// endpoint, on that server's empty mesh; the admin credentials are
// saved beside the mesh file. Returns the exit code.
int run_quickstart(const std::string& mesh_file, const std::string& server);

}  // namespace datamesh::cli
