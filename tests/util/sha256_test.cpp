// SHA-256 against the FIPS 180-2 test vectors, fed whole and in uneven pieces (which exercises both
// the block-at-a-time buffer and the many-blocks path, and the CPU's SHA instructions where present).
#include <catch2/catch.hpp>
#include <string>

#include "util/sha256.hpp"

using pgshift::util::Sha256;
using pgshift::util::sha256_hex;

namespace {

std::string in_pieces(const std::string& data, size_t piece) {
  Sha256 h;
  for (size_t at = 0; at < data.size(); at += piece) {
    h.update(std::string_view(data).substr(at, piece));
  }
  return h.hex_digest();
}

}  // namespace

TEST_CASE("sha256 gives the FIPS 180-2 digests, whole or fed in pieces") {
  struct Case {
    std::string name, data, digest;
  };
  const std::vector<Case> cases = {
      {"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"a million a", std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      CHECK(sha256_hex(c.data) == c.digest);
      for (size_t piece : {1, 63, 64, 65, 1000, 4096}) {
        CHECK(in_pieces(c.data, piece) == c.digest);
      }
    }
  }
}
