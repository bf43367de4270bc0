#include "dist/local_workers.hpp"

#include "hifa/core/error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>
#include <vector>

extern char** environ;

namespace hifa::trainer {
namespace {

// The arguments this process was started with (after the start-up re-execution, the same ones).
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t at = 0; at < all.size();) {
    const std::size_t end = all.find('\0', at);
    args.push_back(all.substr(at, end - at));
    at = end == std::string::npos ? all.size() : end + 1;
  }
  if (args.empty()) throw Error("/proc/self/cmdline", "cannot read this command's arguments");
  return args;
}

// The arguments without `--name value` / `--name=value`.
std::vector<std::string> without_option(const std::vector<std::string>& args, const std::string& name) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      ++i;  // and its value
    } else if (args[i].rfind(name + "=", 0) != 0) {
      out.push_back(args[i]);
    }
  }
  return out;
}

}  // namespace

// The store binds it a moment later; another program taking it in between fails rank 0 with a
// clear error.
int free_loopback_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) throw Error("hifa train --nproc", std::string("no socket for a free port: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t length = sizeof a;
  const bool ok = ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &length) == 0;
  ::close(s);
  if (!ok) throw Error("hifa train --nproc", std::string("no free port on 127.0.0.1: ") + std::strerror(errno));
  return ntohs(a.sin_port);
}

namespace {

std::vector<pid_t> workers;  // for the signal handler: reserved before it is installed, never reallocated
volatile std::sig_atomic_t signalled = 0;

void forward_signal(int signal) {
  for (const pid_t pid : workers) {
    if (pid > 0) ::kill(pid, signal);  // -1 marks a finished worker (kill(-1) would reach every process)
  }
}

void on_signal(int signal) {
  signalled = 1;
  forward_signal(signal);
}

// Stops and reaps the workers started so far (a worker that could not start).
void stop_workers() {
  forward_signal(SIGKILL);
  for (pid_t& pid : workers) {
    if (pid > 0) ::waitpid(pid, nullptr, 0);
    pid = -1;
  }
}

std::string how_it_ended(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

int run_local_workers(int count, int threads_per_worker, std::string* failure) {
  std::vector<std::string> args = without_option(without_option(own_arguments(), "--nproc"), "--threads");
  args.push_back("--threads");
  args.push_back(std::to_string(threads_per_worker));
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const char* port = std::getenv("MASTER_PORT");
  const std::string master_port = port != nullptr && *port != '\0' ? port : std::to_string(free_loopback_port());
  std::map<std::string, std::string> base;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::size_t eq = entry.find('=');
    base[entry.substr(0, eq)] = eq == std::string::npos ? "" : entry.substr(eq + 1);
  }
  base["WORLD_SIZE"] = base["LOCAL_WORLD_SIZE"] = std::to_string(count);
  base["MASTER_ADDR"] = "127.0.0.1";
  base["MASTER_PORT"] = master_port;
  base["OMP_NUM_THREADS"] = std::to_string(threads_per_worker);
  base["OMP_PROC_BIND"] = "close";

  workers.clear();
  workers.reserve(std::size_t(count));
  signalled = 0;
  struct sigaction forward {}, old_int {}, old_term {}, child {}, old_child {};
  forward.sa_handler = on_signal;
  sigemptyset(&forward.sa_mask);
  ::sigaction(SIGINT, &forward, &old_int);
  ::sigaction(SIGTERM, &forward, &old_term);
  child.sa_handler = SIG_DFL;  // an inherited SIG_IGN would make the kernel reap the workers unseen
  sigemptyset(&child.sa_mask);
  ::sigaction(SIGCHLD, &child, &old_child);
  const auto restore = [&] {
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    ::sigaction(SIGCHLD, &old_child, nullptr);
  };

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (int rank = 0; rank < count; ++rank) {
    std::map<std::string, std::string> env = base;
    env["RANK"] = env["LOCAL_RANK"] = std::to_string(rank);
    // Places {first}, {first+1}, ...: this worker's cores (wrapping when they are oversubscribed).
    env["OMP_PLACES"] = "{" + std::to_string((unsigned(rank) * unsigned(threads_per_worker)) % cores) + "}:" +
                        std::to_string(threads_per_worker);
    std::vector<std::string> entries;
    for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (std::string& e : entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    // fork + exec rather than posix_spawn: the worker asks for SIGTERM when this process dies (as
    // torchrun's workers do), so a killed launcher leaves no ranks behind. Between fork and exec the
    // child calls only async-signal-safe functions.
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(1);  // the launcher died before prctl
      ::execve("/proc/self/exe", argv.data(), envp.data());
      ::_exit(127);
    }
    const int error = pid < 0 ? errno : 0;
    if (error != 0) {
      stop_workers();
      workers.clear();
      restore();
      throw Error("hifa train --nproc", "cannot start worker " + std::to_string(rank) + ": " + std::strerror(error));
    }
    workers.push_back(pid);
  }

  int code = 0;
  std::size_t running = workers.size();
  auto deadline = std::chrono::steady_clock::time_point::max();
  while (running > 0) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, deadline == std::chrono::steady_clock::time_point::max() ? 0 : WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) break;
    if (pid == 0) {  // stopping the others: poll until their grace ends
      if (std::chrono::steady_clock::now() > deadline) forward_signal(SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    const auto it = std::find(workers.begin(), workers.end(), pid);
    if (it == workers.end()) continue;
    --running;
    *it = -1;  // no signals to a finished worker's (possibly reused) pid
    const bool failed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (failed && code == 0) {
      code = 1;
      if (failure) {
        *failure = signalled ? std::string("interrupted: the workers stopped after a checkpoint; run the same command with "
                                           "--resume to continue")
                             : "rank " + std::to_string(it - workers.begin()) + " " + how_it_ended(status) +
                                   "; the other ranks were stopped";
      }
      forward_signal(SIGTERM);
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    }
  }
  workers.clear();
  restore();
  return code;
}

}  // namespace hifa::trainer
