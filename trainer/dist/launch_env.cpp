#include "dist/launch_env.hpp"

#include "hifa/core/error.hpp"

#include <charconv>
#include <cstdlib>

namespace hifa::trainer {
namespace {

int whole_number(const EnvReader& env, const std::string& name, int fallback) {
  const std::optional<std::string> text = env(name);
  if (!text) return fallback;
  int value = 0;
  const char* end = text->data() + text->size();
  const auto [at, error] = std::from_chars(text->data(), end, value);
  if (error != std::errc() || at != end) throw Error(name, "'" + *text + "' is not a whole number");
  return value;
}

}  // namespace

EnvReader process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

std::optional<LaunchEnv> launch_env(const EnvReader& env, const std::string& address_flag) {
  LaunchEnv e;
  std::string rank_name, world_name;
  if (env("RANK") || env("WORLD_SIZE")) {
    e.launcher = "torchrun";
    rank_name = "RANK";
    world_name = "WORLD_SIZE";
    e.local_rank = whole_number(env, "LOCAL_RANK", 0);
  } else if (env("SLURM_PROCID") && env("SLURM_NTASKS") && env("SLURM_STEP_ID").value_or("batch") != "batch") {
    e.launcher = "slurm";
    rank_name = "SLURM_PROCID";
    world_name = "SLURM_NTASKS";
    e.local_rank = whole_number(env, "SLURM_LOCALID", 0);
  } else {
    return std::nullopt;
  }
  if (!env(rank_name)) throw Error(world_name, "is set but " + rank_name + " is not: a distributed launch sets both");
  if (!env(world_name)) throw Error(rank_name, "is set but " + world_name + " is not: a distributed launch sets both");
  e.world = whole_number(env, world_name, 1);
  e.rank = whole_number(env, rank_name, 0);
  if (e.world < 1) throw Error(world_name, std::to_string(e.world) + " processes: need at least one");
  if (e.rank < 0 || e.rank >= e.world) {
    throw Error(rank_name, std::to_string(e.rank) + " is not a rank of a world of " + std::to_string(e.world));
  }
  if (e.world == 1) return std::nullopt;
  e.port = whole_number(env, "MASTER_PORT", 29500);
  e.agent_store = env("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True";
  e.restart_count = whole_number(env, "TORCHELASTIC_RESTART_COUNT", 0);
  if (e.port < 1 || e.port > 65535) throw Error("MASTER_PORT", std::to_string(e.port) + " is not a TCP port (1..65535)");
  if (!address_flag.empty()) {
    e.address = address_flag;
  } else if (const std::optional<std::string> a = env("MASTER_ADDR")) {
    e.address = *a;
  } else {
    throw Error("MASTER_ADDR", e.launcher == "slurm"
                                   ? "is not set: Slurm does not name rank 0's host; pass --dist-addr or export MASTER_ADDR "
                                     "(e.g. $(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -1))"
                                   : "is not set: the host of rank 0 (127.0.0.1 on one machine)");
  }
  return e;
}

}  // namespace hifa::trainer
