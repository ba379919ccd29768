// datamesh_console_methods FILE: writes console_methods() (server/console_methods.h) to FILE,
// at build time, for the console's bundle.
#include <fstream>
#include <iostream>

#include "server/console_methods.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: datamesh_console_methods OUTPUT.json\n";
    return 2;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << datamesh::server::console_methods().dump(1) << "\n";
  if (!out.flush()) {
    std::cerr << "datamesh_console_methods: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
