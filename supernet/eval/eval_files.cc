// Reading hypothesis and reference files: strict UTF-8, equal line counts, errors naming files.
#include "supernet/eval/eval_files.h"

#include <fstream>
#include <sstream>

#include "devices/error.h"
#include "util/utf8.h"

namespace hat::eval {

std::vector<std::string> read_segments(const std::filesystem::path& path) {
  std::error_code ec;
  HAT_CHECK(std::filesystem::is_regular_file(path, ec), "eval: cannot read ", path,
            ": no such file");
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in.good(), "eval: cannot open ", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  HAT_CHECK(!in.bad(), "eval: error reading ", path);
  const std::string text = buffer.str();

  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t bad = util::find_invalid_utf8(line);
    HAT_CHECK(bad == std::string_view::npos, "eval: ", path, " line ", lines.size() + 1,
              " is not valid UTF-8 (byte ", bad + 1, ")");
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

ScoringInput read_scoring_input(const std::filesystem::path& hyp_path,
                                const std::vector<std::filesystem::path>& ref_paths) {
  HAT_CHECK(!ref_paths.empty(), "eval: no reference file given");
  ScoringInput input;
  input.hyps = read_segments(hyp_path);
  for (const auto& ref_path : ref_paths) {
    input.refs.push_back(read_segments(ref_path));
    HAT_CHECK(input.refs.back().size() == input.hyps.size(), "eval: ", hyp_path, " has ",
              input.hyps.size(), " lines but ", ref_path, " has ", input.refs.back().size());
  }
  for (size_t i = 0; i < input.hyps.size(); ++i) {
    bool any = false;
    for (const auto& stream : input.refs) any |= !stream[i].empty();
    if (any) continue;
    std::string names;
    for (const auto& ref_path : ref_paths) names += (names.empty() ? "" : ", ") + ref_path.string();
    throw Error(str("eval: line ", i + 1, " of the references (", names,
                    ") is empty; sacreBLEU needs a reference for every line"));
  }
  return input;
}

}  // namespace hat::eval
