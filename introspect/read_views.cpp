// This file implements the reader of views and materialized views: the query as pg_get_viewdef
// prints it (canonicalised with make_query), output column names, CHECK OPTION, security_invoker and
// security_barrier, and a materialized view's storage parameters. Other view options are reported by
// unmanaged.sql.
#include "introspect/catalog.hpp"
#include "util/strings.hpp"

namespace pgshift::introspect {
namespace {

bool option_true(const std::string& value) {
  const std::string v = util::to_lower(value);
  return v == "true" || v == "on" || v == "yes" || v == "1";
}

void apply_options(schema::View& view, const std::vector<std::string>& options) {
  for (const auto& option : options) {
    const auto eq = option.find('=');
    const std::string key = option.substr(0, eq);
    const std::string value = eq == std::string::npos ? "true" : option.substr(eq + 1);
    if (key == "check_option") {
      view.check_option = util::to_lower(value);
    } else if (key == "security_invoker") {
      view.security_invoker = option_true(value);
    } else if (key == "security_barrier" && !view.materialized) {
      view.security_barrier = option_true(value);
    } else if (view.materialized) {
      view.storage_parameters[key] = value;  // fillfactor, autovacuum_*, toast.*: kept as written
    }
  }
}

}  // namespace

void read_views(Catalog& cat) {
  for (const auto& row : cat.query("views")) {
    schema::QualifiedName name{text(row["nspname"]), text(row["relname"])};
    auto& view = cat.db.schemas.at(name.schema).views[name.name];
    view.name = name;
    view.materialized = text(row["relkind"]) == "m";
    const std::string definition = text(row["definition"]);
    view.query = schema::Expr{definition, ""};
    cat.defer_query(definition, "the query of view " + name.display(),
                    [&view]() -> schema::Expr& { return view.query; });
    view.columns = text_array(row["columns"]);
    apply_options(view, text_array(row["options"]));
    view.comment = opt_text(row["description"]);
    Relation rel;
    rel.name = name;
    rel.view = &view;
    rel.grants = &view.grants;
    // Views never have dropped columns, so attnums are positions.
    for (size_t i = 0; i < view.columns.size(); ++i) {
      rel.attnames[static_cast<int>(i) + 1] = view.columns[i];
    }
    cat.relations[row["oid"].as<uint32_t>()] = std::move(rel);
  }
}

}  // namespace pgshift::introspect
