#include "latency/measure/host_rows.h"

#include "devices/error.h"
#include "latency/measure/measure_architecture.h"
#include "latency/measure/profiled_model.h"
#include "supernet/arch/space_file.h"

namespace hat::latency {

std::vector<HatCsvRow> measure_host_rows(const HostMeasureOptions& o) {
  HAT_CHECK(o.architectures >= 1, "measure: architectures ", o.architectures, " must be >= 1");
  const arch::SpaceFile file = arch::load_space_file(o.space);
  HAT_CHECK(o.setting.qkv_dim == file.space.super_dims.qkv_dim, "measure: qkv ", o.setting.qkv_dim,
            " differs from the space's ", file.space.super_dims.qkv_dim);
  const std::unique_ptr<model::SuperTransformer> model =
      random_weight_model(file.space, o.setting.vocab_size, o.seed);
  ProtocolOptions protocol;
  protocol.source_length = o.setting.source_length;
  protocol.beam = o.setting.beam;
  protocol.warmups = o.warmups;
  protocol.iterations = o.iterations;
  std::vector<HatCsvRow> rows;
  for (int k = 0; k < o.architectures; ++k) {
    const arch::ArchConfig arch = arch::sample_arch(file.space, o.seed + static_cast<uint64_t>(k));
    const ProtocolResult r = measure_protocol(*model, arch, protocol);
    HatCsvRow row;
    row.features = hat_features(arch);
    row.encoder_mean_ms = o.record_minimum ? r.encoder.min_ms : r.encoder.trimmed_mean_ms;
    row.decoder_mean_ms = o.record_minimum ? r.decoder.min_ms : r.decoder.trimmed_mean_ms;
    row.encoder_std_ms = r.encoder.trimmed_std_ms;
    row.decoder_std_ms = r.decoder.trimmed_std_ms;
    rows.push_back(row);
    if (o.progress) o.progress(k + 1, o.architectures);
  }
  return rows;
}

}  // namespace hat::latency
