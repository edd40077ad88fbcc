#pragma once
/// Writes a file so that a reader (or a run killed half-way) sees either the old
/// contents or the new, never a mixture: the bytes go to `<path>.tmp`, are flushed
/// and fsync'ed, and the temporary file is renamed over `path` (atomic on POSIX).

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#if __has_include(<fcntl.h>) && __has_include(<unistd.h>)
#include <fcntl.h>
#include <unistd.h>
#define METAHEBB_HAVE_POSIX_FILES 1
#endif

namespace metahebb::io {

/// Thrown when a file cannot be written or read back.
class file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string temporary = path + ".tmp";
  auto fail = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    throw file_error("metahebb: cannot write " + path + ": " + what + " " + temporary + " failed (" + reason +
                     "); the previous file, if any, is unchanged");
  };
#ifdef METAHEBB_HAVE_POSIX_FILES
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("open");
  for (std::size_t done = 0; done < bytes.size();) {
    const ::ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail("write to");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("fsync of");
  }
  if (::close(fd) != 0) fail("close of");
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail("rename of");
  // Make the rename itself durable: fsync the directory (best effort).
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::filesystem::path directory = parent.empty() ? std::filesystem::path(".") : parent;
  if (const int dir = ::open(directory.c_str(), O_RDONLY | O_CLOEXEC); dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
#else
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (!f) fail("open");
  if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fflush(f) != 0) {
    std::fclose(f);
    fail("write to");
  }
  if (std::fclose(f) != 0) fail("close of");
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);  // replaces an existing file
  if (ec) fail("rename of");
#endif
}

/// The whole file as bytes; throws file_error naming the path if it cannot be read.
inline std::string read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw file_error("metahebb: cannot read " + path + " (" + std::strerror(errno) + ")");
  std::string bytes;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw file_error("metahebb: error while reading " + path);
  return bytes;
}

}  // namespace metahebb::io
