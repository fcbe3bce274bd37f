#include "dcplan/report/output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dcplan/model/errors.hpp"

namespace dcplan {

pending_output::pending_output(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_ == "-") return;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path_, ec))
    throw output_error("cannot write '" + path_ + "': it is a directory");
  fs::path p(path_);
  fs::path dir = p.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ("." + p.filename().string() + ".tmp-XXXXXX")).string();
  fd_ = ::mkstemp(tmpl.data());
  if (fd_ < 0)
    throw output_error("cannot write '" + path_ + "': " + std::strerror(errno) +
                       " (the directory must exist and be writable)");
  temp_ = tmpl;
}

pending_output::~pending_output() { discard(); }

void pending_output::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    temp_.clear();
  }
}

void pending_output::commit(const std::string& content) {
  if (path_.empty()) return;
  if (path_ == "-") {
    std::cout << content << std::flush;
    return;
  }
  std::size_t off = 0;
  while (off < content.size()) {
    const ssize_t n = ::write(fd_, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      discard();
      throw output_error("cannot write '" + path_ + "': " + why);
    }
    off += static_cast<std::size_t>(n);
  }
  // Plain files: rw for the owner and group readable, as most tools write them.
  ::fchmod(fd_, 0644);
  // No fsync: the rename alone makes the file appear whole or not at all to every reader, which
  // is what a failed or interrupted run needs; waiting for the disk would add its flush latency
  // (about 1 ms here, several on a busy disk) to every run. Surviving a power loss is left to
  // the file system, as by most tools that write reports.
  if (::close(fd_) != 0) {
    fd_ = -1;
    const std::string why = std::strerror(errno);
    discard();
    throw output_error("cannot write '" + path_ + "': " + why);
  }
  fd_ = -1;
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    discard();
    throw output_error("cannot write '" + path_ + "': " + why);
  }
  temp_.clear();
}

} // namespace dcplan
