#include "cli/unknown_command.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "base/text.h"

namespace datamesh::cli {

using base::cat;

namespace {

// How many single-character insertions, deletions and substitutions turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the Wagner-Fischer table at a time.
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string unknown_command_message(const CLI::App& app) {
  // The deepest command that was recognised: where the unknown word was looked for.
  const CLI::App* group = &app;
  std::string path = app.get_name();
  for (;;) {
    const std::vector<const CLI::App*> parsed = group->get_subcommands(
        [](const CLI::App* sub) { return sub->parsed(); });
    if (parsed.empty()) break;
    group = parsed.front();
    path = cat(path, " ", group->get_name());
  }
  std::string word;
  for (const std::string& argument : app.remaining(/*recurse=*/true)) {
    if (!argument.starts_with("-")) {
      word = argument;
      break;
    }
  }

  std::vector<std::string> names;
  for (const CLI::App* sub : group->get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  std::sort(names.begin(), names.end());
  if (word.empty()) {
    return cat(path, " needs a command; the commands are ", base::join(names, ", "));
  }
  const auto distance = [&](const std::string& name) { return edit_distance(word, name); };
  const auto closest = std::min_element(
      names.begin(), names.end(),
      [&](const std::string& a, const std::string& b) { return distance(a) < distance(b); });
  // A slip of a few characters, not another word.
  if (closest != names.end() && distance(*closest) <= std::max<std::size_t>(2, word.size() / 4)) {
    return cat("unknown command \"", word, "\" for ", path, "; did you mean ", *closest, "?");
  }
  return cat("unknown command \"", word, "\" for ", path, "; the commands are ",
             base::join(names, ", "));
}

}  // namespace datamesh::cli
