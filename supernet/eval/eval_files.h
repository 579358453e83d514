// Reading hypothesis and reference files for scoring: one segment a line, empty lines allowed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hat::eval {

// Every line of a UTF-8 text file ("\n"-separated; one trailing "\r" dropped; a final line
// without "\n" counts; empty lines kept). Throws hat::Error naming the file when it cannot be
// read, and the file and 1-based line when a line is not valid UTF-8.
std::vector<std::string> read_segments(const std::filesystem::path& path);

// Hypotheses and reference streams read and checked together: every reference file has the
// hypothesis file's line count (else an error naming both files and both counts), and every
// line has at least one non-empty reference (else an error naming the reference file(s) and
// the line).
struct ScoringInput {
  std::vector<std::string> hyps;
  std::vector<std::vector<std::string>> refs;  // refs[r][i]
};
ScoringInput read_scoring_input(const std::filesystem::path& hyp_path,
                                const std::vector<std::filesystem::path>& ref_paths);

}  // namespace hat::eval
