// The search's fitness: validation loss of a SubTransformer with inherited weights.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <numbers>

#include "supernet/arch/search_space.h"
#include "supernet/arch/space_file.h"
#include "supernet/data/collate.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/special_tokens.h"
#include "supernet/train/scorer.h"
#include "tests/tools/hattrain_fixture.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

TEST(Scorer, ScoresTheFirstSentencesInBitsWithoutTouchingGradients) {
  const test::HattrainFixture fixture(fs::temp_directory_path() /
                                      ("hat_scorer_" + std::to_string(::getpid())));
  const data::DataDirectory data(fixture.root() / "data");
  const arch::SpaceFile space = arch::load_space_file((fixture.root() / "space.yml").string());
  arch::ModelDims dims = space.space.super_dims;
  dims.vocab_size = data.vocab_size();
  model::SuperTransformer model(dims);
  model.init_parameters(3);
  const data::TokenSplit valid = data.load_split("valid");
  const arch::ArchConfig small = arch::smallest_arch(space.space),
                         large = arch::largest_arch(space.space);

  const train::Scorer first10(valid, 10, 300, data::kPadId, 0.1);
  const train::Score s = first10.score(model, small);
  int64_t tokens = 0;
  for (size_t i = 0; i < 10; ++i) tokens += valid.target.length(i);
  EXPECT_EQ(s.sentences, 10);
  EXPECT_EQ(s.tokens, tokens);

  // The same sums as evaluating the sentences one by one, converted to bits per token.
  model::LossSums sums;
  for (uint32_t i = 0; i < 10; ++i) {
    const uint32_t one[] = {i};
    sums += model.evaluate(
        small, model::to_model_batch(data::collate(valid.source, valid.target, one), data::kPadId),
        0.1);
  }
  EXPECT_NEAR(s.loss_bits, sums.loss / sums.tokens / std::numbers::ln2, 1e-4);
  EXPECT_NEAR(s.nll_bits, sums.nll / sums.tokens / std::numbers::ln2, 1e-4);
  // An untrained model is near the uniform distribution: log2(V) bits.
  EXPECT_NEAR(s.nll_bits, std::log2(double(dims.vocab_size)), 1.5);

  // Repeatable, architecture-dependent, and the gradient buffer is left alone.
  EXPECT_EQ(first10.score(model, small).loss_bits, s.loss_bits);
  EXPECT_NE(first10.score(model, large).loss_bits, s.loss_bits);
  const Tensor& g = model.parameters().grads();
  for (int64_t i = 0; i < g.numel(); ++i) ASSERT_EQ(g.data<float>()[i], 0.0f);

  const train::Scorer all(valid, 0, 300, data::kPadId, 0.1);
  EXPECT_EQ(all.sentences(), static_cast<int64_t>(valid.size()));
  EXPECT_THROW(train::Scorer(valid, 5, 3, data::kPadId, 0.1),
               Error);  // sentences longer than the budget
}

}  // namespace
}  // namespace hat
