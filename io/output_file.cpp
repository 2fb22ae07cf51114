#include "io/output_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "core/error.h"

namespace pfsim {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  std::string h(buf);
  for (char& c : h)
    if (c == '/' || c == '-') c = '_';  // '-' separates the fields of a temporary name
  return h;
}

// "<file>.tmp-": the prefix of every temporary name of `path`.
std::string temporary_prefix(const fs::path& path) { return path.filename().string() + ".tmp-"; }

fs::path directory_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Removes "<file>.tmp-<host>-<pid>-<16 hex digits>" files of this host whose
// process is gone, when they are regular files of this user.
void remove_stale_temporaries(const fs::path& path) {
  const std::string prefix = temporary_prefix(path) + host_name() + "-";
  std::error_code ec;
  for (fs::directory_iterator it(directory_of(path), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());  // "<pid>-<random>"
    const auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0 || rest.size() - dash - 1 != 16) continue;
    if (rest.find_first_not_of("0123456789") != dash) continue;
    if (rest.find_first_not_of("0123456789abcdef", dash + 1) != std::string::npos) continue;
    const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
    ::unlink(it->path().c_str());
  }
}

}  // namespace

std::string errno_text(int err) { return std::strerror(err); }

void check_output_file(const std::string& path, const std::vector<std::string>& inputs, const std::string& what) {
  auto bad = [&](const std::string& message) {
    return InputError(fmt::format("{} '{}': {}", what, path, message));
  };
  if (path.empty()) throw bad("the output file name is empty");
  if (path.back() == '/') throw bad("names a directory; give a file name");
  const fs::path p(path);
  const fs::path dir = directory_of(p);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw bad(fmt::format("cannot create its directory '{}': {}", dir.string(), ec.message()));
  } else if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw bad(fmt::format("'{}' is not a directory", dir.string()));
  }
  if (::lstat(p.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw bad(fmt::format("is {}; pfsim replaces only regular files (remove it or name another file)", kind_of(st.st_mode)));
    for (const auto& in : inputs) {
      struct stat is {};
      if (::stat(in.c_str(), &is) == 0 && is.st_dev == st.st_dev && is.st_ino == st.st_ino)
        throw bad(fmt::format("is an input of this command ('{}'); pfsim never writes over its inputs", in));
    }
  } else if (errno != ENOENT) {
    throw bad(errno_text(errno));
  }
  remove_stale_temporaries(p);
  // A file can be created there: the probe is created exclusively and removed.
  const std::string probe = create_temporary(path, [&](const std::string& name) {
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) return false;
      throw bad(fmt::format("cannot create a file in '{}': {}", dir.string(), errno_text(errno)));
    }
    ::close(fd);
    return true;
  });
  remove_temporary(probe);
}

std::string create_temporary(const std::string& path, const std::function<bool(const std::string&)>& create) {
  static const std::string host = host_name();
  std::random_device entropy;
  const fs::path p(path);
  const std::string base = (directory_of(p) / temporary_prefix(p)).string();
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::uint64_t r = (static_cast<std::uint64_t>(entropy()) << 32) ^ entropy();
    const std::string name = fmt::format("{}{}-{}-{:016x}", base, host, ::getpid(), r);
    if (create(name)) return name;
  }
  throw IoError(fmt::format("cannot find a free temporary name for '{}' (100 names taken)", path));
}

void commit_temporary(const std::string& tmp, const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw IoError(fmt::format("'{}' became {} while pfsim was running; the results were not written", path, kind_of(st.st_mode)));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    throw IoError(fmt::format("cannot rename '{}' to '{}': {}", tmp, path, errno_text(errno)));
}

void write_text_file(const std::string& path, const std::string& text, const std::vector<std::string>& inputs,
                     const std::string& what) {
  check_output_file(path, inputs, what);
  int fd = -1;
  const std::string tmp = create_temporary(path, [&](const std::string& name) {
    fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) return true;
    if (errno == EEXIST) return false;
    throw IoError(fmt::format("cannot create '{}': {}", name, errno_text(errno)));
  });
  try {
    for (std::size_t done = 0; done < text.size();) {
      const auto n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw IoError(fmt::format("cannot write '{}': {}", tmp, errno_text(errno)));
      done += static_cast<std::size_t>(n);
    }
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) throw IoError(fmt::format("cannot write '{}': {}", tmp, errno_text(errno)));
    commit_temporary(tmp, path);
  } catch (...) {
    if (fd >= 0) ::close(fd);
    remove_temporary(tmp);
    throw;
  }
}

void remove_temporary(const std::string& tmp) noexcept {
  if (!tmp.empty()) ::unlink(tmp.c_str());
}

}  // namespace pfsim
