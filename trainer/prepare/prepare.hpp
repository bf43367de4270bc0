#pragma once
// hifa prepare's pipeline: a folder of scans in, a PIFu/PIFuHD training dataset out (the layout:
// dataset_writer.hpp and docs/dataset.md).
//
//   PrepareSummary s = run_prepare(options, events);
//
// Per scan, in name order: skip it when its subject folder is complete (resume); otherwise load and
// clean it (normalize.hpp), render its views (render_views.hpp) on this thread -- the one that owns
// the Kokkos runtime -- while `jobs` worker threads composite, encode and write them, draw and label
// its point samples (samples.hpp), write its body fit and canonical data (canonical_data.hpp: a given
// body file, or with options.fit_body a cached fit), write subject.json and rename the staging
// folder into place. A scan that fails anywhere is skipped with one reason; nothing of it remains.
// Determinism: everything random is a pure function of (seed, subject name, view/sample index) and
// every file's bytes depend on nothing else, so --jobs and the thread count change only the speed.
// Errors (hifa::Error): bad options or backgrounds folder; an output folder that is not a dataset
// or was prepared with other options; an interrupted run (after saving what is complete); no
// subject prepared at all (the report is written first).

#include "prepare/options.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hifa::prepare {

struct PrepareEvents {
  std::function<void(std::size_t total_views)> start;             // views to render in this run
  std::function<void(std::size_t views)> advance;
  std::function<void(const std::string& scan, const std::string& reason)> skipped;  // one per bad scan
};

struct PrepareSummary {
  std::size_t found = 0;     // scans discovered
  std::size_t prepared = 0;  // subjects written by this run
  std::size_t resumed = 0;   // subjects already complete from an earlier run
  std::size_t skipped = 0;
  int leftovers_removed = 0; // staging folders of an interrupted run, removed
  bool lit = false;          // SH lighting was applied
};

PrepareSummary run_prepare(const PrepareOptions& options, const PrepareEvents& events = {});

// hifa prepare --merge: the N datasets of one --shard I/N set (options.hpp) joined into `out`,
// which must not exist: the dataset one run over all the scans writes, byte for byte (subjects and
// caches copied from their shards; manifest, report, split and sheets made anew from them). Built
// in "<out>.partial-merge" and renamed into place when complete.
// Errors (hifa::Error naming the folder): not a shard; shards of other options or scans; a shard
// missing or given twice; a shard not complete (finish it first); `out` exists.
struct MergeSummary {
  std::size_t shards = 0, subjects = 0, skipped = 0;
};
MergeSummary merge_shards(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& out);

}  // namespace hifa::prepare
