// fuzz_results: the readers of pfsim's HDF5 files, structure-aware.
//
// HDF5's own byte-level parser is out of scope (docs/fuzzing.md): the input
// is not a file but a list of edits, applied with the HDF5 C API to a copy of
// a small valid file that pfsim itself writes at start-up (64 paths of
// configs/china_baseline.toml, and of configs/examples/contribution_rates.toml
// for the scenario groups). The readers then run on the edited copy.
//
// Input: byte 0 selects the file (mod 5):
//   0 results file          print_summary, show_summary, read_partial_info
//   1 results with scenarios  the same
//   2 shard 1/2, 3 shard 2/2  read_partial_info, read_partial_sample,
//                           read_partial_range, check_partials with the other
//                           (pristine) shard, partial_layout; with flag 1,
//                           pfsim merge of the two and the summary of the
//                           merged file
//   4 checkpoint chunk      produce_sample resuming from it (run/sample_producer.cpp)
// byte 1: flags (bit 0: merge; bits 1 and 3: the summary's years, 1900 and 3000 among them or 2030 and 2050;
// bit 2: the JSON summary; bit 4: the merge beyond a 1 kB memory limit, which reads the parts where they are).
// Then up to kMaxEdits edits, each an opcode byte and its operands (see
// apply_edit): delete a dataset, group or attribute; replace a dataset or an
// attribute by one of another type (float, integer, string), rank (scalar,
// 1-3, null dataspace) and shape (including empty) filled with special values
// (NaN, inf, huge, negative, ...); poke a special value into one element or
// all of a dataset; set an integer attribute; rewrite a string attribute
// (the format, its version, the recorded config text, ...); copy one object
// over another; replace an object with a dangling or cyclic soft link.
// Expected: success or one of pfsim's errors.
#include <hdf5.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fuzz_common.h"
#include "io/partial.h"
#include "io/summary.h"
#include "models/pension_model.h"
#include "run/run.h"
#include "run/sample_producer.h"

namespace {

namespace fs = std::filesystem;
using pfsim::fuzz::Bytes;

constexpr int kMaxEdits = 16;
constexpr std::uint64_t kPaths = 64;

struct BaseFile {
  std::string path;
  std::vector<std::string> objects;                          // every link below the root
  std::vector<std::pair<std::string, std::string>> attrs;    // (object, attribute), root "/" included
};

struct Setup {
  std::string dir;
  std::vector<BaseFile> bases;  // the order of byte 0
  std::string work;             // the edited copy
  std::string other_shard[2];   // pristine copies of shard 2 and shard 1
  std::string merged;
  std::string ckpt_dir;
  std::unique_ptr<pfsim::RunConfig> ckpt_cfg;
  std::unique_ptr<pfsim::PensionModel> ckpt_model;
};

herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(std::string("/") + name);
  return 0;
}

herr_t collect_attr(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

BaseFile enumerate(const std::string& path) {
  BaseFile b{path, {}, {}};
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) std::abort();
  H5Lvisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, collect_link, &b.objects);
  std::vector<std::string> owners{"/"};
  owners.insert(owners.end(), b.objects.begin(), b.objects.end());
  for (const auto& o : owners) {
    std::vector<std::string> names;
    H5Aiterate_by_name(f, o.c_str(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect_attr, &names, H5P_DEFAULT);
    for (auto& n : names) b.attrs.emplace_back(o, n);
  }
  // Attributes some readers look for that the files may not have.
  for (const char* extra : {"build", "overrides", "confidence", "reference", "names"}) b.attrs.emplace_back("/", extra);
  H5Fclose(f);
  return b;
}

void must(int status, const char* what) {
  if (status != 0) {
    std::fprintf(stderr, "fuzz_results: making the base files failed at %s (status %d)\n", what, status);
    std::abort();
  }
}

const Setup& setup() {
  static const Setup s = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    Setup r;
    r.dir = pfsim::fuzz::temp_dir();
    const std::string src = pfsim::fuzz::kSourceDir;
    // $PFSIM_FUZZ_RESULTS_CACHE: a directory where the base files are kept
    // for the next process (libFuzzer's fork mode starts many), remade when
    // another build wrote them.
    const char* cache_env = std::getenv("PFSIM_FUZZ_RESULTS_CACHE");
    const std::string gen_dir = cache_env && *cache_env ? std::string(cache_env) : r.dir;
    const std::string marker = gen_dir + "/complete";
    const bool cached = gen_dir != r.dir && pfsim::fuzz::read_file(marker) == pfsim::this_build();
    fs::create_directories(gen_dir);
    std::ostringstream out, err;
    auto request = [&](const std::string& config, const std::string& output) {
      pfsim::RunRequest q;
      q.config = src + "/configs/" + config;
      q.paths = kPaths;
      q.threads = 1;
      q.quiet = true;
      q.no_summary = true;
      q.output = gen_dir + "/" + output;
      return q;
    };
    auto q = request("china_baseline.toml", "ckpt_results.h5");
    q.checkpoint = gen_dir + "/ckpt_base";
    if (!cached) {
      std::error_code ec;
      fs::remove_all(q.checkpoint, ec);
      must(pfsim::run_command(request("china_baseline.toml", "results.h5"), nullptr, out, err), "results");
      must(pfsim::run_command(request("examples/contribution_rates.toml", "scenarios.h5"), nullptr, out, err), "scenarios");
      for (const char* k : {"1", "2"}) {
        auto qs = request("china_baseline.toml", std::string("shard") + k + ".h5");
        qs.shard = std::string(k) + "/2";
        must(pfsim::run_command(qs, nullptr, out, err), "shard");
      }
      must(pfsim::run_command(q, nullptr, out, err), "checkpoint");
      fs::copy_file(q.checkpoint + "/" + fmt::format("chunk-{:012}.h5", 0), gen_dir + "/chunk.h5",
                    fs::copy_options::overwrite_existing);
      if (gen_dir != r.dir) pfsim::fuzz::write_file(marker, pfsim::this_build());
    }
    r.ckpt_cfg = std::make_unique<pfsim::RunConfig>(pfsim::load_request(q));
    r.ckpt_model = std::make_unique<pfsim::PensionModel>(r.ckpt_cfg->model);

    for (const char* f : {"results.h5", "scenarios.h5", "shard1.h5", "shard2.h5", "chunk.h5"})
      r.bases.push_back(enumerate(gen_dir + "/" + f));
    fs::create_directories(r.dir + "/work");
    r.work = r.dir + "/work/edited.h5";
    r.other_shard[0] = r.dir + "/work/other2.h5";
    r.other_shard[1] = r.dir + "/work/other1.h5";
    fs::copy_file(gen_dir + "/shard2.h5", r.other_shard[0]);
    fs::copy_file(gen_dir + "/shard1.h5", r.other_shard[1]);
    r.merged = r.dir + "/work/merged.h5";
    r.ckpt_dir = r.dir + "/work/ckpt";
    fs::create_directories(r.ckpt_dir);
    std::fprintf(stderr, "fuzz_results: base files in %s, work in %s (%zu, %zu, %zu, %zu, %zu objects)\n", gen_dir.c_str(), r.dir.c_str(),
                 r.bases[0].objects.size(), r.bases[1].objects.size(), r.bases[2].objects.size(),
                 r.bases[3].objects.size(), r.bases[4].objects.size());
    return r;
  }();
  return s;
}

// ---- edits ----------------------------------------------------------------

struct H {  // closes an HDF5 id of any kind
  hid_t id = -1;
  H() = default;
  explicit H(hid_t i) : id(i) {}
  H(const H&) = delete;
  H& operator=(const H&) = delete;
  H(H&& o) noexcept : id(o.id) { o.id = -1; }
  H& operator=(H&& o) noexcept {
    if (this != &o) {
      if (id >= 0) H5Idec_ref(id);
      id = o.id;
      o.id = -1;
    }
    return *this;
  }
  ~H() {
    if (id >= 0) H5Idec_ref(id);
  }
  operator hid_t() const { return id; }
  bool ok() const { return id >= 0; }
};

double special(std::uint8_t kind, Bytes& in, std::size_t i) {
  switch (kind % 16) {
    case 0: return 0.0;
    case 1: return std::numeric_limits<double>::quiet_NaN();
    case 2: return std::numeric_limits<double>::infinity();
    case 3: return -std::numeric_limits<double>::infinity();
    case 4: return 1e308;
    case 5: return -1e308;
    case 6: return -1.0;
    case 7: return 1.0;
    case 8: return 2147483648.0;
    case 9: return 9.3e18;
    case 10: return 5e-324;
    case 11: return std::bit_cast<double>(in.u64());
    case 12: return static_cast<double>(i);
    case 13: return 0.5;
    case 14: return -0.0;
    default: return static_cast<double>(static_cast<std::int8_t>(in.u8()));
  }
}

// A file datatype: 0 f64, 1 f32, 2 i32, 3 i64, 4 u64, 5 u8, 6 fixed string, 7 variable string.
hid_t make_type(std::uint8_t t, std::size_t string_size) {
  switch (t % 8) {
    case 0: return H5Tcopy(H5T_IEEE_F64LE);
    case 1: return H5Tcopy(H5T_IEEE_F32LE);
    case 2: return H5Tcopy(H5T_STD_I32LE);
    case 3: return H5Tcopy(H5T_STD_I64LE);
    case 4: return H5Tcopy(H5T_STD_U64LE);
    case 5: return H5Tcopy(H5T_STD_U8LE);
    case 6: {
      const hid_t s = H5Tcopy(H5T_C_S1);
      H5Tset_size(s, std::max<std::size_t>(string_size, 1));
      H5Tset_cset(s, H5T_CSET_UTF8);
      return s;
    }
    default: {
      const hid_t s = H5Tcopy(H5T_C_S1);
      H5Tset_size(s, H5T_VARIABLE);
      H5Tset_cset(s, H5T_CSET_UTF8);
      return s;
    }
  }
}

// A dataspace: scalar, rank 1-3 (dims 0..63, or 4096), null, or [0].
hid_t make_space(Bytes& in, hsize_t& points) {
  const std::uint8_t r = in.u8() % 6;
  points = 1;
  if (r == 0) return H5Screate(H5S_SCALAR);
  if (r == 4) {
    points = 0;
    return H5Screate(H5S_NULL);
  }
  if (r == 5) {
    points = 0;
    const hsize_t zero = 0;
    return H5Screate_simple(1, &zero, nullptr);
  }
  hsize_t dims[3];
  for (int i = 0; i < r; ++i) {
    const std::uint8_t d = in.u8();
    dims[i] = d == 255 ? 4096 : d % 64;
    points *= dims[i];
  }
  if (points > (1u << 16)) {
    dims[0] = 1;
    points = 1;
    for (int i = 1; i < r; ++i) points *= dims[i];
  }
  return H5Screate_simple(r, dims, nullptr);
}

// Writes `points` values of `type` through write(mem_type, buffer).
template <class Write>
void fill(hid_t type, hsize_t points, Bytes& in, Write&& write) {
  if (points == 0) return;
  const std::uint8_t kind = in.u8();
  const H5T_class_t cls = H5Tget_class(type);
  if (cls == H5T_STRING) {
    const std::string text = in.take(in.u8());
    if (H5Tis_variable_str(type) > 0) {
      std::vector<const char*> ptrs(points, text.c_str());
      write(type, ptrs.data());
    } else {
      const std::size_t size = H5Tget_size(type);
      std::vector<char> buf(points * size, '\0');
      for (hsize_t i = 0; i < points; ++i) std::memcpy(buf.data() + i * size, text.data(), std::min(size, text.size()));
      write(type, buf.data());
    }
    return;
  }
  std::vector<double> v(points);
  for (hsize_t i = 0; i < points; ++i) v[i] = special(kind, in, i);
  write(H5T_NATIVE_DOUBLE, v.data());
}

void delete_attr(hid_t file, const std::string& obj, const std::string& name) {
  if (H5Aexists_by_name(file, obj.c_str(), name.c_str(), H5P_DEFAULT) > 0)
    H5Adelete_by_name(file, obj.c_str(), name.c_str(), H5P_DEFAULT);
}

// The type and dataspace of a replacement object, read from the input.
struct NewObject {
  H type, space;
  hsize_t points = 0;
  bool ok() const { return type.ok() && space.ok(); }
};
NewObject new_object(Bytes& in) {
  const std::uint8_t t = in.u8();
  const std::size_t string_size = in.u8();
  NewObject o;
  o.type = H(make_type(t, string_size));
  o.space = H(make_space(in, o.points));
  return o;
}

void replace_attr(hid_t file, const std::string& obj, const std::string& name, Bytes& in) {
  const NewObject n = new_object(in);
  if (!n.ok()) return;
  const hid_t type = n.type, space = n.space;
  const hsize_t points = n.points;
  delete_attr(file, obj, name);
  H a(H5Acreate_by_name(file, obj.c_str(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!a.ok()) return;
  fill(type, points, in, [&](hid_t mem, const void* buf) { H5Awrite(a, mem, buf); });
}

void replace_dataset(hid_t file, const std::string& path, Bytes& in) {
  const NewObject n = new_object(in);
  if (!n.ok()) return;
  const hid_t type = n.type, space = n.space;
  const hsize_t points = n.points;
  H5Ldelete(file, path.c_str(), H5P_DEFAULT);
  H d(H5Dcreate2(file, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!d.ok()) return;
  fill(type, points, in, [&](hid_t mem, const void* buf) { H5Dwrite(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); });
}

// One element (or, with the high bit of the kind, every element) of a dataset.
void poke_dataset(hid_t file, const std::string& path, Bytes& in) {
  const std::uint16_t index = in.u16();
  const std::uint8_t kind = in.u8();
  if (H5Oexists_by_name(file, path.c_str(), H5P_DEFAULT) <= 0) return;
  H obj(H5Oopen(file, path.c_str(), H5P_DEFAULT));
  if (!obj.ok() || H5Iget_type(obj) != H5I_DATASET) return;
  H space(H5Dget_space(obj));
  H type(H5Dget_type(obj));
  if (!space.ok() || !type.ok()) return;
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n <= 0 || n > (1 << 22)) return;
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) return;
  if (kind & 0x80) {
    std::vector<double> v(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = special(kind, in, i);
    H5Dwrite(obj, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    return;
  }
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0))), coord(dims.size());
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  hsize_t k = index % static_cast<hsize_t>(n);
  for (int i = rank - 1; i >= 0; --i) {
    coord[i] = k % dims[i];
    k /= dims[i];
  }
  const double v = special(kind, in, 0);
  if (rank > 0 && H5Sselect_elements(space, H5S_SELECT_SET, 1, coord.data()) < 0) return;
  H mem(H5Screate(H5S_SCALAR));
  H5Dwrite(obj, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &v);
}

std::int64_t int_value(std::uint8_t kind, std::int64_t orig, Bytes& in) {
  switch (kind % 12) {
    case 0: return 0;
    case 1: return -1;
    case 2: return 1;
    case 3: return std::numeric_limits<std::int64_t>::max();
    case 4: return std::numeric_limits<std::int64_t>::min();
    case 5: return static_cast<std::int64_t>(static_cast<std::uint64_t>(orig) + 1);  // wraps, as an edit may
    case 6: return static_cast<std::int64_t>(static_cast<std::uint64_t>(orig) - 1);
    case 7: return static_cast<std::int64_t>(in.u64());
    case 8: return std::int64_t{1} << 32;
    case 9: return static_cast<std::int64_t>(kPaths);
    case 10: return static_cast<std::int64_t>(kPaths / 2);
    default: return std::int64_t{1} << 40;
  }
}

// H5Aread writes every element: the harness reads only single-element attributes.
bool one_element(hid_t attribute) {
  H space(H5Aget_space(attribute));
  return space.ok() && H5Sget_simple_extent_npoints(space) == 1;
}

bool read_attr_i64(hid_t file, const std::string& obj, const std::string& name, std::int64_t& v) {
  if (H5Aexists_by_name(file, obj.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return false;
  H a(H5Aopen_by_name(file, obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  return a.ok() && one_element(a) && H5Aread(a, H5T_NATIVE_INT64, &v) >= 0;
}

void write_attr_i64(hid_t file, const std::string& obj, const std::string& name, std::int64_t v) {
  delete_attr(file, obj, name);
  H space(H5Screate(H5S_SCALAR));
  H a(H5Acreate_by_name(file, obj.c_str(), name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (a.ok()) H5Awrite(a, H5T_NATIVE_INT64, &v);
}

std::string read_attr_string(hid_t file, const std::string& obj, const std::string& name) {
  if (H5Aexists_by_name(file, obj.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return {};
  H a(H5Aopen_by_name(file, obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  if (!a.ok() || !one_element(a)) return {};
  H type(H5Aget_type(a));
  if (!type.ok() || H5Tget_class(type) != H5T_STRING) return {};
  if (H5Tis_variable_str(type) > 0) {
    char* buf = nullptr;
    H mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, H5T_VARIABLE);
    if (H5Aread(a, mem, &buf) < 0) return {};
    std::string s = buf ? buf : "";
    H5free_memory(buf);
    return s;
  }
  std::string s(H5Tget_size(type), '\0');
  if (H5Aread(a, type, s.data()) < 0) return {};
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

void write_attr_string(hid_t file, const std::string& obj, const std::string& name, const std::string& value,
                       bool variable) {
  delete_attr(file, obj, name);
  H type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, variable ? H5T_VARIABLE : std::max<std::size_t>(value.size(), 1));
  H5Tset_cset(type, H5T_CSET_UTF8);
  H space(H5Screate(H5S_SCALAR));
  H a(H5Acreate_by_name(file, obj.c_str(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!a.ok()) return;
  if (variable) {
    const char* p = value.c_str();
    H5Awrite(a, type, &p);
  } else {
    std::string buf = value;
    if (buf.empty()) buf.push_back('\0');
    H5Awrite(a, type, buf.data());
  }
}

// The known string values worth trying in a string attribute.
const char* const kStrings[] = {"pfsim-results", "pfsim-partial", "pfsim-goal-seek", "1", "2", "0", "-1", "",
                                "run.paths=64\n", "run.paths=0\n", "a\nb\nc\n"};

void apply_edit(hid_t file, const BaseFile& base, Bytes& in) {
  const std::uint8_t op = in.u8() % 10;
  const auto& obj = base.objects.empty() ? std::string("/") : base.objects[in.u16() % base.objects.size()];
  const auto& attr = base.attrs[in.u16() % base.attrs.size()];
  switch (op) {
    case 0:  // delete a dataset or group
      H5Ldelete(file, obj.c_str(), H5P_DEFAULT);
      break;
    case 1:  // delete an attribute
      delete_attr(file, attr.first, attr.second);
      break;
    case 2:  // a dataset of another type, rank, shape and values
      replace_dataset(file, obj, in);
      break;
    case 3:  // an attribute of another type, rank, shape and values
      replace_attr(file, attr.first, attr.second, in);
      break;
    case 4:  // a special value in one element, or in all
      poke_dataset(file, obj, in);
      break;
    case 5: {  // an integer attribute
      std::int64_t v = 0;
      read_attr_i64(file, attr.first, attr.second, v);
      write_attr_i64(file, attr.first, attr.second, int_value(in.u8(), v, in));
      break;
    }
    case 6: {  // a string attribute: a known value, or the old value edited
      const std::uint8_t how = in.u8();
      std::string s;
      if (how & 1) {
        s = kStrings[(how >> 1) % std::size(kStrings)];
      } else {
        s = read_attr_string(file, attr.first, attr.second);
        const std::size_t pos = s.empty() ? 0 : in.u16() % (s.size() + 1);
        const std::size_t del = in.u8();
        s.erase(pos, del);
        s.insert(pos, in.take(in.u8()));
      }
      write_attr_string(file, attr.first, attr.second, s, how & 2);
      break;
    }
    case 7: {  // one object copied over another
      const auto& src = base.objects.empty() ? std::string("/") : base.objects[in.u16() % base.objects.size()];
      if (src == obj || H5Oexists_by_name(file, src.c_str(), H5P_DEFAULT) <= 0) break;
      H5Ldelete(file, obj.c_str(), H5P_DEFAULT);
      H5Ocopy(file, src.c_str(), file, obj.c_str(), H5P_DEFAULT, H5P_DEFAULT);
      break;
    }
    case 8: {  // a dangling or cyclic soft link instead of the object
      const bool cycle = in.u8() & 1;
      H5Ldelete(file, obj.c_str(), H5P_DEFAULT);
      H5Lcreate_soft(cycle ? obj.c_str() : "/no/such/object", file, obj.c_str(), H5P_DEFAULT, H5P_DEFAULT);
      break;
    }
    default: {  // an attribute moved onto another name (a renamed key)
      const auto& to = base.attrs[in.u16() % base.attrs.size()];
      if (to.first != attr.first || to.second == attr.second) break;
      delete_attr(file, to.first, to.second);
      H5Arename_by_name(file, attr.first.c_str(), attr.second.c_str(), to.second.c_str(), H5P_DEFAULT);
      break;
    }
  }
}

void edit_copy(const BaseFile& base, const std::string& out, Bytes& in) {
  fs::copy_file(base.path, out, fs::copy_options::overwrite_existing);
  const hid_t file = H5Fopen(out.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) std::abort();
  for (int k = 0; k < kMaxEdits && !in.empty(); ++k) apply_edit(file, base, in);
  // Every object is closed by now; a file with open objects would stay open.
  if (H5Fget_obj_count(file, H5F_OBJ_ALL) != 1) {
    std::fprintf(stderr, "fuzz_results: an edit left an HDF5 object open\n");
    std::abort();
  }
  if (H5Fclose(file) < 0) std::abort();
}

// ---- readers ---------------------------------------------------------------

void read_results(const Setup& s, std::uint8_t flags) {
  std::ostringstream out;
  // The text and the JSON summary, for chosen years (some outside the run:
  // bad input) and for the years chosen from the file.
  pfsim::SummaryRequest request;
  request.json = (flags & 4) != 0;
  if (flags & 2) request.years = {2024, 2100, 1900, 3000};
  else if (flags & 8) request.years = {2030, 2050};
  PFSIM_FUZZ_EXPECTED(pfsim::print_summary(s.work, request, out))
  PFSIM_FUZZ_EXPECTED(pfsim::show_summary(s.work, {}, out))
  PFSIM_FUZZ_EXPECTED((void)pfsim::read_partial_info(s.work))
}

void read_partial(const Setup& s, int which, std::uint8_t flags) {
  PFSIM_FUZZ_EXPECTED({
    const auto info = pfsim::read_partial_info(s.work);
    PFSIM_FUZZ_EXPECTED(auto sample = pfsim::read_partial_sample(s.work); (void)sample)
    if (info.paths >= 2)
      PFSIM_FUZZ_EXPECTED(auto sample = pfsim::read_partial_range(s.work, info.first_path + 1, info.paths - 2); (void)sample)
    PFSIM_FUZZ_EXPECTED(auto sample = pfsim::read_partial_range(s.work, info.first_path, 1); (void)sample)
    std::vector<std::pair<std::string, pfsim::PartialInfo>> parts;
    parts.emplace_back(s.work, info);
    parts.emplace_back(s.other_shard[which], pfsim::read_partial_info(s.other_shard[which]));
    std::vector<std::string> ordered;
    PFSIM_FUZZ_EXPECTED((void)pfsim::check_partials(parts, &ordered))
    PFSIM_FUZZ_EXPECTED((void)pfsim::partial_layout(s.work))
  })
  if (flags & 1) {
    pfsim::MergeRequest m;
    m.parts = {s.work, s.other_shard[which]};
    m.output = s.merged;
    m.threads = 1;
    m.quiet = true;
    // Beyond the memory limit the merge reads the parts where they are.
    if (flags & 16) m.memory_limit = "1kB";
    std::ostringstream out, err;
    std::error_code ec;
    fs::remove(s.merged, ec);
    PFSIM_FUZZ_EXPECTED({
      pfsim::merge_command(m, nullptr, out, err);
      pfsim::show_summary(s.merged, {}, out);
    })
  }
}

void resume_checkpoint(const Setup& s) {
  const std::string chunk = s.ckpt_dir + "/" + fmt::format("chunk-{:012}.h5", 0);
  fs::copy_file(s.work, chunk, fs::copy_options::overwrite_existing);
  pfsim::SamplePlan plan;
  plan.first = 0;
  plan.count = kPaths;
  plan.checkpoint_dir = s.ckpt_dir;
  plan.engine.threads = 1;
  PFSIM_FUZZ_EXPECTED({
    plan.storage = pfsim::resolve_storage(s.ckpt_cfg->run, s.merged, pfsim::sample_bytes(*s.ckpt_model, kPaths));
    pfsim::SampleReport report;
    auto sample = pfsim::produce_sample(*s.ckpt_model, *s.ckpt_cfg, plan, &report);
    // A chunk that passed every check is read back, never simulated again.
    if (report.resumed_paths != kPaths) __builtin_trap();
  })
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& s = setup();
  Bytes in(data, size);
  const std::uint8_t which = in.u8() % 5;
  const std::uint8_t flags = in.u8();
  edit_copy(s.bases[which], s.work, in);
  switch (which) {
    case 0:
    case 1: read_results(s, flags); break;
    case 2:
    case 3: read_partial(s, which - 2, flags); break;
    default: resume_checkpoint(s); break;
  }
  return 0;
}
