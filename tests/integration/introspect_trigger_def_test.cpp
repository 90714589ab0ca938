// The WHEN clause of a trigger exists only inside pg_get_triggerdef's text: the scanner that finds
// it must not be fooled by quoted names or literals (no database needed).
#include <catch2/catch.hpp>

#include "introspect/trigger_def.hpp"

using pgshift::introspect::split_trigger_args;
using pgshift::introspect::trigger_when_clause;

TEST_CASE("trigger_when_clause finds the WHEN clause and only it") {
  struct Case {
    const char* name;
    const char* definition;
    std::optional<std::string> when;
  };
  const Case cases[] = {
      {"no WHEN", "CREATE TRIGGER t AFTER INSERT ON public.x FOR EACH ROW EXECUTE FUNCTION f()", std::nullopt},
      {"simple", "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW WHEN ((old.a IS DISTINCT FROM new.a)) EXECUTE FUNCTION f()",
       "(old.a IS DISTINCT FROM new.a)"},
      {"quoted name with WHEN (", "CREATE TRIGGER \"x WHEN (y\" BEFORE UPDATE ON \"WHEN (\" FOR EACH ROW EXECUTE FUNCTION f()",
       std::nullopt},
      {"doubled quote in name", "CREATE TRIGGER \"a\"\" WHEN (b\" BEFORE UPDATE ON x FOR EACH ROW WHEN ((new.a > 1)) EXECUTE FUNCTION f()",
       "(new.a > 1)"},
      {"parenthesis in a literal",
       "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW WHEN ((new.a <> ')(''')) EXECUTE FUNCTION f('WHEN (')",
       "(new.a <> ')(''')"},
      {"escape string", "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW WHEN ((new.a <> E'\\')')) EXECUTE FUNCTION f()",
       "(new.a <> E'\\')')"},
      {"CASE WHEN inside", "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW WHEN (CASE WHEN new.a THEN true ELSE false END) EXECUTE FUNCTION f()",
       "CASE WHEN new.a THEN true ELSE false END"},
      {"only in arguments", "CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE FUNCTION f('WHEN (x)')", std::nullopt},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) { CHECK(trigger_when_clause(c.definition) == c.when); }
  }
}

TEST_CASE("split_trigger_args splits tgargs at NUL bytes, keeping empty arguments") {
  using namespace std::string_literals;
  CHECK(split_trigger_args(""s, 0).empty());
  CHECK(split_trigger_args("a'b\0\0WHEN (x)\0"s, 3) == std::vector<std::string>{"a'b", "", "WHEN (x)"});
  CHECK(split_trigger_args("\0"s, 1) == std::vector<std::string>{""});
}
