// The errors apply and rollback throw besides plain pgshift::Error.
#pragma once

#include <stdexcept>
#include <string>

#include "util/error.hpp"

namespace pgshift::executor {

// A step's SQL failed (or could not get its lock after every retry). The step is marked failed (or,
// for a reverse, keeps its status with last_error set) and the migration can be resumed.
// message(): "step <id> failed: <server message> (SQLSTATE <code>)\n  SQL: <sql>".
class StepError : public Error {
 public:
  StepError(std::string step_id, std::string sqlstate, std::string message, std::string hint)
      : Error(std::move(message), {}, std::move(hint)),
        m_step_id(std::move(step_id)),
        m_sqlstate(std::move(sqlstate)) {}
  const std::string& step_id() const { return m_step_id; }
  const std::string& sqlstate() const { return m_sqlstate; }

 private:
  std::string m_step_id, m_sqlstate;
};

// Thrown when ApplyOptions::before_step (the test seam) returns false: a simulated crash. Nothing is
// written on the way out, so the state is what a killed process would leave.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(const std::string& step_id)
      : std::runtime_error("interrupted before step " + step_id), m_step_id(step_id) {}
  const std::string& step_id() const { return m_step_id; }

 private:
  std::string m_step_id;
};

}  // namespace pgshift::executor
