// Output files (cli/common.hpp, docs/reliability.md "Files destroyed or overwritten"):
// writing through links and special files, refusing outputs that are inputs or each other,
// and staging every output of a run so that they appear all together or not at all.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <unordered_map>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/common.hpp"
#include "cli/interrupt.hpp"

namespace pm::cli {
namespace {

namespace fs = std::filesystem;

OutputSet* current_set = nullptr;

bool fail(const std::string& path, const std::string& reason) {
  std::cerr << "pm: cannot write '" << path << "': " << reason << "\n";
  if (current_set) current_set->mark_failed();
  return false;
}
bool fail(const std::string& path, int error) { return fail(path, std::strerror(error)); }

// The file a path names once its symbolic links are followed (the last component's chain;
// links among the directories are followed by rename and open themselves). A dangling link
// resolves to the path it points to, which the write then creates, as `cat > link` does.
// /dev/stdout, /dev/fd/N, /proc/self/fd/N name an open descriptor's file (a pipe has no path
// at all: its link reads "pipe:[123]"): they are left to open(), which follows them.
bool descriptor_path(const std::string& path) { return path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0; }

std::string follow_links(const std::string& path, int& error) {
  if (descriptor_path(path)) return path;
  std::string current = path;
  for (int hop = 0; hop < 40; ++hop) {  // 40: Linux's limit on links followed (ELOOP)
    struct stat status {};
    if (lstat(current.c_str(), &status) != 0 || !S_ISLNK(status.st_mode)) return current;
    char target[PATH_MAX];
    ssize_t length = readlink(current.c_str(), target, sizeof target - 1);
    if (length < 0) {
      error = errno;
      return current;
    }
    target[length] = '\0';
    fs::path next(target);
    if (next.is_relative()) next = fs::path(current).parent_path() / next;
    current = next.string();
  }
  error = ELOOP;
  return current;
}

// The same file for every spelling of it: links followed, "." and ".." and repeated
// slashes gone, relative to the working directory made absolute.
std::string resolved_name(const std::string& path) {
  if (descriptor_path(path)) return path;  // compared by inode (identify), opened as given
  int error = 0;
  std::string target = follow_links(path, error);
  std::error_code ignored;
  fs::path absolute = fs::absolute(target, ignored);
  fs::path canonical = fs::weakly_canonical(absolute, ignored);
  return (canonical.empty() ? absolute : canonical).lexically_normal().string();
}

struct Identity {
  bool exists = false;
  bool character_device = false;  // /dev/null, /dev/stdout on a terminal: may be named twice
  dev_t device = 0;
  ino_t inode = 0;
  std::string name;
};

Identity identify(const std::string& path) {
  Identity identity;
  struct stat status {};
  if (stat(path.c_str(), &status) == 0) {
    identity.exists = true;
    identity.character_device = S_ISCHR(status.st_mode);
    identity.device = status.st_dev;
    identity.inode = status.st_ino;
  }
  identity.name = resolved_name(path);
  return identity;
}

// Same inode (hard links, bind mounts, links) when both exist, else the same resolved name.
bool same_file(const Identity& a, const Identity& b) {
  if (a.exists && b.exists) return a.device == b.device && a.inode == b.inode;
  return a.name == b.name;
}

// Temporary files are named TARGET.tmp.PID.N. One left by a run that died without running
// its handler (SIGKILL, a power cut) is removed by the next write of the same target once
// its PID is no live process here. A live PID (this run, another pm writing the same target
// right now, or a reused PID) keeps its file. Two machines writing one target on a shared
// file system at the same moment race anyway; this adds no new way for them to.
void remove_stale_temporaries(const std::string& target) {
  fs::path target_path(target);
  fs::path directory = target_path.parent_path();
  if (directory.empty()) directory = ".";
  const std::string prefix = target_path.filename().string() + ".tmp.";
  std::error_code error;
  for (fs::directory_iterator entry(directory, error), end; !error && entry != end; entry.increment(error)) {
    const std::string name = entry->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = name.substr(prefix.size());  // "PID.N"
    const std::size_t dot = rest.find('.');
    if (dot == 0 || dot == std::string::npos || dot + 1 == rest.size() || dot > 9 ||
        rest.find_first_not_of("0123456789.") != std::string::npos || rest.find('.', dot + 1) != std::string::npos)
      continue;
    const pid_t pid = static_cast<pid_t>(std::stol(rest.substr(0, dot)));
    if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) continue;
    struct stat status {};
    if (lstat(entry->path().c_str(), &status) == 0 && S_ISREG(status.st_mode)) unlink(entry->path().c_str());
  }
}

// A FIFO or a character device is opened and written, never replaced: the reader of the FIFO
// gets the text, /dev/null stays /dev/null.
bool write_through(const std::string& path, const std::string& target, const std::string& text) {
  // O_APPEND: a regular file reached through /dev/stdout is the shell's redirection, which
  // pm's own stdout is writing too; appending keeps both, as `cmd >> file` would.
  int descriptor = open(target.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
  if (descriptor < 0) return fail(path, errno);
  for (std::size_t written = 0; written < text.size();) {
    ssize_t count = write(descriptor, text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      int error = errno;
      close(descriptor);
      return fail(path, error);
    }
    written += static_cast<std::size_t>(count);
  }
  if (close(descriptor) != 0 && errno != EINTR) return fail(path, errno);
  return true;
}

// Why pm does not write to an existing file of this kind, or "" when it does.
std::string refused_kind(const struct stat& status) {
  if (S_ISDIR(status.st_mode)) return "it is a directory";
  if (S_ISBLK(status.st_mode)) return "it is a block device (pm writes regular files, FIFOs and character devices)";
  if (S_ISSOCK(status.st_mode)) return "it is a socket (pm writes regular files, FIFOs and character devices)";
  return "";
}

}  // namespace

bool write_file_atomically(const std::string& path, const std::string& text) {
  int link_error = 0;
  const std::string target = follow_links(path, link_error);
  if (link_error != 0) return fail(path, link_error);
  struct stat status {};
  const bool exists = stat(target.c_str(), &status) == 0;
  if (exists && !refused_kind(status).empty()) return fail(path, refused_kind(status));
  // A descriptor's file is written through even when it is a regular file: a rename would
  // replace the file the shell redirected into (or, before links were followed, /dev/stdout).
  if (exists && (!S_ISREG(status.st_mode) || descriptor_path(path))) {
    if (current_set) return current_set->stage(path, target, "", -1, text);
    return write_through(path, target, text);
  }

  // A regular file, or none yet: a temporary beside the target (rename is atomic only within
  // a file system) under a name no one else uses, the pid and a counter. It is registered
  // with the interrupt handler BEFORE it is created, so a Ctrl-C at any point removes it.
  remove_stale_temporaries(target);
  std::string temporary;
  int descriptor = -1;
  int slot = -1;
  for (int attempt = 0; descriptor < 0 && attempt < 100; ++attempt) {
    temporary = target + ".tmp." + std::to_string(getpid()) + "." + std::to_string(attempt);
    slot = register_temporary_file(temporary);
    if (slot < 0) return fail(path, ENAMETOOLONG);
    descriptor = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (descriptor < 0) {
      int error = errno;
      clear_temporary_file(slot);
      if (error != EEXIST) return fail(path, error);
    }
  }
  if (descriptor < 0) return fail(path, EEXIST);
  auto abandon = [&](int error) {
    close(descriptor);
    unlink(temporary.c_str());
    clear_temporary_file(slot);
    return fail(path, error);
  };
  // A file written over keeps its permissions (the temporary is created with the umask's).
  if (exists) (void)fchmod(descriptor, status.st_mode & 07777);
  for (std::size_t written = 0; written < text.size();) {
    ssize_t count = write(descriptor, text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return abandon(errno);
    written += static_cast<std::size_t>(count);
  }
  // On disk before the rename, so that a crash cannot leave the new name on empty blocks.
  if (fsync(descriptor) != 0 && errno != EINVAL) return abandon(errno);
  if (close(descriptor) != 0) {
    int error = errno;
    unlink(temporary.c_str());
    clear_temporary_file(slot);
    return fail(path, error);
  }
  if (current_set) return current_set->stage(path, target, temporary, slot, "");
  if (interrupted()) {  // the handler removed the file; the run is stopping: keep nothing
    clear_temporary_file(slot);
    return false;
  }
  if (std::rename(temporary.c_str(), target.c_str()) != 0) {
    int error = errno;
    unlink(temporary.c_str());
    clear_temporary_file(slot);
    return fail(path, error);
  }
  clear_temporary_file(slot);
  return true;
}

OutputSet::OutputSet() : previous_(current_set) { current_set = this; }

OutputSet::~OutputSet() {
  abandon();
  current_set = previous_;
}

bool OutputSet::stage(const std::string& path, const std::string& target, const std::string& temporary, int slot,
                      const std::string& text) {
  Staged staged{path, resolved_name(target), temporary, slot, text};
  struct stat status {};
  const bool device = stat(target.c_str(), &status) == 0 && S_ISCHR(status.st_mode);  // /dev/null twice is fine
  auto [earlier, fresh] = index_.emplace(staged.resolved, staged_.size());
  if (!fresh && !device) {
    if (!temporary.empty()) {
      unlink(temporary.c_str());
      clear_temporary_file(slot);
    }
    return fail(path, "this run writes '" + staged_[earlier->second].path + "' there too; give each output its own path");
  }
  staged_.push_back(std::move(staged));
  return true;
}

bool OutputSet::commit() {
  if (failed_ || interrupted()) {
    abandon();
    return false;
  }
  // FIFOs and devices first: they cannot be staged, and a failed one still leaves every
  // regular output unchanged. Then the renames, which do not fail once the temporaries sit
  // beside their targets (same directory, same file system).
  for (const Staged& staged : staged_) {
    if (!staged.temporary.empty()) continue;
    if (!write_through(staged.path, staged.resolved, staged.text)) {
      abandon();
      return false;
    }
  }
  bool all = true;
  for (Staged& staged : staged_) {
    if (staged.temporary.empty()) continue;
    if (std::rename(staged.temporary.c_str(), staged.resolved.c_str()) != 0) {
      int error = errno;
      unlink(staged.temporary.c_str());
      std::cerr << "pm: cannot write '" << staged.path << "': " << std::strerror(error) << "\n";
      all = false;
    }
    clear_temporary_file(staged.slot);
    staged.temporary.clear();
  }
  staged_.clear();
  index_.clear();
  return all;
}

void OutputSet::abandon() {
  for (const Staged& staged : staged_) {
    if (staged.temporary.empty()) continue;
    unlink(staged.temporary.c_str());
    clear_temporary_file(staged.slot);
  }
  staged_.clear();
  index_.clear();
}

bool output_directories_exist(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (path.empty()) continue;
    int link_error = 0;
    const std::string target = follow_links(path, link_error);
    if (link_error != 0) return fail(path, link_error);
    struct stat status {};
    if (stat(target.c_str(), &status) == 0 && !refused_kind(status).empty()) return fail(path, refused_kind(status));
    fs::path directory = fs::path(target).parent_path();
    if (directory.empty()) directory = ".";
    std::error_code error;
    if (!fs::is_directory(directory, error))
      return fail(path, "the directory '" + directory.string() + "' does not exist");
  }
  return true;
}

std::vector<NamedPath> data_file_inputs(const std::vector<std::string>& data_arguments, const std::string& role) {
  std::vector<NamedPath> inputs;
  for (const io::DataSource& source : data_sources_from_arguments(data_arguments))
    if (source.kind == io::DataSource::Kind::File) inputs.push_back({role, source.text});
  return inputs;
}

bool refuse_overlapping_paths(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
  std::vector<Identity> input_ids;
  for (const NamedPath& input : inputs) input_ids.push_back(identify(input.path));
  std::vector<Identity> output_ids;
  for (const NamedPath& output : outputs) output_ids.push_back(identify(output.path));
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    if (outputs[o].path.empty() || output_ids[o].character_device) continue;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].path.empty() || input_ids[i].character_device || !same_file(output_ids[o], input_ids[i])) continue;
      std::cerr << "pm: cannot write '" << outputs[o].path << "' (" << outputs[o].role << "): it is the "
                << inputs[i].role << " '" << inputs[i].path << "' this run reads; pm never writes over its inputs\n";
      return false;
    }
    // A file's key: its inode when it exists, else its resolved name (a name that does not
    // exist cannot be a file that does), so that -n 10^5 outputs cost a map, not N^2.
    const Identity& id = output_ids[o];
    const std::string key = id.exists ? "i" + std::to_string(id.device) + ":" + std::to_string(id.inode) : "n" + id.name;
    auto [earlier, fresh] = seen.emplace(key, o);
    if (fresh) continue;
    std::cerr << "pm: cannot write '" << outputs[o].path << "' (" << outputs[o].role << "): it is also the "
              << outputs[earlier->second].role << " output '" << outputs[earlier->second].path
              << "'; give each output its own path\n";
    return false;
  }
  return true;
}

}  // namespace pm::cli
