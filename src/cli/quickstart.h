// `datamesh quickstart`: a readable walkthrough of the whole workflow on a fresh mesh.
#pragma once

#include <string>

namespace datamesh::cli {

// Runs the walkthrough on a new mesh file (`mesh_file`, or one in a new temporary folder), or,
// when `server` is an http:// or https:// endpoint, on that server's empty mesh (trusting the
// authorities of `ca_bundle`, ClientOptions::ca_bundle); the admin credentials are saved beside
// the mesh file. Returns the exit code.
int run_quickstart(const std::string& mesh_file, const std::string& server,
                   const std::string& ca_bundle);

}  // namespace datamesh::cli
