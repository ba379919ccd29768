// Runs the CLI scenarios of tests/cli/cases/*.test: each file is a session of `datamesh`
// commands with their expected output, run on a fresh mesh file.
//
// Format of a case file:
//   # comment                       (outside a step's output)
//   $ datamesh <arguments>          a step: run through /bin/sh, variables expanded
//   capture NAME .Json.Path[0].Key  export the value at that path of stdout as $NAME
//   exit N                          the expected exit code (default 0)
//   2> text                         an expected stderr line
//   anything else                   an expected stdout line
// Before comparing, output is normalized: captured values become $NAME, dates become <DATE>,
// share ids become <SHARE>. Set DATAMESH_UPDATE_CLI_CASES=1 to rewrite the files with the
// actual output (then review the diff).
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "support/mesh_fixture.h"
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Step {
  std::string command;
  std::vector<std::pair<std::string, std::string>> captures;  // name, path
  int exit_code = 0;
  std::vector<std::string> stdout_lines;
  std::vector<std::string> stderr_lines;
  std::vector<std::string> comments_before;
};

std::vector<Step> parse_case(const fs::path& file, std::vector<std::string>& header) {
  std::ifstream in(file);
  std::vector<Step> steps;
  std::vector<std::string> pending_comments;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("$ ")) {
      Step step;
      step.command = line.substr(2);
      step.comments_before = std::move(pending_comments);
      pending_comments.clear();
      steps.push_back(std::move(step));
      continue;
    }
    if (steps.empty()) {
      header.push_back(line);
      continue;
    }
    Step& step = steps.back();
    if (line.starts_with("capture ")) {
      std::istringstream words(line.substr(8));
      std::string name, path;
      words >> name >> path;
      step.captures.emplace_back(name, path);
    } else if (line.starts_with("exit ")) {
      step.exit_code = std::stoi(line.substr(5));
    } else if (line.starts_with("2> ")) {
      step.stderr_lines.push_back(line.substr(3));
    } else if (line.starts_with("#")) {
      pending_comments.push_back(line);
    } else if (!line.empty()) {
      step.stdout_lines.push_back(line);
    }
  }
  return steps;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `.A.B[0].C` into the JSON document.
const nlohmann::json* at_path(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* node = &root;
  std::regex part(R"(\.([A-Za-z0-9_]+)|\[(\d+)\])");
  for (std::sregex_iterator it(path.begin(), path.end(), part), end; it != end; ++it) {
    if ((*it)[1].matched) {
      const std::string key = (*it)[1];
      if (!node->is_object() || !node->contains(key)) return nullptr;
      node = &(*node)[key];
    } else {
      const size_t index = std::stoul((*it)[2]);
      if (!node->is_array() || index >= node->size()) return nullptr;
      node = &(*node)[index];
    }
  }
  return node;
}

std::string normalize(std::string text, const std::map<std::string, std::string>& variables) {
  // Longest values first, so a value that contains another is replaced whole.
  std::vector<std::pair<std::string, std::string>> ordered(variables.begin(), variables.end());
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.second.size() > b.second.size();
  });
  for (const auto& [name, value] : ordered) {
    if (value.empty()) continue;
    for (size_t at = text.find(value); at != std::string::npos;
         at = text.find(value, at + name.size() + 1)) {
      text.replace(at, value.size(), "$" + name);
    }
  }
  text = std::regex_replace(text, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"), "<DATE>");
  text = std::regex_replace(text, std::regex(R"(resource-share/[0-9a-f]{32})"),
                            "resource-share/<SHARE>");
  return text;
}

class CliCase : public testing::TestWithParam<fs::path> {};

TEST_P(CliCase, MatchesExpectedOutput) {
  const fs::path file = GetParam();
  std::vector<std::string> header;
  std::vector<Step> steps = parse_case(file, header);
  ASSERT_FALSE(steps.empty()) << file << " has no step";

  const fs::path dir = fs::temp_directory_path() /
                       ("datamesh-cli-" + file.stem().string() + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path bin_dir = fs::path(DATAMESH_CLI_PATH).parent_path();
  std::map<std::string, std::string> variables{{"WORK", dir.string()}};
  ::setenv("WORK", dir.c_str(), 1);
  // A fresh mesh file, or a server on one (DATAMESH_TEST_ENDPOINT_FACTORY, see mesh_fixture.h).
  auto endpoint = datamesh::test_support::fresh_endpoint(dir);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  ::setenv("DATAMESH_ENDPOINT", endpoint->c_str(), 1);
  ::setenv("PATH", (bin_dir.string() + ":" + std::getenv("PATH")).c_str(), 1);
  ::setenv("DATAMESH_TEST_DATA", DATAMESH_TEST_DATA, 1);
  for (const char* name : {"DATAMESH_ACCESS_KEY_ID", "DATAMESH_SECRET_ACCESS_KEY",
                           "DATAMESH_CREDENTIALS_FILE", "CredentialsFile", "DATAMESH_PROFILE",
                           "DATAMESH_MESH_ACCOUNT_ID"}) {
    ::unsetenv(name);
  }
  ::setenv("HOME", dir.c_str(), 1);

  const bool update = std::getenv("DATAMESH_UPDATE_CLI_CASES") != nullptr;
  std::ostringstream rewritten;
  for (const std::string& line : header) rewritten << line << "\n";
  for (Step& step : steps) {
    const fs::path out = dir / "stdout";
    const fs::path err = dir / "stderr";
    const std::string shell =
        "{ " + step.command + "\n} >" + out.string() + " 2>" + err.string();
    const int status = std::system(shell.c_str());
    ASSERT_TRUE(WIFEXITED(status)) << step.command;
    const int code = WEXITSTATUS(status);
    const std::string stdout_text = read_all(out);
    if (!step.captures.empty()) {
      nlohmann::json document = nlohmann::json::parse(stdout_text, nullptr, false);
      ASSERT_FALSE(document.is_discarded()) << step.command << ": stdout is not JSON";
      for (const auto& [name, path] : step.captures) {
        const nlohmann::json* value = at_path(document, path);
        ASSERT_NE(value, nullptr) << step.command << ": no " << path << " in " << stdout_text;
        variables[name] = value->is_string() ? value->get<std::string>() : value->dump();
        ::setenv(name.c_str(), variables[name].c_str(), 1);
      }
    }
    const auto actual_out = lines_of(normalize(stdout_text, variables));
    const auto actual_err = lines_of(normalize(read_all(err), variables));
    if (update) {
      for (const std::string& comment : step.comments_before) rewritten << comment << "\n";
      rewritten << "$ " << step.command << "\n";
      for (const auto& [name, path] : step.captures) {
        rewritten << "capture " << name << " " << path << "\n";
      }
      if (code != 0) rewritten << "exit " << code << "\n";
      for (const std::string& line : actual_err) rewritten << "2> " << line << "\n";
      for (const std::string& line : actual_out) rewritten << line << "\n";
      rewritten << "\n";
      continue;
    }
    EXPECT_EQ(code, step.exit_code) << "$ " << step.command << "\n" << read_all(err);
    EXPECT_EQ(actual_err, step.stderr_lines) << "$ " << step.command;
    EXPECT_EQ(actual_out, step.stdout_lines) << "$ " << step.command;
  }
  if (update) std::ofstream(file) << rewritten.str();
  fs::remove_all(dir);
}

std::vector<fs::path> case_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(DATAMESH_TEST_DATA) / "cli" / "cases")) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Cases, CliCase, testing::ValuesIn(case_files()),
                         [](const testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.stem().string();
                           std::replace_if(name.begin(), name.end(),
                                           [](char c) { return !std::isalnum(c); }, '_');
                           return name;
                         });

}  // namespace
