// HAT's measurement protocol: trimming as HAT's code, and a run on a tiny model.
#include "latency/measure/measure_architecture.h"

#include <cmath>

#include <gtest/gtest.h>

#include "tests/supernet/model_test_util.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

TEST(SummarizeTimings, TrimsTenPercentAtEachEndAsHat) {
  // 10 timings: HAT drops int(10 * 0.1) = 1 at each end -> mean of 2..9.
  std::vector<double> t = {100, 9, 2, 3, 4, 5, 6, 7, 8, 1};
  const TimingSummary s = summarize_timings(t, 0.1);
  EXPECT_EQ(s.samples, 10);
  EXPECT_DOUBLE_EQ(s.trimmed_mean_ms, 5.5);
  EXPECT_DOUBLE_EQ(s.median_ms, 5.5);
  EXPECT_DOUBLE_EQ(s.min_ms, 1);
  EXPECT_DOUBLE_EQ(s.max_ms, 100);
  // population std of 2..9: sqrt(sum (k - 5.5)^2 / 8) = sqrt(42 / 8)
  EXPECT_DOUBLE_EQ(s.trimmed_std_ms, std::sqrt(42.0 / 8));
  // Too few to trim: all kept.
  EXPECT_DOUBLE_EQ(summarize_timings({1, 2, 6}, 0.1).trimmed_mean_ms, 3);
  test::expect_error([] { summarize_timings({}, 0.1); }, {"no timings"});
}

TEST(MeasureProtocol, TimesEveryIterationOfEachPart) {
  model::SuperTransformer model(test::tiny_dims());
  model.init_parameters(3);
  ProtocolOptions options;
  options.source_length = 6;
  options.beam = 3;
  options.warmups = 1;
  options.iterations = 4;
  int calls = 0;
  const ProtocolResult r = measure_protocol(model, test::tiny_arch(), options,
                                            [&](int done, int total) {
                                              EXPECT_EQ(done, ++calls);
                                              EXPECT_EQ(total, 8);
                                            });
  EXPECT_EQ(calls, 8);
  for (const TimingSummary* s : {&r.encoder, &r.decoder}) {
    EXPECT_EQ(s->samples, 4);
    EXPECT_GT(s->min_ms, 0);
    EXPECT_LE(s->min_ms, s->trimmed_mean_ms);
    EXPECT_LE(s->trimmed_mean_ms, s->max_ms);
  }
  EXPECT_DOUBLE_EQ(r.total_ms(), r.encoder.trimmed_mean_ms + r.decoder.trimmed_mean_ms);
}

TEST(MeasureProtocol, RefusesImpossibleSettings) {
  model::SuperTransformer model(test::tiny_dims());
  model.init_parameters(3);
  ProtocolOptions options;
  options.source_length = 16;  // max_positions 16
  test::expect_error([&] { measure_protocol(model, test::tiny_arch(), options); },
                     {"source length 16"});
  options.source_length = 5;
  options.beam = 0;
  test::expect_error([&] { measure_protocol(model, test::tiny_arch(), options); }, {"beam 0"});
  arch::ArchConfig bad = test::tiny_arch();
  bad.encoder_embed_dim = 99;
  options.beam = 2;
  EXPECT_THROW(measure_protocol(model, bad, options), Error);
}

}  // namespace
}  // namespace hat::latency
