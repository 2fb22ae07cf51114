#include "io/hdf5_file.h"

#include "core/parallel.h"

#include "core/error.h"
#include "io/output_file.h"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

namespace pfsim::h5 {

namespace {
struct QuietErrors {
  // HDF5 prints its own error stack to stderr by default; pfsim reports
  // errors itself, once, with the file name and the system's reason.
  // H5dont_atexit: HDF5 1.10's exit handler closes files left open and
  // crashes on one whose last write failed (a full disk); pfsim closes
  // every file it opens itself, and a failed one is removed anyway.
  QuietErrors() {
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
};

// The innermost reason on HDF5's error stack: the system's text where a
// system call failed ("No space left on device"), else the innermost
// description. Clears the stack.
herr_t innermost(unsigned, const H5E_error2_t* e, void* data) {
  auto& reason = *static_cast<std::string*>(data);
  if (!e->desc || !*e->desc) return 0;
  const std::string desc = e->desc;
  const std::string key = "error message = '";
  const auto at = desc.find(key);
  if (at != std::string::npos) {
    const auto end = desc.find('\'', at + key.size());
    reason = desc.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
    return 1;  // a system error: the most precise reason there is
  }
  reason = desc;
  return 0;
}

std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost, &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason;
}
const QuietErrors quiet;

Handle space(const std::vector<hsize_t>& dims) {
  return Handle(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"), H5Sclose);
}

template <class T>
void write_any(hid_t parent, const std::string& name, const std::vector<T>& data, std::vector<hsize_t> dims,
               hid_t file_type, hid_t mem_type) {
  if (dims.empty()) dims = {static_cast<hsize_t>(data.size())};
  Handle sp = space(dims);
  Handle ds(check(H5Dcreate2(parent, name.c_str(), file_type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name), H5Dclose);
  if (!data.empty()) check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), name);
}

template <class T>
std::vector<T> read_any(hid_t parent, const std::string& name, hid_t mem_type, std::vector<hsize_t>* dims) {
  Handle ds(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), name), H5Dclose);
  Handle sp(check(H5Dget_space(ds), name), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(sp);
  std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(sp, d.data(), nullptr);
  hsize_t n = 1;
  for (auto x : d) n *= x;
  std::vector<T> out(static_cast<std::size_t>(n));
  if (n) check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), name);
  if (dims) *dims = d;
  return out;
}
}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(hid_t)>& fill) {
  namespace fs = std::filesystem;
  const fs::path final_path(path);
  if (final_path.has_parent_path()) fs::create_directories(final_path.parent_path());
  File file;
  std::string tmp;
  try {
    tmp = create_temporary(path, [&](const std::string& name) {
      file = File::create_new(name);
      return file.id() >= 0;
    });
    fill(file.id());
    file.close();
    commit_temporary(tmp, path);
  } catch (...) {
    file.abandon();
    remove_temporary(tmp);
    throw;
  }
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) {
    const auto reason = hdf5_reason();
    throw IoError(reason.empty() ? fmt::format("HDF5 error at '{}'", what) : fmt::format("HDF5 error at '{}': {}", what, reason));
  }
  return id;
}

File File::create(const std::string& path) {
  File f;
  f.h_ = Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), path), H5Fclose);
  return f;
}

File File::create_new(const std::string& path) {
  // H5F_ACC_EXCL: open(2) with O_CREAT | O_EXCL, which fails on any existing
  // name, a symbolic link included. The strong close degree closes every
  // object of the file with it.
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), path), H5Pclose);
  check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), path);
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl);
  File f;
  if (id >= 0) {
    f.h_ = Handle(id, H5Fclose);
    return f;
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {  // the name is taken: the caller tries another
    H5Eclear2(H5E_DEFAULT);
    return f;
  }
  check(id, path);
  return f;
}

void File::close() {
  if (!h_.valid()) return;
  const hid_t id = h_.release();
  check(H5Fclose(id), "closing the file");
}

void File::abandon() noexcept {
  if (!h_.valid()) return;
  const hid_t id = h_.release();
  H5Fclose(id);  // may fail (the disk that failed the write); the file is removed
  H5Eclear2(H5E_DEFAULT);
}

File File::open_read(const std::string& path) {
  File f;
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError({path, 0, 0}, "", "not an HDF5 file, or cannot be opened");
  f.h_ = Handle(id, H5Fclose);
  return f;
}

void File::flush() { check(H5Fflush(h_, H5F_SCOPE_GLOBAL), "flush"); }

Handle create_group(hid_t parent, const std::string& name) {
  return Handle(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name), H5Gclose);
}

Handle open_group(hid_t parent, const std::string& name) {
  return Handle(check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), name), H5Gclose);
}

bool exists(hid_t parent, const std::string& path) {
  // Check each component: H5Lexists fails on a missing intermediate group.
  std::string prefix;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    prefix += (prefix.empty() ? "" : "/") + part;
    if (H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

void write(hid_t parent, const std::string& name, const std::vector<double>& data, std::vector<hsize_t> dims) {
  write_any(parent, name, data, std::move(dims), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
}
void write(hid_t parent, const std::string& name, const std::vector<std::int32_t>& data, std::vector<hsize_t> dims) {
  write_any(parent, name, data, std::move(dims), H5T_STD_I32LE, H5T_NATIVE_INT32);
}
void write(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& data, std::vector<hsize_t> dims) {
  write_any(parent, name, data, std::move(dims), H5T_STD_U64LE, H5T_NATIVE_UINT64);
}

void write_float_matrix(hid_t parent, const std::string& name, hsize_t rows, hsize_t cols, int gzip_level,
                        int threads, const std::function<void(hsize_t, hsize_t, float*)>& rows_of) {
  const std::vector<hsize_t> dims{rows, cols};
  Handle sp = space(dims);
  Handle plist(check(H5Pcreate(H5P_DATASET_CREATE), name), H5Pclose);
  const hsize_t chunk_rows = std::max<hsize_t>(1, std::min<hsize_t>(rows, 65536 / std::max<hsize_t>(cols, 1)));
  const hsize_t chunk[2] = {chunk_rows, cols};
  const bool filtered = gzip_level > 0;
  if (rows > 0 && cols > 0) {
    check(H5Pset_chunk(plist, 2, chunk), name);
    if (filtered) {
      check(H5Pset_shuffle(plist), name);
      check(H5Pset_deflate(plist, static_cast<unsigned>(gzip_level)), name);
    }
  }
  Handle ds(check(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F32LE, sp, H5P_DEFAULT, plist, H5P_DEFAULT), name), H5Dclose);
  if (rows == 0 || cols == 0) return;

  // An edge chunk is stored whole, its rows beyond the matrix zero (HDF5's
  // default fill value), as HDF5 stores it.
  const auto chunk_values = static_cast<std::size_t>(chunk_rows * cols);
  const std::size_t chunk_bytes = chunk_values * sizeof(float);
  const hsize_t chunks = (rows + chunk_rows - 1) / chunk_rows;
  using Bytes = std::vector<unsigned char>;
  auto make_chunk = [&](hsize_t k) {
    const hsize_t r0 = k * chunk_rows, count = std::min(chunk_rows, rows - r0);
    std::vector<float> values(chunk_values, 0.0f);
    rows_of(r0, count, values.data());
    Bytes raw(chunk_bytes);
    if (!filtered) {
      std::memcpy(raw.data(), values.data(), chunk_bytes);
      return raw;
    }
    // HDF5's shuffle filter: byte j of every value, for j = 0..3 in turn
    // (little-endian float32, as stored).
    const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
    for (std::size_t j = 0; j < sizeof(float); ++j)
      for (std::size_t i = 0; i < chunk_values; ++i) raw[j * chunk_values + i] = bytes[i * sizeof(float) + j];
    uLongf packed_size = compressBound(static_cast<uLong>(chunk_bytes));
    Bytes packed(packed_size);
    if (compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(chunk_bytes), gzip_level) != Z_OK)
      throw IoError(fmt::format("cannot compress a chunk of '{}'", name));
    packed.resize(packed_size);
    return packed;
  };
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  auto write_chunk = [&](hsize_t k, const Bytes& bytes) {
    const hsize_t offset[2] = {k * chunk_rows, 0};
    check(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, offset, bytes.size(), bytes.data()), name);
  };
  if constexpr (kThreadSanitizer) {  // core/parallel.h: the same chunks, all compressed first
    std::vector<Bytes> all(static_cast<std::size_t>(chunks));
    arena.execute([&] { parallel_for_index(all.size(), [&](std::size_t k) { all[k] = make_chunk(k); }); });
    for (std::size_t k = 0; k < all.size(); ++k) write_chunk(k, all[k]);
    return;
  }
  arena.execute([&] {
    hsize_t next = 0;
    tbb::parallel_pipeline(
        static_cast<std::size_t>(2 * arena.max_concurrency()),
        tbb::make_filter<void, hsize_t>(tbb::filter_mode::serial_in_order,
                                        [&](tbb::flow_control& fc) -> hsize_t {
                                          if (next == chunks) fc.stop();
                                          return next++;
                                        }) &
            tbb::make_filter<hsize_t, std::pair<hsize_t, Bytes>>(
                tbb::filter_mode::parallel, [&](hsize_t k) { return std::make_pair(k, make_chunk(k)); }) &
            tbb::make_filter<std::pair<hsize_t, Bytes>, void>(
                tbb::filter_mode::serial_in_order, [&](const std::pair<hsize_t, Bytes>& c) { write_chunk(c.first, c.second); }));
  });
}

Handle create_matrix(hid_t parent, const std::string& name, bool doubles, hsize_t rows, hsize_t cols) {
  Handle sp = space({rows, cols});
  return Handle(check(H5Dcreate2(parent, name.c_str(), doubles ? H5T_IEEE_F64LE : H5T_IEEE_F32LE, sp, H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT),
                      name),
                H5Dclose);
}

namespace {
// The selection [0, rows) x [c0, c0 + count) of `dataset`'s space and a memory space [rows, count].
std::pair<Handle, Handle> column_block(hid_t dataset, hsize_t rows, hsize_t c0, hsize_t count, const std::string& name) {
  Handle file_space(check(H5Dget_space(dataset), name), H5Sclose);
  const hsize_t start[2] = {0, c0}, extent[2] = {rows, count};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, extent, nullptr), name);
  return {std::move(file_space), space({rows, count})};
}
}  // namespace

void write_columns(hid_t dataset, bool doubles, hsize_t rows, hsize_t c0, hsize_t count, const void* data) {
  if (rows == 0 || count == 0) return;
  auto [file_space, mem_space] = column_block(dataset, rows, c0, count, "columns");
  check(H5Dwrite(dataset, doubles ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT, mem_space, file_space, H5P_DEFAULT, data),
        "writing columns");
}

std::vector<hsize_t> dims_of(hid_t parent, const std::string& name) {
  Handle ds(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), name), H5Dclose);
  Handle sp(check(H5Dget_space(ds), name), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(sp);
  std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(sp, d.data(), nullptr);
  return d;
}

void read_columns(hid_t parent, const std::string& name, bool doubles, hsize_t c0, hsize_t count, void* data) {
  const auto d = dims_of(parent, name);
  if (d.size() != 2 || c0 + count > d[1]) throw IoError(fmt::format("'{}': not a matrix with {} columns", name, c0 + count));
  if (d[0] == 0 || count == 0) return;
  Handle ds(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), name), H5Dclose);
  auto [file_space, mem_space] = column_block(ds, d[0], c0, count, name);
  check(H5Dread(ds, doubles ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT, mem_space, file_space, H5P_DEFAULT, data), name);
}

void attr(hid_t obj, const std::string& name, const std::string& value) {
  Handle type(check(H5Tcopy(H5T_C_S1), name), H5Tclose);
  check(H5Tset_size(type, std::max<std::size_t>(value.size(), 1)), name);
  check(H5Tset_cset(type, H5T_CSET_UTF8), name);
  Handle sp(check(H5Screate(H5S_SCALAR), name), H5Sclose);
  Handle a(check(H5Acreate2(obj, name.c_str(), type, sp, H5P_DEFAULT, H5P_DEFAULT), name), H5Aclose);
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  check(H5Awrite(a, type, padded.data()), name);
}

void lines_attr(hid_t obj, const std::string& name, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  attr(obj, name, text);
}

std::vector<std::string> read_lines_attr(hid_t obj, const std::string& name) {
  std::vector<std::string> out;
  if (!has_attr(obj, name)) return out;
  std::istringstream in(read_string_attr(obj, name));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

void attr(hid_t obj, const std::string& name, double value) {
  Handle sp(check(H5Screate(H5S_SCALAR), name), H5Sclose);
  Handle a(check(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT), name), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_DOUBLE, &value), name);
}

void attr(hid_t obj, const std::string& name, std::int64_t value) {
  Handle sp(check(H5Screate(H5S_SCALAR), name), H5Sclose);
  Handle a(check(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT), name), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_INT64, &value), name);
}

void attr(hid_t obj, const std::string& name, const std::vector<double>& value) {
  const hsize_t n = value.size();
  Handle sp = space({n});
  Handle a(check(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT), name), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_DOUBLE, value.data()), name);
}

std::vector<double> read_doubles(hid_t parent, const std::string& name, std::vector<hsize_t>* dims) {
  return read_any<double>(parent, name, H5T_NATIVE_DOUBLE, dims);
}
std::vector<std::int32_t> read_ints(hid_t parent, const std::string& name) {
  return read_any<std::int32_t>(parent, name, H5T_NATIVE_INT32, nullptr);
}
std::vector<float> read_floats(hid_t parent, const std::string& name, std::vector<hsize_t>* dims) {
  return read_any<float>(parent, name, H5T_NATIVE_FLOAT, dims);
}

bool has_attr(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

namespace {
// An attribute of one value (a scalar, or an array of one) of `type_class`:
// reading anything larger into one value would overrun it.
Handle open_single_attr(hid_t obj, const std::string& name, H5T_class_t type_class, const char* what) {
  Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), name), H5Aclose);
  Handle sp(check(H5Aget_space(a), name), H5Sclose);
  Handle type(check(H5Aget_type(a), name), H5Tclose);
  const auto points = H5Sget_simple_extent_npoints(sp);
  const auto cls = H5Tget_class(type);
  const bool number = type_class != H5T_STRING && (cls == H5T_INTEGER || cls == H5T_FLOAT);
  if (points != 1 || (cls != type_class && !number))
    throw IoError(fmt::format("attribute '{}' is not {} ({} values of another type)", name, what, points));
  return a;
}
}  // namespace

std::string read_string_attr(hid_t obj, const std::string& name) {
  Handle a = open_single_attr(obj, name, H5T_STRING, "one string");
  Handle type(check(H5Aget_type(a), name), H5Tclose);
  if (H5Tis_variable_str(type) > 0) {
    char* buf = nullptr;
    Handle mem(check(H5Tcopy(H5T_C_S1), name), H5Tclose);
    H5Tset_size(mem, H5T_VARIABLE);
    check(H5Aread(a, mem, &buf), name);
    std::string s = buf ? buf : "";
    H5free_memory(buf);
    return s;
  }
  const std::size_t n = H5Tget_size(type);
  std::string s(n, '\0');
  check(H5Aread(a, type, s.data()), name);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

double read_double_attr(hid_t obj, const std::string& name) {
  Handle a = open_single_attr(obj, name, H5T_FLOAT, "one number");
  double v = 0;
  check(H5Aread(a, H5T_NATIVE_DOUBLE, &v), name);
  return v;
}

std::int64_t read_int_attr(hid_t obj, const std::string& name) {
  Handle a = open_single_attr(obj, name, H5T_INTEGER, "one whole number");
  std::int64_t v = 0;
  check(H5Aread(a, H5T_NATIVE_INT64, &v), name);
  return v;
}

std::vector<double> read_doubles_attr(hid_t obj, const std::string& name) {
  Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), name), H5Aclose);
  Handle sp(check(H5Aget_space(a), name), H5Sclose);
  const auto n = H5Sget_simple_extent_npoints(sp);
  std::vector<double> v(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  if (!v.empty()) check(H5Aread(a, H5T_NATIVE_DOUBLE, v.data()), name);
  return v;
}

}  // namespace pfsim::h5
