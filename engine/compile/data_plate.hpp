// The data plate (LANGUAGE.md "Plates and sequential loops"): outside any `for`, the leading
// dimension of the observed data and of every latent sized by the same data int (the rows of
// x and of z in vae.pm). Minibatching (`pm fit --batch`) subsamples it; per-datum scoring
// (`pm score`, per-datum IWAE) evaluates one of its rows at a time.
//
// Which int is the plate: the leading size of the data observed by the model block's `~`
// statements, data or data-only definitions (the first of `array[N, D]`, or of `matrix[N, D]` / `vector[N]` when not an
// array). They must agree on one int; a model whose observed data are sized by two ints has
// no single data plate and cannot be minibatched.
//
// Local names vary along the plate: the data variables and latents whose leading size is the
// plate's int, the int itself, and every definition that reads a local name (transitively).
// A `~` or `target +=` is local when it reads a local name (its subject, its arguments, or a
// bound of an enclosing loop); under --batch its term is scaled by N / B (Hoffman et al. 2013,
// stochastic variational inference: an unbiased estimate of the full-data ELBO).
//
// Known limit: a definition that reduces over the plate (sum(y) / N) is also local and is
// then computed on the batch, which changes its meaning; the engine does not detect it.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "engine/io/data_set.hpp"
#include "lang/check/checked_program.hpp"

namespace pm::compile {

struct DataPlate {
  std::string size_name;          // the data int: "N"
  std::size_t size = 0;           // its value in the full data
  std::vector<std::string> data;  // data variables with the plate as leading dim, in the data set
  std::set<std::string, std::less<>> local;

  bool is_local(std::string_view name) const { return local.count(name) > 0; }
  // Whether a model or guide statement's term varies along the plate.
  bool is_local(const lang::Factor& factor) const;
};

// The plate's int ("N"), from the model alone. Nullopt with `error` set as below.
std::optional<std::string> data_plate_size_name(const lang::CheckedProgram& checked, std::string& error);

// Nullopt with `error` set (a sentence naming what is wrong) when the model has no single
// data plate.
std::optional<DataPlate> find_data_plate(const lang::CheckedProgram& checked, const io::DataSet& data,
                                         std::string& error);

// The data with the plate's variables cut to `rows` (0-based indices into the plate, in that
// order) and the plate's int set to rows.size(); every other value unchanged.
io::DataSet select_rows(const io::DataSet& data, const DataPlate& plate, std::span<const std::size_t> rows);

// The same cut written straight into a value of the right size (no allocation): `to` holds
// rows.size() rows of `from`, whose leading dim is the plate. Column-major as data_set.hpp.
void copy_rows(const io::DataValue& from, std::span<const std::size_t> rows, std::span<double> to);

}  // namespace pm::compile
