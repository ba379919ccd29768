// What to tell a user whose command line names a command or an option that does not exist.
// CLI11 says only "A subcommand is required", which reads as if no command had been typed, or
// "The following arguments were not expected", with no hint of what was meant.
#pragma once

#include <string>

#include "CLI/CLI.hpp"

namespace datamesh::cli {

// After `app` failed to parse for want of a subcommand: the message naming the word typed
// where a command was expected, the group it was looked for in, and the closest command there
// (or, when none is close, every command of the group); when no word was typed, the group's
// commands.
std::string unknown_command_message(const CLI::App& app);

// After `app` parsed with arguments left over: the message naming the unknown options typed
// (or, when none was, the stray values), the command they were given to, and the option each
// may mean (or, when none is close, the command's own options). Empty when nothing was left.
std::string unexpected_arguments_message(const CLI::App& app);

}  // namespace datamesh::cli
