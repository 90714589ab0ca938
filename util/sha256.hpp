// SHA-256, for schema fingerprints and backup checksums.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pgshift::util {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::string hex_digest();  // finalises; call once

 private:
  void transform(const uint8_t* block);  // portable
  void transform_blocks(const uint8_t* blocks, size_t count);  // the CPU's SHA instructions when it has them
  uint32_t m_state[8];
  uint64_t m_bits = 0;
  uint8_t m_buffer[64];
  size_t m_used = 0;
};

std::string sha256_hex(std::string_view data);

}  // namespace pgshift::util
