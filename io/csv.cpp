#include "io/csv.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.h"

namespace pfsim {

namespace {
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    out.push_back(cell);
  }
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}
}  // namespace

CsvTable CsvTable::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError({path, 0, 0}, "", "cannot open the file");
  CsvTable t;
  t.path_ = path;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    // A UTF-8 byte order mark (spreadsheets write one) is not part of the
    // first column's name.
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      if (c < 0x20 && c != '\t' && c != '\r')
        throw InputError({path, number, static_cast<int>(i) + 1}, "",
                         fmt::format("not a text CSV file (control byte 0x{:02x})", c));
    }
    if (line.empty() || line == "\r" || line[0] == '#') continue;
    auto cells = split(line);
    if (t.header_.empty()) {
      t.header_ = std::move(cells);
      t.header_line_ = number;
      continue;
    }
    if (cells.size() != t.header_.size())
      throw InputError({path, number, 0}, "",
                       fmt::format("row has {} cells, the header has {}", cells.size(), t.header_.size()));
    t.cells_.push_back(std::move(cells));
    t.lines_.push_back(number);
  }
  if (t.header_.empty()) throw InputError({path, 0, 0}, "", "the file is empty (a header row is required)");
  return t;
}

bool CsvTable::has_column(const std::string& name) const {
  for (const auto& h : header_)
    if (h == name) return true;
  return false;
}

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  // The header is quoted in part only: the file may be anything a key named.
  std::string cols;
  for (std::size_t i = 0; i < header_.size() && i < 12; ++i) cols += (cols.empty() ? "'" : ", '") + excerpt(header_[i], 40) + "'";
  if (header_.size() > 12) cols += fmt::format(" and {} more", header_.size() - 12);
  throw InputError({path_, header_line_, 0}, "", fmt::format("no column '{}'; the header row has: {}", name, cols));
}

double CsvTable::number(std::size_t row, std::size_t col) const {
  const std::string& s = cells_[row][col];
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
    throw InputError({path_, lines_[row], static_cast<int>(col) + 1}, header_[col],
                     fmt::format("'{}' is not a number", excerpt(s, 40)));
  return v;
}

int CsvTable::whole(std::size_t row, std::size_t col, int lo, int hi) const {
  const double v = number(row, col);
  if (!(v >= lo && v <= hi) || v != std::floor(v))
    throw InputError({path_, lines_[row], static_cast<int>(col) + 1}, header_[col],
                     fmt::format("{} is not a whole number from {} to {}", v, lo, hi));
  return static_cast<int>(v);
}

}  // namespace pfsim
