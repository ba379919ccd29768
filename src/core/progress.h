// How a long engine method (create_data_products over thousands of tables) tells its caller
// how far it got, so that a front end can show it without the engine knowing how.
//
// The engine calls the observer on the thread running the method, from inside its store
// transaction: an observer must return quickly, must not call the engine, and cannot stop the
// method. Core only calls it; drawing (the CLI's progress bar) belongs to the front end.
#pragma once

#include <cstdint>
#include <functional>

namespace datamesh::core {

// (done, total): `done` of `total` units (tables) are finished; total stays the same during
// one call, and the last call has done == total.
using ProgressObserver = std::function<void(uint64_t done, uint64_t total)>;

}  // namespace datamesh::core
