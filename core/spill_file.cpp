#include "core/spill_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace pfsim {

namespace {
std::string error_text(int e) { return std::strerror(e); }
}  // namespace

SpillFile::SpillFile(const std::string& dir) : dir_(dir.empty() ? "." : dir) {
  std::string name = dir_ + "/pfsim-spill-XXXXXX";
  std::vector<char> buf(name.begin(), name.end());
  buf.push_back('\0');
  fd_ = ::mkstemp(buf.data());
  if (fd_ < 0)
    throw std::runtime_error(fmt::format("cannot create a spill file in '{}': {}", dir_, error_text(errno)));
  // Unlinked at once: nothing is left behind, however the process ends.
  ::unlink(buf.data());
  label_ = fmt::format("the spill file in '{}'", dir_);
}

SpillFile::SpillFile(Existing, const std::string& path) : existing_(true), dir_(path), label_(fmt::format("'{}'", path)) {
  const Descriptor d(*this);
  const off_t end = ::lseek(d.fd, 0, SEEK_END);
  size_ = end > 0 ? static_cast<std::uint64_t>(end) : 0;
}

// An existing file is opened for each read and closed after it, so that a
// merge of thousands of parts holds no descriptor between reads.
SpillFile::Descriptor::Descriptor(const SpillFile& f) : fd(f.fd_), owned(f.existing_) {
  if (!owned) return;
  fd = ::open(f.dir_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot open '{}' to read: {}", f.dir_, error_text(errno)));
}

SpillFile::Descriptor::~Descriptor() {
  if (owned && fd >= 0) ::close(fd);
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t SpillFile::append(const void* data, std::size_t bytes) {
  if (existing_) throw std::logic_error("SpillFile::append: an existing file is read only");
  const std::uint64_t at = size_;
  const char* p = static_cast<const char*>(data);
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t w = ::pwrite(fd_, p + done, bytes - done, static_cast<off_t>(at + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      throw std::runtime_error(fmt::format("writing the spill file in '{}' ({:.2f} GB so far): {}", dir_,
                                           static_cast<double>(at + done) / 1e9, error_text(w < 0 ? errno : ENOSPC)));
    done += static_cast<std::size_t>(w);
  }
  size_ = at + bytes;
  drop_cached(at, bytes, true);
  return at;
}

void SpillFile::drop_cached(std::uint64_t offset, std::uint64_t bytes, bool written) const {
  // Each byte of the spill file is written once and read once, so caching it
  // only takes memory: written parts are flushed and their pages released,
  // and so are pages once read. The page cache then recycles a few parts'
  // worth of pages instead of growing by the whole sample (21.5 GB at 10^6
  // baseline paths), which other work on the node would pay for. Advice only: a
  // failure changes nothing but memory use.
  if (bytes == 0) return;
  if (existing_) return;  // another file's pages: not ours to drop
  if (written)
    ::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(bytes),
                      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
  ::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(bytes), POSIX_FADV_DONTNEED);
}

void SpillFile::read(void* data, std::size_t bytes, std::uint64_t offset) const {
  const Descriptor d(*this);
  char* p = static_cast<char*>(data);
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t r = ::pread(d.fd, p + done, bytes - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0)
      throw std::runtime_error(fmt::format("reading {}: {}", label_,
                                           r < 0 ? error_text(errno) : std::string("unexpected end of file")));
    done += static_cast<std::size_t>(r);
  }
  drop_cached(offset, bytes, false);
}

void SpillFile::read_scattered(void* const* dest, std::size_t count, std::size_t bytes, std::uint64_t offset) const {
  if (bytes == 0) return;
  const Descriptor d(*this);
  constexpr std::size_t kBatch = IOV_MAX;
  std::vector<iovec> iov;
  for (std::size_t first = 0; first < count; first += kBatch) {
    const std::size_t n = std::min(kBatch, count - first);
    iov.resize(n);
    for (std::size_t k = 0; k < n; ++k) iov[k] = {dest[first + k], bytes};
    std::uint64_t at = offset + first * bytes;
    std::size_t next = 0;  // first iovec not yet filled
    while (next < n) {
      const ssize_t r = ::preadv(d.fd, iov.data() + next, static_cast<int>(n - next), static_cast<off_t>(at));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0)
        throw std::runtime_error(fmt::format("reading {}: {}", label_,
                                             r < 0 ? error_text(errno) : std::string("unexpected end of file")));
      drop_cached(at, static_cast<std::uint64_t>(r), false);
      at += static_cast<std::uint64_t>(r);
      auto left = static_cast<std::size_t>(r);
      while (next < n && left >= iov[next].iov_len) left -= iov[next++].iov_len;
      if (next < n && left > 0) {  // a short read inside an iovec
        iov[next].iov_base = static_cast<char*>(iov[next].iov_base) + left;
        iov[next].iov_len -= left;
      }
    }
  }
}

std::uint64_t available_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  std::uint64_t m = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                                          : std::uint64_t{8} << 30;
  for (const char* f : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(f);
    std::string v;
    if (in >> v && !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      try {
        m = std::min<std::uint64_t>(m, std::stoull(v));
      } catch (const std::exception&) {
      }
    }
  }
  return m;
}

}  // namespace pfsim
