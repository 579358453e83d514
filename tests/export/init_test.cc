// hattrain --init's engine: a model directory's tensors become the leading blocks of the fresh
// SuperTransformer a fixed-architecture run trains, and only when they mean the same there.
#include "devices/error.h"
#include "supernet/export/exporter.h"
#include "supernet/export/model_directory.h"
#include "supernet/export/subtransformer_tensors.h"
#include "supernet/train/trainer.h"
#include "supernet/translate/model_loader.h"
#include "tests/export/export_fixture.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

class InitFromModel : public test::ExportFixture {
 protected:
  void SetUp() override {
    const data::DataDirectory data(data_dir());
    const translate::LoadedModel loaded = translate::load_model(save_dir("shared"), data);
    model_ = root() / "model";
    standalone::ExportOptions options;
    options.out = model_;
    options.force = true;
    standalone::export_model(loaded, arch_of(test::kSharedArch), data, options);
  }
  // A run of 0 updates: it saves the initial parameters as checkpoint_00000000.
  train::TrainerConfig config(const std::string& save, const std::string& space_yaml) const {
    train::TrainerConfig c;
    c.data_dir = data_dir();
    c.save_dir = root() / save;
    c.space = arch::parse_space_file(space_yaml, "tiny", "test");
    c.settings = c.space.settings;
    c.settings.max_update = 0;
    c.arch = arch_of(test::kSharedArch);
    c.init_model = model_;
    return c;
  }
  fs::path model_;
};

TEST_F(InitFromModel, TheModelsTensorsBecomeTheLeadingBlocks) {
  const train::TrainResult result = train::train(config("run", test::shared_space_yaml()));
  const translate::LoadedModel trained =
      translate::load_model(result.last_checkpoint, data::DataDirectory(data_dir()));
  const standalone::ModelDirectory m = standalone::load_model_directory(model_);
  const std::vector<standalone::SubTensor> inside =
      standalone::subtransformer_tensors(*trained.model, m.arch);
  const std::vector<standalone::SubTensor> alone =
      standalone::subtransformer_tensors(*m.loaded.model, m.arch);
  ASSERT_EQ(inside.size(), alone.size());
  for (size_t i = 0; i < inside.size(); ++i) {
    ASSERT_EQ(inside[i].name, alone[i].name);
    EXPECT_TRUE(test::same_bytes(standalone::gather(inside[i]), standalone::gather(alone[i])))
        << inside[i].name;
  }
  EXPECT_EQ(trained.trainer.at("init_model"), fs::absolute(model_).string());
}

TEST_F(InitFromModel, AnotherArchitectureOrPositionTableIsRefused) {
  train::TrainerConfig other = config("other-arch", test::shared_space_yaml());
  other.arch->decoder_ffn_dims[0] = 48;
  test::expect_error([&] { train::train(other); }, {"--init", "holds architecture"});
  // A space of width 40: the same architecture fits, but HAT's position table would be built
  // at width 40, not at the 32 the weights were trained with.
  std::string wide = test::shared_space_yaml();
  for (const char* key : {"encoder-embed-dim: 32", "decoder-embed-dim: 32"})
    wide.replace(wide.find(key), 21, std::string(key).substr(0, 19) + "40");
  for (const char* key : {"encoder-embed-choice: [32, 24]", "decoder-embed-choice: [32, 24]"})
    wide.replace(wide.find(key), 30, std::string(key).substr(0, 22) + "[40, 32, 24]");
  test::expect_error([&] { train::train(config("wide", wide)); }, {"position tables", "32", "40"});
}

}  // namespace
}  // namespace hat
