// This file implements the libpg_query wrappers of pg_parse.hpp: parsing into protobuf-c messages,
// deparsing, and a generic walk over any message through its descriptor (so no per-node-type code).
#include "schema/pg_parse.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "schema/expr.hpp"

namespace pgshift::schema::pg {

namespace {

template <typename T>
T& member(ProtobufCMessage* message, unsigned offset) {
  return *reinterpret_cast<T*>(reinterpret_cast<char*>(message) + offset);
}

template <typename T>
const T& member(const ProtobufCMessage* message, unsigned offset) {
  return *reinterpret_cast<const T*>(reinterpret_cast<const char*>(message) + offset);
}

// Whether a message-typed field is present (a oneof member only when it is the selected case).
bool field_present(const ProtobufCMessage* message, const ProtobufCFieldDescriptor& field) {
  if ((field.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0) {
    return member<uint32_t>(message, field.quantifier_offset) == field.id;
  }
  return true;
}

// Calls fn(child) for each message-typed child of `message`.
template <typename Message, typename Fn>
void for_each_child(Message* message, Fn&& fn) {
  const ProtobufCMessageDescriptor* desc = message->descriptor;
  for (unsigned i = 0; i < desc->n_fields; ++i) {
    const ProtobufCFieldDescriptor& field = desc->fields[i];
    if (field.type != PROTOBUF_C_TYPE_MESSAGE || !field_present(message, field)) {
      continue;
    }
    if (field.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t count = member<size_t>(message, field.quantifier_offset);
      auto* items = member<ProtobufCMessage**>(message, field.offset);
      for (size_t j = 0; j < count; ++j) {
        if (items[j] != nullptr) {
          fn(items[j]);
        }
      }
    } else if (auto* child = member<ProtobufCMessage*>(message, field.offset); child != nullptr) {
      fn(child);
    }
  }
}

char* copy_string(std::string_view value) {
  auto* out = static_cast<char*>(std::malloc(value.size() + 1));
  std::memcpy(out, value.data(), value.size());
  out[value.size()] = '\0';
  return out;
}

template <typename T>
T* allocate(const T& init) {
  auto* out = static_cast<T*>(std::malloc(sizeof(T)));
  *out = init;
  return out;
}

PgQuery__Node** node_array(const std::vector<PgQuery__Node*>& nodes) {
  auto** out = static_cast<PgQuery__Node**>(std::malloc(sizeof(PgQuery__Node*) * (nodes.empty() ? 1 : nodes.size())));
  for (size_t i = 0; i < nodes.size(); ++i) {
    out[i] = nodes[i];
  }
  return out;
}

}  // namespace

void ParseResultDeleter::operator()(PgQuery__ParseResult* tree) const {
  if (tree != nullptr) {
    pg_query__parse_result__free_unpacked(tree, nullptr);
  }
}

ParseTree parse(const std::string& sql) {
  PgQueryProtobufParseResult result = pg_query_parse_protobuf(sql.c_str());
  if (result.error != nullptr) {
    std::string message = result.error->message;
    int cursor = result.error->cursorpos;
    pg_query_free_protobuf_parse_result(result);
    throw SqlParseError(message, cursor);
  }
  PgQuery__ParseResult* tree = pg_query__parse_result__unpack(
      nullptr, result.parse_tree.len, reinterpret_cast<const uint8_t*>(result.parse_tree.data));
  pg_query_free_protobuf_parse_result(result);
  if (tree == nullptr) {
    throw SqlParseError("cannot decode the parse tree", 0);
  }
  return ParseTree(tree);
}

std::string deparse(const PgQuery__ParseResult& tree) {
  std::string packed(pg_query__parse_result__get_packed_size(&tree), '\0');
  pg_query__parse_result__pack(&tree, reinterpret_cast<uint8_t*>(packed.data()));
  PgQueryProtobuf buffer{packed.size(), packed.data()};
  PgQueryDeparseResult result = pg_query_deparse_protobuf(buffer);
  if (result.error != nullptr) {
    std::string message = result.error->message;
    pg_query_free_deparse_result(result);
    throw SqlParseError("cannot deparse: " + message, 0);
  }
  std::string out = result.query;
  pg_query_free_deparse_result(result);
  return out;
}

void visit(ProtobufCMessage* message, const std::function<void(ProtobufCMessage*)>& fn) {
  fn(message);
  for_each_child(message, [&](ProtobufCMessage* child) { visit(child, fn); });
}

void visit_post(ProtobufCMessage* message, const std::function<void(ProtobufCMessage*)>& fn) {
  for_each_child(message, [&](ProtobufCMessage* child) { visit_post(child, fn); });
  fn(message);
}

void zero_locations(ProtobufCMessage* root) {
  visit(root, [](ProtobufCMessage* message) {
    const ProtobufCMessageDescriptor* desc = message->descriptor;
    for (unsigned i = 0; i < desc->n_fields; ++i) {
      const ProtobufCFieldDescriptor& field = desc->fields[i];
      bool is_location = std::strcmp(field.name, "location") == 0 || std::strcmp(field.name, "stmt_location") == 0;
      if (field.type == PROTOBUF_C_TYPE_INT32 && field.label != PROTOBUF_C_LABEL_REPEATED && is_location) {
        member<int32_t>(message, field.offset) = 0;
      }
    }
  });
}

int min_location(const ProtobufCMessage* message) {
  int best = -1;
  const ProtobufCMessageDescriptor* desc = message->descriptor;
  for (unsigned i = 0; i < desc->n_fields; ++i) {
    const ProtobufCFieldDescriptor& field = desc->fields[i];
    if (field.type == PROTOBUF_C_TYPE_INT32 && std::strcmp(field.name, "location") == 0) {
      int value = member<int32_t>(message, field.offset);
      if (value >= 0 && (best < 0 || value < best)) {
        best = value;
      }
    }
  }
  for_each_child(message, [&](const ProtobufCMessage* child) {
    int value = min_location(child);
    if (value >= 0 && (best < 0 || value < best)) {
      best = value;
    }
  });
  return best;
}

void free_message(ProtobufCMessage* message) {
  if (message != nullptr) {
    protobuf_c_message_free_unpacked(message, nullptr);
  }
}

void replace_node(PgQuery__Node* node, PgQuery__Node* replacement) {
  PgQuery__Node old = *node;
  node->node_case = replacement->node_case;
  node->alias = replacement->alias;  // any union member: they share storage
  replacement->node_case = PG_QUERY__NODE__NODE__NOT_SET;
  replacement->alias = nullptr;
  free_message(&replacement->base);
  if (old.node_case != PG_QUERY__NODE__NODE__NOT_SET && old.alias != nullptr) {
    free_message(reinterpret_cast<ProtobufCMessage*>(old.alias));
  }
}

PgQuery__Node* make_string_node(std::string_view value) {
  PgQuery__String init = PG_QUERY__STRING__INIT;
  PgQuery__String* str = allocate(init);
  str->sval = copy_string(value);
  PgQuery__Node node_init = PG_QUERY__NODE__INIT;
  PgQuery__Node* node = allocate(node_init);
  node->node_case = PG_QUERY__NODE__NODE_STRING;
  node->string = str;
  return node;
}

namespace {

PgQuery__Node* wrap_const(PgQuery__AConst* value) {
  PgQuery__Node init = PG_QUERY__NODE__INIT;
  PgQuery__Node* node = allocate(init);
  node->node_case = PG_QUERY__NODE__NODE_A_CONST;
  node->a_const = value;
  return node;
}

PgQuery__AConst* new_const() {
  PgQuery__AConst init = PG_QUERY__A__CONST__INIT;
  return allocate(init);
}

}  // namespace

PgQuery__Node* make_integer_const(int32_t value) {
  PgQuery__Integer init = PG_QUERY__INTEGER__INIT;
  PgQuery__AConst* c = new_const();
  c->val_case = PG_QUERY__A__CONST__VAL_IVAL;
  c->ival = allocate(init);
  c->ival->ival = value;
  return wrap_const(c);
}

PgQuery__Node* make_float_const(std::string_view value) {
  PgQuery__Float init = PG_QUERY__FLOAT__INIT;
  PgQuery__AConst* c = new_const();
  c->val_case = PG_QUERY__A__CONST__VAL_FVAL;
  c->fval = allocate(init);
  c->fval->fval = copy_string(value);
  return wrap_const(c);
}

PgQuery__Node* make_bool_const(bool value) {
  PgQuery__Boolean init = PG_QUERY__BOOLEAN__INIT;
  PgQuery__AConst* c = new_const();
  c->val_case = PG_QUERY__A__CONST__VAL_BOOLVAL;
  c->boolval = allocate(init);
  c->boolval->boolval = value;
  return wrap_const(c);
}

PgQuery__Node* wrap(PgQuery__AExpr* expr) {
  PgQuery__Node init = PG_QUERY__NODE__INIT;
  PgQuery__Node* node = allocate(init);
  node->node_case = PG_QUERY__NODE__NODE_A_EXPR;
  node->a_expr = expr;
  return node;
}

PgQuery__Node* wrap(PgQuery__BoolExpr* expr) {
  PgQuery__Node init = PG_QUERY__NODE__INIT;
  PgQuery__Node* node = allocate(init);
  node->node_case = PG_QUERY__NODE__NODE_BOOL_EXPR;
  node->bool_expr = expr;
  return node;
}

PgQuery__Node* wrap(PgQuery__AArrayExpr* expr) {
  PgQuery__Node init = PG_QUERY__NODE__INIT;
  PgQuery__Node* node = allocate(init);
  node->node_case = PG_QUERY__NODE__NODE_A_ARRAY_EXPR;
  node->a_array_expr = expr;
  return node;
}

PgQuery__AExpr* make_a_expr(PgQuery__AExprKind kind, std::string_view op, PgQuery__Node* lexpr, PgQuery__Node* rexpr) {
  PgQuery__AExpr init = PG_QUERY__A__EXPR__INIT;
  PgQuery__AExpr* expr = allocate(init);
  expr->kind = kind;
  expr->n_name = 1;
  expr->name = node_array({make_string_node(op)});
  expr->lexpr = lexpr;
  expr->rexpr = rexpr;
  return expr;
}

PgQuery__BoolExpr* make_bool_expr(PgQuery__BoolExprType op, std::vector<PgQuery__Node*> args) {
  PgQuery__BoolExpr init = PG_QUERY__BOOL_EXPR__INIT;
  PgQuery__BoolExpr* expr = allocate(init);
  expr->boolop = op;
  expr->n_args = args.size();
  expr->args = node_array(args);
  return expr;
}

PgQuery__AArrayExpr* make_array_expr(std::vector<PgQuery__Node*> elements) {
  PgQuery__AArrayExpr init = PG_QUERY__A__ARRAY_EXPR__INIT;
  PgQuery__AArrayExpr* expr = allocate(init);
  expr->n_elements = elements.size();
  expr->elements = node_array(elements);
  return expr;
}

PgQuery__Node* copy_node(const PgQuery__Node* node) {
  std::string packed(pg_query__node__get_packed_size(node), '\0');
  pg_query__node__pack(node, reinterpret_cast<uint8_t*>(packed.data()));
  return pg_query__node__unpack(nullptr, packed.size(), reinterpret_cast<const uint8_t*>(packed.data()));
}

std::vector<Token> scan(const std::string& sql) {
  std::vector<Token> out;
  PgQueryScanResult result = pg_query_scan(sql.c_str());
  if (result.error == nullptr) {
    PgQuery__ScanResult* scanned = pg_query__scan_result__unpack(
        nullptr, result.pbuf.len, reinterpret_cast<const uint8_t*>(result.pbuf.data));
    if (scanned != nullptr) {
      for (size_t i = 0; i < scanned->n_tokens; ++i) {
        const PgQuery__ScanToken* t = scanned->tokens[i];
        out.push_back(Token{t->start, t->end, static_cast<int>(t->token), static_cast<int>(t->keyword_kind)});
      }
      pg_query__scan_result__free_unpacked(scanned, nullptr);
    }
  }
  pg_query_free_scan_result(result);
  return out;
}

int keyword_kind(std::string_view word) {
  // Cached: YAML output asks once per identifier written.
  static std::mutex mutex;
  static std::unordered_map<std::string, int> cache;
  std::lock_guard lock(mutex);
  auto [it, inserted] = cache.try_emplace(std::string(word), PG_QUERY__KEYWORD_KIND__NO_KEYWORD);
  if (inserted) {
    std::vector<Token> tokens = scan(std::string(word));
    if (tokens.size() == 1 && tokens[0].start == 0 && tokens[0].end == static_cast<int>(word.size())) {
      it->second = tokens[0].keyword_kind;
    }
  }
  return it->second;
}

std::vector<std::string> string_list(PgQuery__Node* const* nodes, size_t count) {
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    if (nodes[i]->node_case == PG_QUERY__NODE__NODE_STRING) {
      out.emplace_back(nodes[i]->string->sval);
    }
  }
  return out;
}

}  // namespace pgshift::schema::pg
