// The steps hateval's model mode and hatreport share: the split's first pairs, their timed
// translation, the loss smoothed as the model trained, and hateval's lines about them.
#include "experiments/evaluation/split_evaluation.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/data/special_tokens.h"
#include "tests/export/export_fixture.h"

namespace hat::experiments {
namespace {

class SplitEvaluation : public test::ExportFixture {
 protected:
  static standalone::InferenceModel open_largest() {
    standalone::ModelChoice choice;
    choice.checkpoint = save_dir("shared");
    choice.data = data_dir();
    return standalone::open_inference_model(choice);
  }
};

TEST_F(SplitEvaluation, FirstPairsCutsTheSplitOnlyWhenAsked) {
  const data::DataDirectory data(data_dir());
  const data::ParallelText all = data.load_text("test");
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(first_pairs(data, "test", 0).source, all.source);
  EXPECT_EQ(first_pairs(data, "test", 100).target, all.target);
  const data::ParallelText three = first_pairs(data, "test", 3);
  EXPECT_EQ(three.source, std::vector<std::string>(all.source.begin(), all.source.begin() + 3));
  EXPECT_EQ(three.target, std::vector<std::string>(all.target.begin(), all.target.begin() + 3));
}

TEST_F(SplitEvaluation, TranslationsAreTheTranslatorsInInputOrder) {
  const standalone::InferenceModel m = open_largest();
  const data::ParallelText text = first_pairs(data::DataDirectory(data_dir()), "valid", 6);
  decode::BeamSearchOptions search;
  search.beam = 2;
  const SplitTranslation t = translate_sources(m, text.source, search, 64);
  translate::Translator direct(*m.loaded.model, m.arch, m.vocabulary, search, 64);
  EXPECT_EQ(t.hypotheses, direct.translate(text.source));
  EXPECT_EQ(t.generated_tokens, direct.generated_tokens());
  EXPECT_GE(t.seconds, 0.0);
  EXPECT_TRUE(translate_sources(m, {}, search, 64).hypotheses.empty());
}

TEST_F(SplitEvaluation, LossIsSmoothedAsTheModelTrained) {
  standalone::InferenceModel m = open_largest();
  const data::DataDirectory data(data_dir());
  const SplitLoss recorded = split_loss(m, data, "test", 4, 4096);
  EXPECT_EQ(recorded.label_smoothing, 0.1);  // the checkpoint's trainer settings
  EXPECT_EQ(recorded.score.sentences, 4);
  const data::TokenSplit tokens = data.load_split("test");
  int64_t target_tokens = 0;
  for (size_t i = 0; i < 4; ++i) target_tokens += tokens.target.length(i);
  EXPECT_EQ(recorded.score.tokens, target_tokens);

  m.loaded.trainer["settings"]["label_smoothing"] = 0.0;
  const SplitLoss plain = split_loss(m, data, "test", 4, 4096);
  EXPECT_EQ(plain.label_smoothing, 0.0);
  EXPECT_NEAR(plain.score.loss_bits, plain.score.nll_bits, 1e-5);  // no smoothing: the loss is the nll
  EXPECT_NE(plain.score.loss_bits, recorded.score.loss_bits);
  EXPECT_NEAR(plain.score.nll_bits, recorded.score.nll_bits, 1e-5);
  m.loaded.trainer.erase("settings");
  EXPECT_EQ(split_loss(m, data, "test", 4, 4096).label_smoothing, 0.1);  // HAT's default
}

TEST_F(SplitEvaluation, HeaderNamesModelArchSplitAndSearch) {
  const standalone::InferenceModel m = open_largest();
  decode::BeamSearchOptions search;
  search.beam = 4;
  search.len_penalty = 0.6;
  EXPECT_EQ(format_evaluation_header(m, "test", 3, search),
            "model: " + m.description + ", arch " + arch::arch_summary(m.arch) +
                "\nsplit: test, 3 sentences, beam 4, lenpen 0.6\n");
}

TEST_F(SplitEvaluation, DetailsGiveLossSpeedAndTheFirstExamples) {
  SplitLoss loss;
  loss.score = {1.23456, 1.1, 120, 3};
  loss.label_smoothing = 0.1;
  SplitTranslation t;
  t.hypotheses = {"h1", "h2", "h3"};
  t.seconds = 2.0;
  t.generated_tokens = 50;
  t.peak_rss_bytes = 123'400'000;
  data::ParallelText text;
  text.add("s1", "r1");
  text.add("s2", "r2");
  text.add("s3", "r3");
  EXPECT_EQ(format_evaluation_details(loss, t, text, 2),
            "loss = 1.2346 bits, nll = 1.1000 bits per target token (120 tokens, label smoothing 0.1)\n"
            "translated 3 sentences in 2.0 s (1.5 sentences/s, 25 target tokens/s), peak RSS 123.4 MB\n"
            "example 1:\n  source:     s1\n  reference:  r1\n  hypothesis: h1\n"
            "example 2:\n  source:     s2\n  reference:  r2\n  hypothesis: h2\n");
  t.seconds = 0;  // too fast to time: no rates rather than infinities
  EXPECT_NE(format_evaluation_details(loss, t, text, 0).find("in 0.0 s (0.0 sentences/s, 0 target tokens/s)"),
            std::string::npos);
}

}  // namespace
}  // namespace hat::experiments
