// This file implements reading views and functions: the SQL-heavy objects, whose queries and
// bodies are parsed (PL/pgSQL bodies with the PL/pgSQL parser) while reading.
#include "schema/yaml_reader.hpp"
#include "util/strings.hpp"

namespace pgshift::schema::yaml_detail {

namespace {

const std::vector<std::string> k_view_keys = {"query", "materialized", "columns", "check_option", "security_invoker",
                                              "security_barrier", "storage_parameters", "indexes", "triggers", "comment",
                                              "grants"};
const std::vector<std::string> k_function_keys = {"args", "returns", "procedure", "language", "body", "volatility",
                                                  "strict", "security_definer", "parallel", "leakproof", "cost",
                                                  "rows", "standard_body", "set", "comment", "grants"};
const std::vector<std::string> k_aggregate_keys = {"args",         "sfunc",          "stype",      "finalfunc",
                                                   "finalfunc_extra", "combinefunc", "serialfunc", "deserialfunc",
                                                   "initcond",     "msfunc",         "minvfunc",   "mstype",
                                                   "mfinalfunc",   "mfinalfunc_extra", "minitcond", "parallel",
                                                   "comment",      "grants"};

}  // namespace

void Reader::read_view(Schema& schema, const Field& field) {
  View v;
  v.name = {schema.name, field.name};
  std::string what = "view " + v.name.display();
  bool has_query = false;
  if (field.value.IsScalar()) {
    has_query = true;
    v.query = query(field, "query of " + what).value_or(Expr{});
  } else if (expect_map(field, what)) {
    const Field* indexes = nullptr;
    const Field* triggers = nullptr;
    const Field* storage = nullptr;
    std::vector<Field> all = fields(field.value, "view", k_view_keys);
    for (const Field& g : all) {
      if (g.name == "query") {
        has_query = true;
        v.query = query(g, "query of " + what).value_or(Expr{});
      } else if (g.name == "materialized") v.materialized = bool_value(g).value_or(false);
      else if (g.name == "columns") v.columns = name_list(g);
      else if (g.name == "check_option") v.check_option = one_of(g, {"local", "cascaded"});
      else if (g.name == "security_invoker") v.security_invoker = bool_value(g).value_or(false);
      else if (g.name == "security_barrier") v.security_barrier = bool_value(g).value_or(false);
      else if (g.name == "storage_parameters") storage = &g;
      else if (g.name == "comment") v.comment = string_value(g);
      else if (g.name == "grants") v.grants = grants(g);
      else if (g.name == "indexes") indexes = &g;
      else if (g.name == "triggers") triggers = &g;
    }
    if (triggers != nullptr) {
      if (v.materialized) {
        error(at(triggers->key), what + ": a materialized view cannot have triggers");
      }
      read_triggers(v.triggers, v.name, nullptr, *triggers);
    }
    if (storage != nullptr) {
      if (!v.materialized) {
        error(at(storage->key), what + ": only a materialized view has storage parameters",
              "a view's options are check_option, security_invoker and security_barrier");
      }
      v.storage_parameters = storage_parameters(*storage, what);
    }
    if (v.security_barrier && v.materialized) {
      error(at(field), what + ": security_barrier is an option of views, not of materialized views");
    }
    if (indexes != nullptr) {
      if (!v.materialized) {
        error(at(indexes->key), what + ": only a materialized view can have indexes");
      }
      read_indexes(v.indexes, v.name, *indexes);
    }
  } else {
    return;
  }
  if (!has_query) {
    error(at(field), what + " has no `query`");
  }
  if (define("rel:" + v.name.display(), what, at(field.key))) {
    define("type:" + v.name.display(), what, at(field.key));
  }
  if (!schema.views.contains(field.name)) {
    schema.views[field.name] = v;
  }
}

void Reader::read_functions(Schema& schema, const Field& field) {
  if (field.value.IsSequence()) {
    for (const Field& item : items(field)) {
      read_function(schema, field, item.value);
    }
  } else if (expect_map(field, "function `" + field.name + "`")) {
    read_function(schema, field, field.value);
  }
}

void Reader::read_function(Schema& schema, const Field& name, const YAML::Node& node) {
  Field self{name.name, name.key, node};
  if (!expect_map(self, "function `" + name.name + "`")) {
    return;
  }
  Function f;
  f.name = {schema.name, name.name};
  std::string what = "function " + f.name.display();
  std::string arguments, returns;
  std::optional<double> cost, rows;
  bool has_language = false;
  const Field* args_field = nullptr;
  const Field* body_field = nullptr;
  std::vector<Field> all = fields(node, "function", k_function_keys);
  for (const Field& g : all) {
    if (g.name == "args") {
      args_field = &g;
      arguments = util::join(string_list(g), ", ");
    } else if (g.name == "returns") returns = string_value(g).value_or("");
    else if (g.name == "procedure") f.procedure = bool_value(g).value_or(false);
    else if (g.name == "language") {
      has_language = true;
      f.language = util::to_lower(name_value(g).value_or("plpgsql"));
    }
    else if (g.name == "body") {
      body_field = &g;
      f.body = string_value(g).value_or("");
    } else if (g.name == "volatility") f.volatility = one_of(g, {"immutable", "stable", "volatile"}).value_or("volatile");
    else if (g.name == "strict") f.strict = bool_value(g).value_or(false);
    else if (g.name == "security_definer") f.security_definer = bool_value(g).value_or(false);
    else if (g.name == "parallel") f.parallel = one_of(g, {"safe", "restricted", "unsafe"}).value_or("unsafe");
    else if (g.name == "leakproof") f.leakproof = bool_value(g).value_or(false);
    else if (g.name == "cost") cost = number_value(g);
    else if (g.name == "rows") rows = number_value(g);
    else if (g.name == "standard_body") f.standard_body = bool_value(g).value_or(false);
    else if (g.name == "comment") f.comment = string_value(g);
    else if (g.name == "grants") f.grants = grants(g, "a function");
    else if (g.name == "set") {
      for (const Field& p : entries(g, "set")) {
        if (check_name(p.name, at(p.key), "a setting name")) {
          f.config.emplace_back(p.name, string_value(p).value_or(""));
        }
      }
    }
  }
  if (f.procedure && !returns.empty()) {
    error(at(self), what + ": a procedure has no `returns`");
  } else if (!f.procedure && returns.empty()) {
    error(at(self), what + " has no `returns` (write `procedure: true` for a procedure)");
    return;
  }
  try {
    // Types as pg_get_function_arguments prints them with search_path = public.
    FunctionSignature sig = canonical_signature(arguments, returns, "public");
    f.arguments = sig.arguments;
    f.identity_arguments = sig.identity_arguments;
    f.returns = sig.returns;
    f.cost = cost.value_or(100);
    f.rows = rows.value_or(f.returns_set() ? 1000 : 0);
  } catch (const SqlParseError& e) {
    if (args_field != nullptr && args_field->value.IsScalar()) {
      sql_error(*args_field, "arguments of " + what, e);
    } else {
      error(at(args_field != nullptr ? *args_field : self), what + ": " + e.what());
    }
    return;
  }
  what = "function " + schema.name + "." + f.key();
  if (body_field == nullptr) {
    error(at(self), what + " has no `body`");
  } else {
    try {
      if (f.standard_body) {
        if (!has_language) f.language = "sql";
        if (f.language != "sql") {
          error(at(*body_field), what + ": a SQL-standard body (`standard_body: true`) is in language sql");
        }
        f.body = util::trim(f.body);
        check_standard_body(f.body, f.arguments, f.procedure ? "" : f.returns);
      } else if (f.language == "plpgsql") {
        check_plpgsql_function(f.body, f.arguments, f.returns);
      } else if (f.language == "sql") {
        check_sql_body(f.body);
      }
    } catch (const SqlParseError& e) {
      sql_error(*body_field, "body of " + what, e);
    }
  }
  if (define("fn:" + schema.name + "." + f.key(), what, at(name.key))) {
    schema.functions[f.key()] = f;
  }
}

std::optional<double> Reader::number_value(const Field& field) {
  auto text = string_value(field);
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    double v = std::stod(*text, &used);
    if (used == text->size() && v >= 0 && v < 1e15) return v;
  } catch (const std::exception&) {
  }
  error(at(field), "`" + field.name + "` must be a non-negative number");
  return std::nullopt;
}

void Reader::read_aggregates(Schema& schema, const Field& field) {
  if (field.value.IsSequence()) {
    for (const Field& item : items(field)) {
      read_aggregate(schema, field, item.value);
    }
  } else {
    read_aggregate(schema, field, field.value);
  }
}

void Reader::read_aggregate(Schema& schema, const Field& name, const YAML::Node& node) {
  Field self{name.name, name.key, node};
  if (!expect_map(self, "aggregate `" + name.name + "`")) {
    return;
  }
  Aggregate a;
  a.name = {schema.name, name.name};
  std::string what = "aggregate " + a.name.display();
  std::string arguments;
  const Field* args_field = nullptr;
  bool has_sfunc = false, has_stype = false;
  std::vector<Field> all = fields(node, "aggregate", k_aggregate_keys);
  for (const Field& g : all) {
    auto fn = [&]() { return qualified_value(g, "`" + g.name + "` of " + what); };
    if (g.name == "args") {
      args_field = &g;
      arguments = util::join(string_list(g), ", ");
    } else if (g.name == "sfunc") {
      has_sfunc = true;
      if (auto f = fn()) a.sfunc = *f;
    } else if (g.name == "stype") {
      has_stype = true;
      a.stype = type(g, "state type of " + what, schema.name).value_or("");
    } else if (g.name == "mstype") a.mstype = type(g, "moving state type of " + what, schema.name);
    else if (g.name == "finalfunc") a.finalfunc = fn();
    else if (g.name == "finalfunc_extra") a.finalfunc_extra = bool_value(g).value_or(false);
    else if (g.name == "combinefunc") a.combinefunc = fn();
    else if (g.name == "serialfunc") a.serialfunc = fn();
    else if (g.name == "deserialfunc") a.deserialfunc = fn();
    else if (g.name == "initcond") a.initcond = string_value(g);
    else if (g.name == "msfunc") a.msfunc = fn();
    else if (g.name == "minvfunc") a.minvfunc = fn();
    else if (g.name == "mfinalfunc") a.mfinalfunc = fn();
    else if (g.name == "mfinalfunc_extra") a.mfinalfunc_extra = bool_value(g).value_or(false);
    else if (g.name == "minitcond") a.minitcond = string_value(g);
    else if (g.name == "parallel") a.parallel = one_of(g, {"safe", "restricted", "unsafe"}).value_or("unsafe");
    else if (g.name == "comment") a.comment = string_value(g);
    else if (g.name == "grants") a.grants = grants(g, "an aggregate");
  }
  if (!has_sfunc || !has_stype) {
    error(at(self), what + " needs `sfunc` and `stype`");
    return;
  }
  if (util::trim(arguments).empty() || util::trim(arguments) == "*") {
    a.arguments = a.identity_arguments = "*";
  } else {
    try {
      FunctionSignature sig = canonical_signature(arguments, "integer", "public");
      if (sig.arguments.find("DEFAULT") != std::string::npos || sig.arguments.find("OUT ") != std::string::npos) {
        error(at(args_field != nullptr ? *args_field : self), what + ": aggregate arguments take no DEFAULT and no OUT");
        return;
      }
      a.arguments = sig.arguments;
      a.identity_arguments = sig.identity_arguments;
    } catch (const SqlParseError& e) {
      if (args_field != nullptr && args_field->value.IsScalar()) {
        sql_error(*args_field, "arguments of " + what, e);
      } else {
        error(at(args_field != nullptr ? *args_field : self), what + ": " + e.what());
      }
      return;
    }
  }
  what = "aggregate " + schema.name + "." + a.key();
  if (define("fn:" + schema.name + "." + a.key(), what, at(name.key))) {
    schema.aggregates[a.key()] = a;
  }
}

}  // namespace pgshift::schema::yaml_detail
