// hatexport: cuts one SubTransformer out of a trained SuperTransformer into a standalone model
// directory. A thin main: parse options, load, call supernet/export, print.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "supernet/arch/arch_yaml.h"
#include "supernet/data/data_directory.h"
#include "supernet/export/exporter.h"
#include "supernet/translate/model_loader.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hatexport --supernet CKPT --arch CONFIG --out DIR [--data DIR] [--force]\n"
    "                 [--search-result FILE]\n\n"
    "Cuts the SubTransformer CONFIG out of the SuperTransformer checkpoint CKPT (a checkpoint\n"
    "directory, or a save directory: its newest checkpoint) into the model directory DIR:\n"
    "  config.json        architecture, model dims, vocabulary, provenance (checkpoint and its\n"
    "                     SHA-256, search space, update, search result), parameter counts, and\n"
    "                     the size and SHA-256 of the other files\n"
    "  model.safetensors  the SubTransformer's tensors at their true sizes, under fairseq's\n"
    "                     names (supernet/export/README.md lists them)\n"
    "  spm.model          the SentencePiece vocabulary, copied from the data directory\n"
    "CONFIG is largest, smallest, trained, or an architecture YAML file (ours or HAT's, e.g.\n"
    "hatsearch's best.yml); it must lie in the checkpoint's search space. The directory is built\n"
    "under a temporary name and renamed into place. hattranslate, hateval and hatprofile run it\n"
    "with --model DIR; hattrain --init DIR fine-tunes it.\n";

int run(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()
      ("supernet", po::value<std::string>()->required(),
       "SuperTransformer checkpoint directory, or a save directory (its newest checkpoint)")
      ("arch", po::value<std::string>()->required(),
       "SubTransformer: largest, smallest, trained, or an architecture YAML file")
      ("out", po::value<std::string>()->required(), "model directory to write")
      ("data", po::value<std::string>()->default_value("data/default"),
       "data directory of the checkpoint's vocabulary (its spm.model is copied)")
      ("force", po::bool_switch(), "replace an existing model directory")
      ("search-result", po::value<std::string>(), "hatsearch's result.json, recorded in config.json")
      ("help,h", "show this help");
  const auto parsed = cli::parse_options(argc, argv, options, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;

  const auto warn = [](const std::string& m) { std::cerr << "hatexport: warning: " << m << "\n"; };
  const data::DataDirectory data(vm["data"].as<std::string>());
  const translate::LoadedModel loaded =
      translate::load_model(vm["supernet"].as<std::string>(), data, warn);
  const arch::ArchConfig arch = translate::resolve_arch(vm["arch"].as<std::string>(), loaded);
  standalone::ExportOptions request;
  request.out = vm["out"].as<std::string>();
  request.force = vm["force"].as<bool>();
  if (vm.count("search-result")) request.search_result = vm["search-result"].as<std::string>();
  const standalone::ExportSummary s = standalone::export_model(loaded, arch, data, request, warn);
  std::cout << "hatexport: " << loaded.checkpoint.string() << " (update " << loaded.update << "), "
            << arch::arch_summary(arch) << "\n";
  std::printf("parameters: %lld (%lld without embeddings)\n", static_cast<long long>(s.parameters),
              static_cast<long long>(s.parameters_without_embeddings));
  std::printf("wrote %s: %lld tensors, %.2f MB\n", s.dir.string().c_str(),
              static_cast<long long>(s.tensors), static_cast<double>(s.weight_bytes) / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatexport", [&] { return run(argc, argv); });
}
