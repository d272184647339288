// "did you mean ...?": the closest candidate within a small edit distance.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pm::lang {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
std::size_t edit_distance(const std::string& a, const std::string& b);
// The candidate nearest to `name`, if it is within 1 edit for short names and 2 for longer ones.
std::optional<std::string> closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace pm::lang
