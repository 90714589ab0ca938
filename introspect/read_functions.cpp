// This file implements the readers of functions and procedures (signature, language, body
// verbatim or its SQL-standard body, volatility, strictness, security, parallel safety, leakproof,
// cost, rows, SET options), of plain aggregates and of table triggers.
#include "introspect/catalog.hpp"
#include "introspect/trigger_def.hpp"
#include "util/error.hpp"

namespace pgshift::introspect {
namespace {

std::string volatility(const std::string& code) {
  if (code == "i") {
    return "immutable";
  }
  return code == "s" ? "stable" : "volatile";
}

std::string parallel(const std::string& code) {
  if (code == "s") {
    return "safe";
  }
  return code == "r" ? "restricted" : "unsafe";
}

// proconfig entries are "name=value" ("search_path=sales, pg_temp").
std::vector<std::pair<std::string, std::string>> config(const pqxx::field& f) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& entry : text_array(f)) {
    const auto eq = entry.find('=');
    out.emplace_back(entry.substr(0, eq), eq == std::string::npos ? "" : entry.substr(eq + 1));
  }
  return out;
}

// tgtype bits: 1 ROW, 2 BEFORE, 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE, 64 INSTEAD.
void apply_tgtype(schema::Trigger& trigger, int tgtype) {
  trigger.for_each_row = (tgtype & 1) != 0;
  trigger.timing = (tgtype & 64) != 0 ? "instead of" : (tgtype & 2) != 0 ? "before" : "after";
  trigger.events.clear();
  for (auto [bit, event] : {std::pair{4, "insert"}, {16, "update"}, {8, "delete"}, {32, "truncate"}}) {
    if ((tgtype & bit) != 0) {
      trigger.events.emplace_back(event);
    }
  }
}

// tgenabled, the constraint trigger's FROM and deferrability, the transition tables.
void apply_trigger_options(schema::Trigger& trigger, const pqxx::row& row) {
  const std::string enabled = text(row["tgenabled"]);
  trigger.enabled = enabled == "D" ? "disabled" : enabled == "R" ? "replica" : enabled == "A" ? "always" : "origin";
  trigger.constraint = row["is_constraint"].as<bool>();
  if (trigger.constraint) {
    trigger.deferrable = row["tgdeferrable"].as<bool>();
    trigger.initially_deferred = row["tginitdeferred"].as<bool>();
  }
  if (!row["from_name"].is_null()) {
    trigger.from = schema::QualifiedName{text(row["from_schema"]), text(row["from_name"])};
  }
  trigger.old_table = opt_text(row["old_table"]);
  trigger.new_table = opt_text(row["new_table"]);
}

}  // namespace

void read_functions(Catalog& cat) {
  for (const auto& row : cat.query("functions")) {
    schema::Function fn;
    fn.name = {text(row["nspname"]), text(row["proname"])};
    fn.procedure = text(row["prokind"]) == "p";
    const std::string arguments = text(row["arguments"]);
    const std::string result = text(row["result"]);
    const auto signature =
        canonical("the signature of " + fn.name.display() + "(" + arguments + ")", arguments,
                  [&](const std::string& s) { return schema::canonical_signature(s, result, "public"); });
    fn.arguments = signature.arguments;
    fn.identity_arguments = signature.identity_arguments;
    fn.returns = signature.returns;
    fn.language = text(row["lanname"]);
    if (auto sqlbody = opt_text(row["sqlbody"])) {
      fn.standard_body = true;
      fn.body = *sqlbody;
    } else {
      fn.body = text(row["prosrc"]);
    }
    fn.volatility = volatility(text(row["provolatile"]));
    fn.strict = row["proisstrict"].as<bool>();
    fn.security_definer = row["prosecdef"].as<bool>();
    fn.parallel = parallel(text(row["proparallel"]));
    fn.leakproof = row["proleakproof"].as<bool>();
    fn.cost = row["procost"].as<double>();
    fn.rows = row["prorows"].as<double>();
    fn.config = config(row["proconfig"]);
    fn.comment = opt_text(row["description"]);
    auto& slot = cat.db.schemas.at(fn.name.schema).functions[fn.key()];
    slot = std::move(fn);
    cat.functions[row["oid"].as<uint32_t>()] = &slot;
  }
}

namespace {

std::optional<schema::QualifiedName> function_name(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  auto parts = text_array(f);
  if (parts.size() != 2) return std::nullopt;
  return schema::QualifiedName{parts[0], parts[1]};
}

}  // namespace

void read_aggregates(Catalog& cat) {
  for (const auto& row : cat.query("aggregates")) {
    schema::Aggregate agg;
    agg.name = {text(row["nspname"]), text(row["proname"])};
    const std::string arguments = text(row["arguments"]);
    if (arguments.empty() || arguments == "*") {
      agg.arguments = agg.identity_arguments = "*";
    } else {
      const auto signature =
          canonical("the arguments of aggregate " + agg.name.display() + "(" + arguments + ")", arguments,
                    [&](const std::string& s) { return schema::canonical_signature(s, "integer", "public"); });
      agg.arguments = signature.arguments;
      agg.identity_arguments = signature.identity_arguments;
    }
    auto sfunc = function_name(row["sfunc"]);
    if (!sfunc) throw Error("cannot read the transition function of aggregate " + agg.name.display());
    agg.sfunc = *sfunc;
    agg.stype = text(row["stype"]);
    agg.finalfunc = function_name(row["finalfunc"]);
    agg.finalfunc_extra = row["aggfinalextra"].as<bool>();
    agg.combinefunc = function_name(row["combinefunc"]);
    agg.serialfunc = function_name(row["serialfunc"]);
    agg.deserialfunc = function_name(row["deserialfunc"]);
    agg.initcond = opt_text(row["agginitval"]);
    agg.msfunc = function_name(row["msfunc"]);
    agg.minvfunc = function_name(row["minvfunc"]);
    agg.mfinalfunc = function_name(row["mfinalfunc"]);
    agg.mfinalfunc_extra = row["aggmfinalextra"].as<bool>();
    agg.mstype = opt_text(row["mstype"]);
    agg.minitcond = opt_text(row["aggminitval"]);
    agg.parallel = parallel(text(row["proparallel"]));
    agg.comment = opt_text(row["description"]);
    auto& slot = cat.db.schemas.at(agg.name.schema).aggregates[agg.key()];
    slot = std::move(agg);
    cat.aggregates[row["oid"].as<uint32_t>()] = &slot;
  }
}

void read_triggers(Catalog& cat) {
  for (const auto& row : cat.query("triggers")) {
    auto it = cat.relations.find(row["tgrelid"].as<uint32_t>());
    if (it == cat.relations.end() || (it->second.table == nullptr && it->second.view == nullptr)) {
      continue;
    }
    const Relation& rel = it->second;
    schema::Trigger trigger;
    trigger.name = text(row["tgname"]);
    apply_tgtype(trigger, row["tgtype"].as<int>());
    for (int attnum : int_list(row["tgattr"])) {
      trigger.update_of.push_back(rel.attnames.at(attnum));
    }
    const std::string what = "the WHEN condition of trigger " + trigger.name + " on " + rel.name.display();
    std::optional<std::string> when;
    if (auto definition = opt_text(row["definition"])) {
      when = trigger_when_clause(*definition);
      if (!when) {
        throw Error("cannot read " + what + " from `" + *definition + "`");
      }
      trigger.when = schema::Expr{*when, ""};
    }
    trigger.function = {text(row["function_schema"]), text(row["function_name"])};
    const pqxx::binarystring args(row["tgargs"]);
    trigger.arguments = split_trigger_args(std::string_view(args.get(), args.size()), row["tgnargs"].as<int>());
    apply_trigger_options(trigger, row);
    trigger.comment = opt_text(row["description"]);
    auto& slot = (rel.table ? rel.table->triggers : rel.view->triggers)[trigger.name];
    slot = std::move(trigger);
    if (when) {
      cat.defer_expr(*when, what, [&slot]() -> schema::Expr& { return *slot.when; });
    }
  }
}

}  // namespace pgshift::introspect
