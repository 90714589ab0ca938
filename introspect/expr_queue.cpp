// This file implements the deferred canonicalisation of expressions (Catalog::defer_expr,
// resolve_expressions): catalogs repeat expressions a lot (now(), 0, false, the same check on many
// tables), so each distinct one is parsed once, and the distinct ones are spread over all cores.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <thread>

#include "introspect/catalog.hpp"

namespace pgshift::introspect {
namespace {

constexpr unsigned k_max_threads = 8;

schema::Expr canonicalise(const std::string& source, const schema::ExprOptions& options, bool query) {
  if (!query) {
    return schema::make_expr(source, options);
  }
  std::string text = source;
  while (!text.empty() && (text.back() == ';' || std::isspace(static_cast<unsigned char>(text.back())) != 0)) {
    text.pop_back();
  }
  return schema::make_query(text);
}

}  // namespace

void Catalog::defer(DistinctExpr expr, std::string what, ExprSlot slot) {
  std::string key = (expr.query ? "q" : "e") + expr.options.column_type.value_or("") + '\0' + expr.source;
  auto [it, inserted] = m_distinct_index.try_emplace(std::move(key), m_distinct.size());
  if (inserted) {
    m_distinct.push_back(std::move(expr));
  }
  m_pending.push_back({it->second, std::move(what), std::move(slot)});
}

void Catalog::defer_expr(const std::string& source, std::string what, ExprSlot slot, schema::ExprOptions options) {
  defer({source, std::move(options), false}, std::move(what), std::move(slot));
}

void Catalog::defer_query(const std::string& source, std::string what, ExprSlot slot) {
  defer({source, {}, true}, std::move(what), std::move(slot));
}

void Catalog::resolve_expressions() {
  const size_t count = m_distinct.size();
  std::vector<schema::Expr> results(count);
  std::vector<std::string> errors(count);
  std::vector<std::exception_ptr> failures(count);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < count; i = next++) {
      const DistinctExpr& e = m_distinct[i];
      try {
        results[i] = canonicalise(e.source, e.options, e.query);
      } catch (const schema::SqlParseError& error) {
        errors[i] = error.what();
      } catch (...) {
        failures[i] = std::current_exception();
      }
    }
  };
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1U, k_max_threads);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < count; ++t) {
    pool.emplace_back(work);
  }
  work();
  for (auto& thread : pool) {
    thread.join();
  }
  for (const PendingExpr& p : m_pending) {
    if (failures[p.distinct]) {
      std::rethrow_exception(failures[p.distinct]);
    }
    if (!errors[p.distinct].empty()) {
      throw_unparsable(p.what, m_distinct[p.distinct].source, errors[p.distinct]);
    }
    p.slot() = results[p.distinct];
  }
  // Free the queue now: the caller's model is what should stay in memory.
  std::vector<PendingExpr>().swap(m_pending);
  std::vector<DistinctExpr>().swap(m_distinct);
  std::unordered_map<std::string, size_t>().swap(m_distinct_index);
}

}  // namespace pgshift::introspect
