// Stopping a long run from outside: the cli's signal handler sets a flag, and the executor polls it
// through a CancelCheck at safe points (between statements, events and tables, while a child program
// runs), unwinding with Cancelled so that destructors clean up (a scratch database is dropped).
#pragma once

#include <functional>
#include <string>

#include "util/error.hpp"

namespace pgshift::executor {

// True when the run should stop. May be empty (never).
using CancelCheck = std::function<bool()>;

class Cancelled : public Error {
 public:
  explicit Cancelled(std::string message = "interrupted") : Error(std::move(message)) {}
};

// Throws Cancelled when `cancelled` says so.
inline void check_cancel(const CancelCheck& cancelled) {
  if (cancelled && cancelled()) {
    throw Cancelled();
  }
}

}  // namespace pgshift::executor
