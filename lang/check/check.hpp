// The semantic checker of .pm programs (LANGUAGE.md): names, types, shapes, constraints,
// acyclicity, latents, guides, plates. Every error is reported (not just the first), each at
// the most precise source range; warnings are reported too. The result is meaningful only
// when `diagnostics` has no errors.
#pragma once

#include "lang/check/checked_program.hpp"
#include "lang/syntax/source.hpp"

namespace pm::lang {

CheckedProgram check_program(const Program& program, Diagnostics& diagnostics);

}  // namespace pm::lang
