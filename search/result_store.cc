#include "search/result_store.h"

#include <nlohmann/json.hpp>

#include "latency/dataset/sqlite_db.h"
#include "supernet/arch/arch_yaml.h"

namespace hat::search {

struct SearchResultStore::Impl {
  explicit Impl(const std::filesystem::path& path) : db(path, false, true, 5000) {}
  latency::SqliteDb db;
};

SearchResultStore::SearchResultStore(const std::filesystem::path& path)
    : impl_(std::make_unique<Impl>(path)) {
  impl_->db.exec(
      "CREATE TABLE IF NOT EXISTS candidates ("
      "  run TEXT NOT NULL, hash TEXT NOT NULL, iteration INTEGER NOT NULL,"
      "  origin TEXT NOT NULL, loss REAL NOT NULL, parameters INTEGER NOT NULL,"
      "  parameters_with_embeddings INTEGER NOT NULL, latency_ms TEXT NOT NULL,"
      "  arch TEXT NOT NULL, PRIMARY KEY (run, hash));"
      "CREATE TABLE IF NOT EXISTS iterations ("
      "  run TEXT NOT NULL, iteration INTEGER NOT NULL, best_loss REAL NOT NULL,"
      "  evaluations INTEGER NOT NULL, PRIMARY KEY (run, iteration));");
}

SearchResultStore::~SearchResultStore() = default;

void SearchResultStore::record(
    const std::string& run, const SearchState& state, const GenomeSpace& space,
    const std::function<CandidateFacts(const arch::ArchConfig&)>& facts) {
  impl_->db.write_transaction([&] {
    latency::SqliteStatement insert(
        impl_->db,
        "INSERT OR IGNORE INTO candidates VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    for (const Candidate& c : state.scored) {
      const arch::ArchConfig arch = space.decode(c.genome);
      const CandidateFacts f = facts(arch);
      insert.bind(1, run)
          .bind(2, c.hash)
          .bind(3, static_cast<int64_t>(c.iteration))
          .bind(4, std::string(origin_name(c.origin)))
          .bind(5, c.fitness)
          .bind(6, f.parameters)
          .bind(7, f.parameters_with_embeddings)
          .bind(8, nlohmann::json(f.latency_ms).dump())
          .bind(9, arch::arch_to_yaml(arch));
      insert.run();
    }
    latency::SqliteStatement iteration(
        impl_->db, "INSERT OR REPLACE INTO iterations VALUES (?1, ?2, ?3, ?4)");
    for (size_t i = 0; i < state.best_per_iteration.size(); ++i) {
      int64_t evaluations = 0;
      for (const Candidate& c : state.scored) evaluations += c.iteration <= static_cast<int>(i);
      iteration.bind(1, run).bind(2, static_cast<int64_t>(i)).bind(3, state.best_per_iteration[i])
          .bind(4, evaluations);
      iteration.run();
    }
  });
}

std::vector<StoredCandidate> SearchResultStore::candidates(const std::string& run) const {
  latency::SqliteStatement select(
      impl_->db,
      "SELECT hash, iteration, origin, loss, parameters, parameters_with_embeddings, latency_ms,"
      " arch FROM candidates WHERE run = ?1 ORDER BY rowid");
  select.bind(1, run);
  std::vector<StoredCandidate> out;
  while (select.step()) {
    StoredCandidate c;
    c.hash = select.column_text(0);
    c.iteration = static_cast<int>(select.column_int(1));
    c.origin = origin_from_name(select.column_text(2));
    c.loss = select.column_double(3);
    c.facts.parameters = select.column_int(4);
    c.facts.parameters_with_embeddings = select.column_int(5);
    c.facts.latency_ms = nlohmann::json::parse(select.column_text(6)).get<std::map<std::string, double>>();
    c.arch = arch::arch_from_yaml(select.column_text(7), "candidates.sqlite " + c.hash);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<double> SearchResultStore::best_per_iteration(const std::string& run) const {
  latency::SqliteStatement select(
      impl_->db, "SELECT best_loss FROM iterations WHERE run = ?1 ORDER BY iteration");
  select.bind(1, run);
  std::vector<double> out;
  while (select.step()) out.push_back(select.column_double(0));
  return out;
}

}  // namespace hat::search
