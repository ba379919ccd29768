#include "cli/cli_app.h"

int main(int argc, char** argv) { return datamesh::cli::run(argc, argv); }
