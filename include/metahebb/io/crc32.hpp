#pragma once
/// CRC-32 (IEEE 802.3, the checksum of zlib, PNG and gzip), used to detect corrupt
/// checkpoint files. Table-driven, one byte at a time: checkpoints are small.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace metahebb::io {

namespace detail {
constexpr std::array<std::uint32_t, 256> crc32_table() noexcept {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;  // reflected polynomial 0x04C11DB7
    table[i] = c;
  }
  return table;
}
inline constexpr std::array<std::uint32_t, 256> crc32_lookup = crc32_table();
}  // namespace detail

/// CRC-32 of `bytes`; crc32("123456789") == 0xCBF43926.
constexpr std::uint32_t crc32(std::string_view bytes) noexcept {
  std::uint32_t c = 0xFFFFFFFFU;
  for (const char ch : bytes) c = detail::crc32_lookup[(c ^ static_cast<unsigned char>(ch)) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

}  // namespace metahebb::io
