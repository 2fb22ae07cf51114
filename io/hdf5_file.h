#pragma once
// Small RAII wrappers over the HDF5 C API: just what pfsim's results need.
#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pfsim::h5 {

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  ~Handle() { reset(); }
  hid_t id() const { return id_; }
  operator hid_t() const { return id_; }
  // Gives up ownership: the caller closes the id.
  hid_t release() {
    const hid_t id = id_;
    id_ = -1;
    return id;
  }
  bool valid() const { return id_ >= 0; }

 private:
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// Throws IoError naming the object, with HDF5's innermost reason (the
// system's errno text where a system call failed), when an HDF5 call fails.
hid_t check(hid_t id, const std::string& what);

// Creates `path` as an HDF5 file through `fill(file_id)`, under a fresh
// temporary name in the same directory, created exclusively, closed and
// renamed on success (io/output_file.h): a failed or interrupted write never
// leaves a file under the final name nor a temporary file.
void write_file_atomically(const std::string& path, const std::function<void(hid_t)>& fill);

class File {
 public:
  static File create(const std::string& path);
  // Creates `path` exclusively; an invalid File when the name exists.
  static File create_new(const std::string& path);
  static File open_read(const std::string& path);
  hid_t id() const { return h_.id(); }
  void flush();
  void close();              // throws IoError when the last writes fail
  void abandon() noexcept;   // closes, ignoring failure (the file is being removed)

 private:
  Handle h_;
};

Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
bool exists(hid_t parent, const std::string& path);

// Datasets: dims as given (row-major).
void write(hid_t parent, const std::string& name, const std::vector<double>& data, std::vector<hsize_t> dims = {});
void write(hid_t parent, const std::string& name, const std::vector<std::int32_t>& data, std::vector<hsize_t> dims = {});
void write(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& data, std::vector<hsize_t> dims = {});
// Float32 matrix [rows, cols] (full paths), chunked in blocks of whole rows
// (about 256 KB each) and, for gzip_level > 0, filtered by shuffle and
// deflate at that level. rows_of(r0, count, out) fills out[count][cols] with
// rows [r0, r0 + count). Chunks are filled, shuffled and compressed on
// `threads` threads (0 = all) and written in order with H5Dwrite_chunk: the
// file holds the bytes HDF5's own filters would write (its shuffle, then
// zlib's compress2 at the level), so any reader decompresses them.
void write_float_matrix(hid_t parent, const std::string& name, hsize_t rows, hsize_t cols, int gzip_level,
                        int threads, const std::function<void(hsize_t, hsize_t, float*)>& rows_of);

// A contiguous (unchunked) matrix [rows, cols] of float32 or float64 written
// and read in blocks of columns: data [rows][count] holds columns
// [c0, c0 + count). Used for partial files, whose columns are paths.
Handle create_matrix(hid_t parent, const std::string& name, bool doubles, hsize_t rows, hsize_t cols);
void write_columns(hid_t dataset, bool doubles, hsize_t rows, hsize_t c0, hsize_t count, const void* data);
// dims of a 2-d dataset; read_columns reads any layout (chunked or not).
std::vector<hsize_t> dims_of(hid_t parent, const std::string& name);
void read_columns(hid_t parent, const std::string& name, bool doubles, hsize_t c0, hsize_t count, void* data);

void attr(hid_t obj, const std::string& name, const std::string& value);
void attr(hid_t obj, const std::string& name, double value);
void attr(hid_t obj, const std::string& name, std::int64_t value);
void attr(hid_t obj, const std::string& name, const std::vector<double>& value);

std::vector<double> read_doubles(hid_t parent, const std::string& name, std::vector<hsize_t>* dims = nullptr);
std::vector<std::int32_t> read_ints(hid_t parent, const std::string& name);
std::vector<float> read_floats(hid_t parent, const std::string& name, std::vector<hsize_t>* dims = nullptr);
std::string read_string_attr(hid_t obj, const std::string& name);
double read_double_attr(hid_t obj, const std::string& name);
std::int64_t read_int_attr(hid_t obj, const std::string& name);
std::vector<double> read_doubles_attr(hid_t obj, const std::string& name);
bool has_attr(hid_t obj, const std::string& name);
// A list of strings as one string attribute, each followed by a newline
// (overrides, lever keys); read back skipping empty lines, so a list
// written without the last newline reads the same. Absent: empty.
void lines_attr(hid_t obj, const std::string& name, const std::vector<std::string>& lines);
std::vector<std::string> read_lines_attr(hid_t obj, const std::string& name);

}  // namespace pfsim::h5
