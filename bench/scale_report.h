// The scale benchmark's report: the table of every figure at one size, the growth table of
// each figure across sizes, and the JSON of the whole run.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scale_figures.h"
#include "scale_scenarios.h"

namespace datamesh::bench {

void print_baselines(const Baselines& baselines);
// Figures of one size: latency, rate, baseline ratio, peak RSS, target and verdict.
void print_figures(int64_t size, const std::vector<Figure>& figures);
// Each figure's p50 and p99 at every size (wall clock, or thread CPU time when `cpu`), and its
// growth from the smallest size to the largest.
void print_growth(const std::vector<Figure>& figures, bool cpu);

nlohmann::json baselines_json(const Baselines& baselines);
nlohmann::json figure_json(const Figure& figure);

}  // namespace datamesh::bench
