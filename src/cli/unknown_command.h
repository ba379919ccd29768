// What to tell a user whose command line names a command that does not exist. CLI11 says only
// "A subcommand is required", which reads as if no command had been typed.
#pragma once

#include <string>

#include "CLI/CLI.hpp"

namespace datamesh::cli {

// After `app` failed to parse for want of a subcommand: the message naming the word typed
// where a command was expected, the group it was looked for in, and the closest command there
// (or, when none is close, every command of the group); when no word was typed, the group's
// commands.
std::string unknown_command_message(const CLI::App& app);

}  // namespace datamesh::cli
