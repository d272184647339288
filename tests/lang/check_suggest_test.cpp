// "did you mean": edit distance and the choice of the closest name.
#include <doctest/doctest.h>

#include "lang/check/suggest.hpp"

using namespace pm::lang;

TEST_CASE("edit distance counts insertions, deletions, substitutions and transpositions") {
  CHECK(edit_distance("sigma", "sigma") == 0);
  CHECK(edit_distance("sigmma", "sigma") == 1);
  CHECK(edit_distance("nrmal", "normal") == 1);
  CHECK(edit_distance("mu", "um") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("the closest name is suggested only when it is close") {
  CHECK(closest_name("sigmma", {"mu", "sigma", "tau"}) == std::optional<std::string>("sigma"));
  CHECK(closest_name("nrmal", {"normal", "lognormal"}) == std::optional<std::string>("normal"));
  CHECK_FALSE(closest_name("x", {"mu", "sigma"}).has_value());
  CHECK_FALSE(closest_name("completely", {"different"}).has_value());
}
