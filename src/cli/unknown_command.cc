#include "cli/unknown_command.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>
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

// A slip of a few characters, not another word.
bool close_enough(std::string_view typed, std::size_t distance) {
  return distance <= std::max<std::size_t>(2, typed.size() / 4);
}

// The deepest command that was recognised, and its path from the program's name.
std::pair<const CLI::App*, std::string> deepest_parsed(const CLI::App& app) {
  const CLI::App* group = &app;
  std::string path = app.get_name();
  for (;;) {
    const std::vector<const CLI::App*> parsed = group->get_subcommands(
        [](const CLI::App* sub) { return sub->parsed(); });
    if (parsed.empty()) break;
    group = parsed.front();
    path = cat(path, " ", group->get_name());
  }
  return {group, path};
}

// "--name" of an option: its first long name (the others are spellings such as --name_x).
std::string primary_name(const CLI::Option& option) {
  return option.get_lnames().empty() ? option.get_name() : cat("--", option.get_lnames().front());
}

// The option of `command` or of a command above it (global options may follow any command)
// whose long name is closest to `typed`, if it is a slip away.
std::optional<std::string> closest_option(const CLI::App& command, std::string_view typed) {
  std::string_view name = typed.substr(0, typed.find('='));
  while (name.starts_with("-")) name.remove_prefix(1);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const CLI::App* level = &command; level != nullptr; level = level->get_parent()) {
    for (const CLI::Option* option : level->get_options()) {
      for (const std::string& spelling : option->get_lnames()) {
        const std::size_t distance = edit_distance(name, spelling);
        if (!best || distance < best_distance) {
          best = primary_name(*option);
          best_distance = distance;
        }
      }
    }
  }
  if (!best || !close_enough(name, best_distance)) return std::nullopt;
  return best;
}

}  // namespace

std::string unexpected_arguments_message(const CLI::App& app) {
  const auto [command, path] = deepest_parsed(app);
  std::vector<std::string> options;
  std::vector<std::string> values;
  for (const std::string& argument : app.remaining(/*recurse=*/true)) {
    if (argument.starts_with("-")) {
      options.push_back(argument.substr(0, argument.find('=')));  // --name=value: the name
    } else {
      values.push_back(argument);
    }
  }
  if (options.empty()) {
    if (values.empty()) return "";
    return cat("unexpected ", values.size() == 1 ? "value " : "values ", base::join(values, " "),
               " for ", path, ": a value follows the option it is for (see ", path, " --help)");
  }
  std::vector<std::string> guesses;  // "--typed: did you mean --meant?", one per option
  std::optional<std::string> only_guess;
  for (const std::string& option : options) {
    if (std::optional<std::string> guess = closest_option(*command, option)) {
      guesses.push_back(cat(option, ": did you mean ", *guess, "?"));
      only_guess = guess;
    }
  }
  const std::string message = cat("unknown ", options.size() == 1 ? "option " : "options ",
                                  base::join(options, ", "), " for ", path);
  if (guesses.size() == options.size()) {
    return options.size() == 1 ? cat(message, "; did you mean ", *only_guess, "?")
                               : cat(message, "; ", base::join(guesses, "; "));
  }
  std::vector<std::string> own;
  for (const CLI::Option* option : command->get_options()) {
    if (option->get_lnames().empty() || option->get_lnames().front() == "help") continue;
    own.push_back(primary_name(*option));
  }
  if (own.empty()) return cat(message, "; it takes only the global options (datamesh --help)");
  return cat(message, "; its options are ", base::join(own, ", "),
             ", and the global options (datamesh --help)");
}

std::string unknown_command_message(const CLI::App& app) {
  // The deepest command that was recognised: where the unknown word was looked for.
  const auto [group, path] = deepest_parsed(app);
  // A slip in an option typed before the command comes first: its value may have taken the
  // command's place (CLI11 cannot tell an unknown option's value from a command).
  if (const std::vector<std::string> left = app.remaining(/*recurse=*/true);
      !left.empty() && left.front().starts_with("-") && closest_option(*group, left.front())) {
    return unexpected_arguments_message(app);
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
  // A command of other groups (catalog import-tables asked of producer): named where it is.
  if (group != &app) {
    std::vector<std::string> homes;
    for (const CLI::App* other : app.get_subcommands([](const CLI::App*) { return true; })) {
      const auto& commands = other->get_subcommands([](const CLI::App*) { return true; });
      const bool holds = std::any_of(commands.begin(), commands.end(), [&](const CLI::App* c) {
        return c->get_name() == word;
      });
      if (other != group && holds) homes.push_back(cat("datamesh ", other->get_name(), " ", word));
    }
    if (!homes.empty()) {
      return cat("unknown command \"", word, "\" for ", path, "; it is a command of ",
                 base::join(homes, ", and of "));
    }
  }
  const auto distance = [&](const std::string& name) { return edit_distance(word, name); };
  const auto closest = std::min_element(
      names.begin(), names.end(),
      [&](const std::string& a, const std::string& b) { return distance(a) < distance(b); });
  if (closest != names.end() && close_enough(word, distance(*closest))) {
    return cat("unknown command \"", word, "\" for ", path, "; did you mean ", *closest, "?");
  }
  return cat("unknown command \"", word, "\" for ", path, "; the commands are ",
             base::join(names, ", "));
}

}  // namespace datamesh::cli
