// `datamesh_bench --serve-variant ...`: the datamesh HTTP server (src/server, the same code as
// `datamesh serve`) with store settings the shipped command does not expose, to test a proposed
// fix by measurement before anyone changes the product:
//   --pool N        the SQLite store's max_idle_connections (default: the store's default,
//                   which datamesh serve uses)
//   --memstatus 0   sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0): no global mutex around every
//                   SQLite allocation (SQLite's default, and datamesh serve's, is 1)
//   --workers N     as datamesh serve --workers
// It prints the same "datamesh serving ... on http://host:port" line and stops on SIGTERM, so
// ServerProcess runs it like the real command.
#pragma once

namespace datamesh::bench {

// argv[1] is "--serve-variant". Returns the exit code.
int run_variant_server(int argc, char** argv);

}  // namespace datamesh::bench
