// hattrain --export's engine: the run's best checkpoint (its last when none is marked best)
// becomes a model directory of the run's SubTransformer.
#include "devices/error.h"
#include "supernet/export/model_config.h"
#include "supernet/export/trained_export.h"
#include "tests/export/export_fixture.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

class TrainedExportTest : public test::ExportFixture {
 protected:
  static standalone::ExportOptions to(const std::string& name) {
    standalone::ExportOptions request;
    request.out = root() / name;
    return request;
  }
};

TEST_F(TrainedExportTest, ExportsTheBestCheckpointRatherThanTheLast) {
  const arch::ArchConfig arch = arch_of(test::kSharedArch);
  const standalone::TrainedExport e = standalone::export_trained_model(
      save_dir("shared"), save_dir("shared") / "no-such-checkpoint", data_dir(), arch, to("best"));
  EXPECT_TRUE(fs::equivalent(e.checkpoint, save_dir("shared") / "checkpoint_00000007")) << e.checkpoint;
  EXPECT_EQ(e.summary.dir, root() / "best");
  const standalone::ModelConfig config = standalone::read_model_config(root() / "best");
  EXPECT_EQ(config.arch, arch);
  EXPECT_EQ(config.parameters, e.summary.parameters);
  EXPECT_GT(e.summary.parameters, e.summary.parameters_without_embeddings);
}

TEST_F(TrainedExportTest, WithoutABestCheckpointTheLastIsExported) {
  const fs::path save = root() / "save-unvalidated";
  fs::create_directories(save);
  fs::copy(save_dir("separate") / "checkpoint_00000007", save / "checkpoint_00000007", fs::copy_options::recursive);
  const arch::ArchConfig arch = arch_of(test::kSeparateArch);
  const standalone::TrainedExport e = standalone::export_trained_model(
      save, save / "checkpoint_00000007", data_dir(), arch, to("last"));
  EXPECT_EQ(e.checkpoint, save / "checkpoint_00000007");
  EXPECT_EQ(standalone::read_model_config(root() / "last").arch, arch);
}

TEST_F(TrainedExportTest, AnExistingModelDirectoryNeedsForce) {
  const arch::ArchConfig arch = arch_of(test::kSharedArch);
  standalone::export_trained_model(save_dir("shared"), {}, data_dir(), arch, to("twice"));
  EXPECT_THROW(
      standalone::export_trained_model(save_dir("shared"), {}, data_dir(), arch, to("twice")),
      Error);
  standalone::ExportOptions forced = to("twice");
  forced.force = true;
  EXPECT_EQ(standalone::export_trained_model(save_dir("shared"), {}, data_dir(), arch, forced)
                .summary.dir,
            root() / "twice");
}

}  // namespace
}  // namespace hat
