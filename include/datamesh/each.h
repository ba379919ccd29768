// Streamed answers: an answer that can be too large to hold whole (get_data_product over a
// database of 200,000 tables) is also handed out entry by entry, to a callback, as it is read.
//
// The callback is called on the calling thread, once per entry, in the answer's order. Its
// first non-OK status stops the answer: no further entry is read or sent, and the call returns
// that status. A call that fails after some entries were given returns the error, and the
// entries already given are then an incomplete answer.
#pragma once

#include <functional>

#include "absl/status/status.h"

namespace datamesh {

template <class T>
using Each = std::function<absl::Status(const T&)>;

}  // namespace datamesh
