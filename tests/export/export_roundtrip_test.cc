// hatexport's round trip: a model directory computes what its SubTransformer computed inside
// the SuperTransformer (log-probabilities within 1e-5, identical beam search, the same loss),
// at the true size (element count = the analytic parameter count).
#include <set>

#include "devices/error.h"
#include "supernet/checkpoint/checkpoint.h"
#include "supernet/checkpoint/safetensors.h"
#include "supernet/decode/incremental_decoder.h"
#include "supernet/export/exporter.h"
#include "supernet/export/model_directory.h"
#include "supernet/translate/model_loader.h"
#include "supernet/translate/translator.h"
#include "tests/export/export_fixture.h"
#include "util/sha256.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

struct Case {
  const char* name;  // of the test instance
  const char* space;
  const char* arch;  // YAML, or "largest"
};

class ExportRoundTrip : public test::ExportFixture, public ::testing::WithParamInterface<Case> {
 protected:
  void SetUp() override {
    const data::DataDirectory data(data_dir());
    loaded_ = translate::load_model(save_dir(GetParam().space), data);
    arch_ = std::string(GetParam().arch) == "largest" ? translate::resolve_arch("largest", loaded_)
                                                      : arch_of(GetParam().arch);
    out_ = root() / str("model-", GetParam().space, "-", arch::arch_hash(arch_));
    standalone::ExportOptions options;
    options.out = out_;
    options.force = true;
    summary_ = standalone::export_model(loaded_, arch_, data, options);
  }
  translate::LoadedModel loaded_;
  arch::ArchConfig arch_;
  fs::path out_;
  standalone::ExportSummary summary_;
};

TEST_P(ExportRoundTrip, HoldsOnlyTrueSizeTensorsCountedAnalytically) {
  const model::SuperTransformer& super = *loaded_.model;
  EXPECT_EQ(summary_.parameters, super.parameter_count(arch_, true));
  EXPECT_EQ(summary_.parameters_without_embeddings, super.parameter_count(arch_, false));
  const checkpoint::SafetensorsContents file =
      checkpoint::read_safetensors(out_ / standalone::kModelWeightsFile);
  int64_t elements = 0;
  for (const auto& [name, t] : file.tensors) elements += t.numel();
  EXPECT_EQ(elements, super.parameter_count(arch_, true));
  const int64_t de = arch_.encoder_embed_dim, dd = arch_.decoder_embed_dim,
                V = super.dims().vocab_size;
  for (int64_t l = 0; l < arch_.encoder_layers; ++l)
    EXPECT_EQ(file.tensors.at(str("encoder.layers.", l, ".fc1.weight")).shape(),
              (Shape{arch_.encoder_ffn_dims[l], de}));
  for (int64_t l = 0; l < arch_.decoder_layers; ++l)
    EXPECT_EQ(file.tensors.at(str("decoder.layers.", l, ".fc2.weight")).shape(),
              (Shape{dd, arch_.decoder_ffn_dims[l]}));
  EXPECT_EQ(file.tensors.count(str("encoder.layers.", arch_.encoder_layers, ".fc1.weight")), 0u);
  if (super.dims().share_all_embeddings) {
    EXPECT_EQ(file.tensors.at("encoder.embed_tokens.weight").shape(), (Shape{V, std::max(de, dd)}));
    EXPECT_EQ(file.tensors.count("decoder.embed_out"), 0u);
  } else {
    EXPECT_EQ(file.tensors.at("encoder.embed_tokens.weight").shape(), (Shape{V, de}));
    EXPECT_EQ(file.tensors.at("decoder.embed_tokens.weight").shape(), (Shape{V, dd}));
    EXPECT_EQ(file.tensors.at("decoder.embed_out").shape(), (Shape{V, dd}));
  }
  const std::string cross = "decoder.layers.0.encoder_attn.";
  EXPECT_EQ(file.tensors.count(cross + "in_proj_weight"), de == dd ? 1u : 0u);
  EXPECT_EQ(file.tensors.count(cross + "q_proj_weight"), de == dd ? 0u : 1u);
  // The values are the SuperTransformer's leading blocks.
  const Tensor& fc1 = loaded_.model->parameters().value("encoder.layers.0.fc1.weight");
  EXPECT_TRUE(test::same_bytes(file.tensors.at("encoder.layers.0.fc1.weight"),
                               fc1.leading({arch_.encoder_ffn_dims[0], de}).clone()));
}

TEST_P(ExportRoundTrip, LoadsWithTheArchitectureVocabularyAndProvenance) {
  const standalone::ModelDirectory m = standalone::load_model_directory(out_);
  EXPECT_EQ(m.arch, arch_);
  EXPECT_EQ(m.loaded.trained_arch, arch_);
  EXPECT_EQ(m.vocabulary.size(), loaded_.model->dims().vocab_size);
  EXPECT_EQ(m.loaded.update, 7);
  EXPECT_EQ(m.loaded.space.hash, loaded_.space.hash);
  EXPECT_EQ(m.config.parameters, summary_.parameters);
  EXPECT_EQ(m.config.provenance.at("checkpoint_model_sha256"),
            util::sha256_file(loaded_.checkpoint / checkpoint::kModelFile));
  // The standalone model is no larger than the SubTransformer (plus zeros it never reads).
  const arch::ModelDims& d = m.loaded.model->dims();
  EXPECT_EQ(d.encoder_layers_max, arch_.encoder_layers);
  EXPECT_EQ(arch::encoder_positions_width(d), arch::encoder_positions_width(loaded_.model->dims()));
  EXPECT_EQ(m.loaded.model->parameter_count(arch_, true), summary_.parameters);
}

TEST_P(ExportRoundTrip, LogProbabilitiesAndLossEqualTheSuperTransformers) {
  standalone::ModelDirectory m = standalone::load_model_directory(out_);
  const model::ModelBatch batch = test::make_batch({{4, 9, 11, 5, 7, 20, 33}, {12, 6, 8}, {40, 41}},
                                                   {{5, 10, 4, 12, 50}, {7, 9}, {17, 18, 19}});
  decode::IncrementalDecoder inside(*loaded_.model, arch_);
  decode::IncrementalDecoder alone(*m.loaded.model, m.arch);
  inside.encode(batch.source, batch.source_lengths);
  alone.encode(batch.source, batch.source_lengths);
  std::vector<int32_t> prev(3, 2);
  for (int step = 0; step < 5; ++step) {
    const Tensor a = inside.step(prev).clone();
    const Tensor b = alone.step(prev).clone();
    EXPECT_TRUE(test::all_close(b, a, 0, 1e-5)) << "step " << step;
    for (int32_t& t : prev) t = 4 + (t * 7 + step) % 50;
  }
  const model::LossSums x = loaded_.model->evaluate(arch_, batch, 0.1);
  const model::LossSums y = m.loaded.model->evaluate(m.arch, batch, 0.1);
  EXPECT_NEAR(y.loss, x.loss, 1e-4 * std::abs(x.loss));
  EXPECT_NEAR(y.nll, x.nll, 1e-4 * std::abs(x.nll));
}

TEST_P(ExportRoundTrip, BeamSearchTranslationsAreIdentical) {
  const standalone::ModelDirectory m = standalone::load_model_directory(out_);
  const data::DataDirectory data(data_dir());
  const data::ParallelText text = data.load_text("test");
  decode::BeamSearchOptions search;
  search.beam = 4;
  search.max_len_b = 15;
  const data::Vocabulary vocabulary = data.vocabulary();
  translate::Translator inside(*loaded_.model, arch_, vocabulary, search, 4096);
  translate::Translator alone(*m.loaded.model, m.arch, m.vocabulary, search, 4096);
  const std::vector<std::string> expected = inside.translate(text.source);
  EXPECT_EQ(alone.translate(text.source), expected);
  EXPECT_GT(inside.generated_tokens(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Architectures, ExportRoundTrip,
    ::testing::Values(Case{"SharedNarrowEncoder", "shared", test::kSharedArch},
                      Case{"SeparateEqualWidths", "separate", test::kSeparateArch},
                      Case{"SeparateLargest", "separate", "largest"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace hat
