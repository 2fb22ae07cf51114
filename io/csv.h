#pragma once
// A small strict CSV reader for pfsim's data files: a header row, comma
// separated, no quoting (the shipped files need none), a leading UTF-8 byte
// order mark ignored, '#' lines skipped. Errors name file and line, and
// quote the file's text only in short excerpts.
#include <string>
#include <vector>

namespace pfsim {

class CsvTable {
 public:
  static CsvTable read(const std::string& path);

  const std::string& path() const { return path_; }
  std::size_t rows() const { return cells_.size(); }
  bool has_column(const std::string& name) const;
  std::size_t column(const std::string& name) const;  // throws InputError naming the columns there are
  // Numeric cell; an empty cell or text is an error naming file, line and column.
  double number(std::size_t row, std::size_t col) const;
  // A whole-number cell in [lo, hi] (a year, an age); InputError otherwise.
  int whole(std::size_t row, std::size_t col, int lo, int hi) const;
  const std::string& text(std::size_t row, std::size_t col) const { return cells_[row][col]; }
  int line(std::size_t row) const { return lines_[row]; }
  const std::vector<std::string>& header() const { return header_; }

 private:
  std::string path_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> cells_;
  std::vector<int> lines_;
  int header_line_ = 0;
};

}  // namespace pfsim
