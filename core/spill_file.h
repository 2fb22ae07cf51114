#pragma once
// A temporary file for a per-path sample that does not fit its memory limit
// (docs/results-format.md, "Memory"). The file is created in a directory and
// unlinked at once: it has no name while pfsim uses it, and the operating
// system frees its blocks when the descriptor is closed, whether the run
// ends normally, by an exception, by SIGINT/SIGTERM or by SIGKILL. Reads and
// writes are positioned (pread/pwrite), never mapped, so the file's pages
// count as page cache rather than as the process's resident memory.
#include <cstddef>
#include <cstdint>
#include <string>

namespace pfsim {

class SpillFile {
 public:
  // Throws std::runtime_error naming the directory when it cannot create the file.
  explicit SpillFile(const std::string& dir);
  // An existing file (a shard's partial file), read where it is: a sample's
  // parts may lie in it (PathSample::on_files). It keeps its name, and is
  // opened for each read and closed after it (no descriptor held between
  // reads, however many parts a merge has); append is a std::logic_error.
  // Throws std::runtime_error naming the file when it cannot be opened.
  struct Existing {};
  SpillFile(Existing, const std::string& path);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends `bytes` bytes; returns the offset they were written at.
  std::uint64_t append(const void* data, std::size_t bytes);
  void read(void* data, std::size_t bytes, std::uint64_t offset) const;
  // Reads `count` consecutive runs of `bytes` bytes from `offset` on into
  // dest[0], ..., dest[count - 1] (preadv: no intermediate copy).
  void read_scattered(void* const* dest, std::size_t count, std::size_t bytes, std::uint64_t offset) const;
  std::uint64_t size() const { return size_; }
  // The directory of a spill file, or the path of an existing file.
  const std::string& dir() const { return dir_; }

 private:
  // Releases the cached pages of a range (flushing it first if written).
  void drop_cached(std::uint64_t offset, std::uint64_t bytes, bool written) const;
  // The descriptor to read through: the spill file's own, or an existing
  // file opened for the read.
  struct Descriptor {
    explicit Descriptor(const SpillFile& f);
    ~Descriptor();
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int fd;
    bool owned;
  };
  int fd_ = -1;
  bool existing_ = false;
  std::string dir_;
  // How messages name it: "the spill file in 'dir'" or "'path'".
  std::string label_;
  std::uint64_t size_ = 0;
};

// Memory the machine offers this process: the smaller of the physical memory
// and the cgroup (v2 memory.max, v1 memory.limit_in_bytes) limit, in bytes.
std::uint64_t available_memory();

}  // namespace pfsim
