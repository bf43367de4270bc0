#include "prepare/body_fit_file.hpp"

#include "prepare/dataset_writer.hpp"

#include "hifa/core/error.hpp"

#include <cmath>
#include <fstream>

namespace hifa::prepare {
namespace {

constexpr int body_fit_version = 1;

double finite_number(const Json& value, const std::string& file, const std::string& field) {
  if (!value.is_number()) throw Error(file, "\"" + field + "\" holds " + value.dump() + ", not a number");
  const double v = value.get<double>();
  if (!std::isfinite(v)) throw Error(file, "\"" + field + "\" is not finite");
  return v;
}

const Json& field(const Json& j, const std::string& file, const char* name) {
  if (!j.contains(name)) throw Error(file, std::string("no \"") + name + "\" field");
  return j[name];
}

std::vector<float> numbers(const Json& array, const std::string& file, const std::string& name) {
  if (!array.is_array()) throw Error(file, "\"" + name + "\" is not a list");
  std::vector<float> out;
  for (std::size_t i = 0; i < array.size(); ++i) out.push_back(float(finite_number(array[i], file, name + "[" + std::to_string(i) + "]")));
  return out;
}

Json parse(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string(), "cannot open");
  return Json::parse(in, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

bool is_body_fit_file(const std::filesystem::path& path) {
  if (path.extension() != ".json") return false;
  const Json j = parse(path);
  if (j.is_discarded()) throw Error(path.string(), "is not valid JSON");
  return j.is_object() && j.value("format", "") == "hifa-body-fit";
}

BodyFit read_body_fit(const std::filesystem::path& path) {
  const std::string file = path.string();
  const Json j = parse(path);
  if (j.is_discarded() || !j.is_object()) throw Error(file, "not a JSON object");
  if (j.value("format", "") != "hifa-body-fit") throw Error(file, "not a hifa-body-fit file (\"format\")");
  const Json& version = field(j, file, "version");
  if (!version.is_number_integer() || version.get<int>() < 1 || version.get<int>() > body_fit_version) {
    throw Error(file, "hifa-body-fit version " + version.dump() + " (this hifa reads 1)");
  }
  BodyFit fit;
  const Json& model = field(j, file, "model");
  const Json& units = field(j, file, "units");
  if (!model.is_string() || model.get<std::string>().empty()) throw Error(file, "\"model\" is not a body file's name");
  if (!units.is_string()) throw Error(file, "\"units\" is not a string");
  fit.model = model.get<std::string>();
  fit.units = units.get<std::string>();
  fit.betas = numbers(field(j, file, "betas"), file, "betas");
  const Json& pose = field(j, file, "pose");
  if (!pose.is_array() || pose.empty()) throw Error(file, "\"pose\" is not a list of joint rotations");
  for (std::size_t k = 0; k < pose.size(); ++k) {
    const std::vector<float> r = numbers(pose[k], file, "pose[" + std::to_string(k) + "]");
    if (r.size() != 3) throw Error(file, "\"pose\"[" + std::to_string(k) + "] is not an axis-angle triple");
    fit.pose.insert(fit.pose.end(), r.begin(), r.end());
  }
  const std::vector<float> t = numbers(field(j, file, "translation"), file, "translation");
  if (t.size() != 3) throw Error(file, "\"translation\" is not 3 numbers");
  fit.translation = Vec3f(t[0], t[1], t[2]);
  fit.scale = finite_number(field(j, file, "scale"), file, "scale");
  if (!(fit.scale > 0)) throw Error(file, "\"scale\" must be > 0");
  return fit;
}

}  // namespace hifa::prepare
