#pragma once
// Names and versions of pfsim's HDF5 files (docs/results-format.md), shared
// by every writer and reader so that the two cannot drift apart.
namespace pfsim::format {

// The root attribute "format" of each kind of file, and its "format_version".
inline constexpr const char* kResults = "pfsim-results";
inline constexpr int kResultsVersion = 1;
inline constexpr const char* kPartial = "pfsim-partial";
inline constexpr int kPartialVersion = 2;
inline constexpr const char* kGoalSeek = "pfsim-goal-seek";
inline constexpr int kGoalSeekVersion = 1;

// Root attributes and datasets.
inline constexpr const char* kFormatAttr = "format";
inline constexpr const char* kFormatVersionAttr = "format_version";
inline constexpr const char* kYears = "years";

// Groups of a results file.
inline constexpr const char* kMetrics = "metrics";
inline constexpr const char* kScalars = "scalars";
inline constexpr const char* kRisk = "risk";
inline constexpr const char* kCalibration = "calibration";
inline constexpr const char* kPaths = "paths";
inline constexpr const char* kDemography = "demography";
inline constexpr const char* kPyramids = "pyramids";
inline constexpr const char* kScenarios = "scenarios";
inline constexpr const char* kComparison = "comparison";

// Datasets of a partial file.
inline constexpr const char* kPartialYearValues = "year_values";
inline constexpr const char* kPartialScalars = "scalars";
inline constexpr const char* kPartialFloatScalars = "float_scalars";

}  // namespace pfsim::format
