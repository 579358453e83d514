// What hatexport and loading a model directory refuse, with a message naming the fault: a
// missing, altered or corrupt file, an existing output, an architecture outside the space,
// another vocabulary; and that no failure leaves anything half-written behind.
#include <fstream>

#include "devices/error.h"
#include "supernet/export/exporter.h"
#include "supernet/export/model_config.h"
#include "supernet/export/model_directory.h"
#include "supernet/translate/model_loader.h"
#include "tests/export/export_fixture.h"
#include "util/text_lines.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

class ModelDirectoryErrors : public test::ExportFixture {
 protected:
  void SetUp() override {
    loaded_ = translate::load_model(save_dir("shared"), data::DataDirectory(data_dir()));
    model_ = root() / "model";
    fs::remove_all(model_);
    export_to(model_);
  }
  standalone::ExportSummary export_to(const fs::path& out, bool force = false) {
    standalone::ExportOptions options;
    options.out = out;
    options.force = force;
    return standalone::export_model(loaded_, arch_of(test::kSharedArch),
                                    data::DataDirectory(data_dir()), options);
  }
  // A copy of the model directory to damage.
  fs::path copy(const std::string& name) {
    const fs::path dir = root() / name;
    fs::remove_all(dir);
    fs::copy(model_, dir);
    return dir;
  }
  translate::LoadedModel loaded_;
  fs::path model_;
};

TEST_F(ModelDirectoryErrors, AMissingFileIsRefusedByName) {
  for (const char* file : {"spm.model", "model.safetensors", "config.json"}) {
    const fs::path dir = copy(str("missing-", file));
    fs::remove(dir / file);
    test::expect_error([&] { standalone::load_model_directory(dir); }, {dir.string(), file});
  }
}

TEST_F(ModelDirectoryErrors, AnAlteredByteIsRefusedByName) {
  for (const char* file : {"spm.model", "model.safetensors"}) {
    const fs::path dir = copy(str("altered-", file));
    {
      std::fstream f(dir / file, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(100);
      const char c = static_cast<char>(f.get());
      f.seekp(100);
      f.put(static_cast<char>(c ^ 0x01));
    }
    test::expect_error([&] { standalone::load_model_directory(dir); },
                       {file, "SHA-256", "altered"});
  }
  const fs::path truncated = copy("truncated");
  fs::resize_file(truncated / "model.safetensors",
                  fs::file_size(truncated / "model.safetensors") - 4);
  test::expect_error([&] { standalone::load_model_directory(truncated); },
                     {"model.safetensors", "truncated"});
}

TEST_F(ModelDirectoryErrors, ACorruptConfigIsRefusedByName) {
  const fs::path garbage = copy("garbage");
  std::ofstream(garbage / "config.json") << "{\"format\": \"hat-model\", ";
  test::expect_error([&] { standalone::load_model_directory(garbage); },
                     {"config.json", "not valid JSON"});
  const fs::path other = copy("other");
  std::ofstream(other / "config.json") << "{\"format\": \"something\"}";
  test::expect_error([&] { standalone::load_model_directory(other); },
                     {"config.json", "not a hat model config"});
  // Valid JSON whose dims do not match the architecture.
  const fs::path dims = copy("dims");
  nlohmann::json config = nlohmann::json::parse(util::read_file(model_ / "config.json"));
  config["model"]["encoder_layers"] = 3;
  std::ofstream(dims / "config.json") << config.dump();
  test::expect_error([&] { standalone::load_model_directory(dims); },
                     {"config.json", "do not match the architecture"});
}

TEST_F(ModelDirectoryErrors, AnExistingOutputIsRefusedWithoutForceAndReplacedWithIt) {
  const std::string before = util::read_file(model_ / "config.json");
  test::expect_error([&] { export_to(model_); }, {model_.string(), "already exists", "--force"});
  EXPECT_EQ(util::read_file(model_ / "config.json"), before);
  EXPECT_TRUE(no_temporaries(root()));
  EXPECT_NO_THROW(export_to(model_, true));
  EXPECT_NO_THROW(standalone::load_model_directory(model_));
  EXPECT_TRUE(no_temporaries(root()));
  // Force replaces a model directory, never anything else.
  const fs::path other = root() / "not-a-model";
  fs::create_directories(other);
  std::ofstream(other / "notes.txt") << "mine";
  test::expect_error([&] { export_to(other, true); }, {other.string(), "not a model directory"});
  EXPECT_TRUE(fs::exists(other / "notes.txt"));
}

TEST_F(ModelDirectoryErrors, FailuresLeaveNothingBehind) {
  const fs::path out = root() / "never";
  arch::ArchConfig outside = arch_of(test::kSharedArch);
  outside.decoder_ffn_dims[0] = 56;  // fits the maxima, not the space's choices
  standalone::ExportOptions options;
  options.out = out;
  const data::DataDirectory data(data_dir());
  test::expect_error([&] { standalone::export_model(loaded_, outside, data, options); },
                     {"56", "not in the space"});
  std::ofstream(root() / "result.json") << "{ not json";
  options.search_result = root() / "result.json";
  test::expect_error(
      [&] { standalone::export_model(loaded_, arch_of(test::kSharedArch), data, options); },
      {"result.json", "not valid JSON"});
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(no_temporaries(root()));
}

TEST_F(ModelDirectoryErrors, AnotherVocabularyIsRefused) {
  // The data directory's spm.model altered in place: metadata.json still records the
  // checkpoint's checksum, so only the exporter's own check of the copied bytes can tell.
  const fs::path other = root() / "other-data";
  fs::remove_all(other);
  fs::copy(data_dir(), other);
  {
    std::fstream f(other / "spm.model", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  const data::DataDirectory data(other);
  standalone::ExportOptions options;
  options.out = root() / "other-model";
  test::expect_error(
      [&] { standalone::export_model(loaded_, arch_of(test::kSharedArch), data, options); },
      {"spm.model", "another vocabulary"});
  EXPECT_FALSE(fs::exists(options.out));
  // A model directory against a data directory of another vocabulary (metadata says so).
  const standalone::ModelConfig config = standalone::read_model_config(model_);
  standalone::ModelConfig changed = config;
  changed.vocab_sha256 = std::string(64, '0');
  test::expect_error(
      [&] { standalone::check_model_vocabulary(changed, model_, data::DataDirectory(data_dir())); },
      {"another vocabulary"});
  EXPECT_NO_THROW(
      standalone::check_model_vocabulary(config, model_, data::DataDirectory(data_dir())));
}

TEST_F(ModelDirectoryErrors, ArchAndSearchResultAreChecked) {
  const standalone::ModelDirectory m = standalone::load_model_directory(model_);
  EXPECT_EQ(standalone::resolve_model_arch("", m), m.arch);
  EXPECT_EQ(standalone::resolve_model_arch("trained", m), m.arch);
  std::ofstream(root() / "other.yml") << test::kSeparateArch;
  test::expect_error([&] { standalone::resolve_model_arch((root() / "other.yml").string(), m); },
                     {"is not the architecture of", "leave --arch out"});
  // A search result is kept in config.json; one naming another architecture is a warning.
  const nlohmann::json result = {{"runs", {{{"arch", test::kSeparateArch}}}}};
  std::ofstream(root() / "result.json") << result.dump();
  standalone::ExportOptions options;
  options.out = root() / "searched";
  options.search_result = root() / "result.json";
  std::vector<std::string> warnings;
  standalone::export_model(loaded_, arch_of(test::kSharedArch), data::DataDirectory(data_dir()),
                           options, [&](const std::string& w) { warnings.push_back(w); });
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("does not name"), std::string::npos) << warnings[0];
  const standalone::ModelConfig config = standalone::read_model_config(options.out);
  EXPECT_EQ(config.provenance.at("search_result").at("result"), result);
}

}  // namespace
}  // namespace hat
