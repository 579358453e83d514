// The thread options of the tools that translate (hattranslate, hateval): --threads in all,
// split as CTranslate2 does into --inter-threads (batches translated at once) and
// --intra-threads (threads of each batch). Header-only, as model_choice.h.
#pragma once

#include <algorithm>
#include <boost/program_options.hpp>

#include "devices/threads.h"
#include "supernet/translate/translator.h"
#include "tools/cli/cli.h"

namespace hat::cli {

inline void add_translate_thread_options(boost::program_options::options_description& options) {
  namespace po = boost::program_options;
  options.add_options()
      ("threads", po::value<int>()->default_value(0), "CPU threads in all (0: all cores)")
      ("inter-threads", po::value<int>()->default_value(1),
       "batches translated at once, each on its own threads (CTranslate2's inter_threads)")
      ("intra-threads", po::value<int>()->default_value(0),
       "threads of each batch (0: --threads / --inter-threads)");
}

// Sets the process's threads (--threads: scoring and loading use them all) and returns how
// translation splits them. Throws UsageError for a negative count or --inter-threads < 1.
inline translate::TranslateThreads translate_threads(const boost::program_options::variables_map& vm) {
  const int threads = vm["threads"].as<int>(), inter = vm["inter-threads"].as<int>(),
            intra = vm["intra-threads"].as<int>();
  if (threads < 0 || intra < 0) throw UsageError("--threads and --intra-threads must be >= 0");
  if (inter < 1) throw UsageError("--inter-threads must be >= 1");
  set_num_threads(threads);
  return {inter, intra > 0 ? intra : std::max(1, num_threads() / inter)};
}

}  // namespace hat::cli
