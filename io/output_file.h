#pragma once
// The rules every file pfsim writes follows (docs/config.md, "Output
// files"): the output is checked before anything is simulated; it is
// written under a fresh temporary name in its own directory, created
// exclusively (never through a planted symbolic link), and renamed over the
// final name only when complete; a failure removes the temporary file and
// keeps the system's reason (errno text) in its message.
#include <functional>
#include <string>
#include <vector>

namespace pfsim {

// Checks that `path` can be written as an output, before any simulation:
// the name is not empty and names a file (not "dir/"), its directory
// exists (it is created if missing) and a file can be created in it, the
// name is not an existing directory, device, FIFO, socket or symbolic link,
// and it is not one of `inputs` (compared by device and inode). Removes
// this host's temporary files of the same output left by processes that no
// longer run (a run killed with SIGKILL). `what` names where the output was
// given ("-o", "output.file", ...). Throws InputError.
void check_output_file(const std::string& path, const std::vector<std::string>& inputs, const std::string& what);

// Creates a temporary file for `path` in its directory: calls
// `create(name)` with fresh names of the form
// "<file>.tmp-<host>-<pid>-<random>" until it succeeds. `create` must
// create the file exclusively (O_CREAT | O_EXCL, which fails on any
// existing name, a symbolic link included) and return false only when the
// name exists; it throws for any other failure. Returns the name created.
std::string create_temporary(const std::string& path, const std::function<bool(const std::string&)>& create);

// Renames the complete temporary file `tmp` over `path`, after checking
// again that `path` is absent or a regular file. Throws IoError with the
// system's reason.
void commit_temporary(const std::string& tmp, const std::string& path);

// Removes a temporary file; never throws.
void remove_temporary(const std::string& tmp) noexcept;

// Writes `text` to `path` by the same rules (checked, exclusive temporary
// file, renamed when complete). Throws InputError or IoError.
void write_text_file(const std::string& path, const std::string& text, const std::vector<std::string>& inputs,
                     const std::string& what);

// The text of errno `err` ("No space left on device").
std::string errno_text(int err);

}  // namespace pfsim
