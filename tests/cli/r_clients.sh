#!/usr/bin/env bash
# Real clients read what pm writes (CLI.md "Output"): a variational draws file written by our
# writer (engine/io/draws_csv.hpp, through the export case of test_io) is loaded by rstan's
# read_stan_csv and by the posterior package (from read.csv), and both reproduce the means
# that `pm summary` prints; posterior's sd and 5%/50%/95% quantiles (type 7) match ours; and
# loo::psis on the file's log_p__ - log_g__ gives the k-hat that `pm summary` reports.
# Needs Rscript with rstan, posterior and loo (Debian: r-cran-rstan, r-cran-posterior,
# r-cran-loo); without them it prints "SKIP: ..." and exits 77 (ctest SKIP_RETURN_CODE).
#   usage: r_clients.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
if ! command -v Rscript > /dev/null; then
  echo "SKIP: Rscript is not installed"
  exit 77
fi
for package in rstan posterior loo; do
  if ! Rscript -e "quit(status = !requireNamespace('$package', quietly = TRUE))" > /dev/null 2>&1; then
    echo "SKIP: the R package $package is not installed (Debian: r-cran-$package)"
    exit 77
  fi
done
test_io="$(dirname "$pm")/tests/test_io"  # built beside pm (tests/CMakeLists.txt)
if [ ! -x "$test_io" ]; then
  echo "SKIP: $test_io is not built (it writes the draws file)"
  exit 77
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

PM_DRAWS_EXPORT="$scratch/vi.csv" "$test_io" --test-case="export:*" > "$scratch/export.log" 2>&1 \
  || fail "test_io export case: $(tail -5 "$scratch/export.log")"
"$pm" summary "$scratch/vi.csv" --json > "$scratch/pm.json" 2> "$scratch/err" || fail "pm summary: $(head -3 "$scratch/err")"
python3 - "$scratch/pm.json" > "$scratch/pm.tsv" <<'PY' || fail "pm summary --json unreadable"
import json, sys
out = json.load(open(sys.argv[1]))
print("khat\t%r" % out["khat"])
for name, s in out["summary"].items():
    for key in ("mean", "sd", "q5", "q50", "q95"):
        print("%s:%s\t%r" % (name, key, s[key]))
PY

cat > "$scratch/check.R" <<'R'
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]
ours <- read.delim(args[2], header = FALSE, col.names = c("key", "value"), stringsAsFactors = FALSE)
ours <- setNames(as.numeric(ours$value), ours$key)
problems <- character(0)
expect_near <- function(what, theirs, mine, tolerance) {
  if (!is.finite(theirs) || !is.finite(mine) || abs(theirs - mine) > tolerance * max(1, abs(mine)))
    problems <<- c(problems, sprintf("%s: R %.17g, pm %.17g", what, theirs, mine))
}
suppressPackageStartupMessages({ library(rstan); library(posterior); library(loo) })

# rstan: read_stan_csv skips the mean row of a variational file (it sees output_samples).
fit <- withCallingHandlers(rstan::read_stan_csv(csv), warning = function(w) {
  problems <<- c(problems, paste("rstan warned:", conditionMessage(w)))
  invokeRestart("muffleWarning")
})
draws <- as.matrix(fit)
names_pm <- c("mu", "theta[1]", "theta[2]", "x[2,1]")
if (nrow(draws) != 1000) problems <- c(problems, sprintf("rstan: %d draws, not 1000", nrow(draws)))
for (name in names_pm) {
  if (!(name %in% colnames(draws))) { problems <- c(problems, paste("rstan lacks", name)); next }
  expect_near(paste("rstan mean", name), mean(draws[, name]), ours[[paste0(name, ":mean")]], 1e-12)
}

# posterior, from the CSV as read.csv reads it (the first row is the guide's mean).
table <- read.csv(csv, comment.char = "#")
table <- table[-1, setdiff(names(table), c("lp__", "log_p__", "log_g__"))]
summary <- posterior::summarise_draws(posterior::as_draws_df(table), "mean", "sd", "median",
                                      ~quantile(.x, probs = c(0.05, 0.95), type = 7))
dotted <- c("mu", "theta.1", "theta.2", "x.2.1")
for (i in seq_along(dotted)) {
  row <- summary[summary$variable == dotted[i], ]
  name <- names_pm[i]
  expect_near(paste("posterior mean", name), row$mean, ours[[paste0(name, ":mean")]], 1e-12)
  expect_near(paste("posterior sd", name), row$sd, ours[[paste0(name, ":sd")]], 1e-12)
  expect_near(paste("posterior median", name), row$median, ours[[paste0(name, ":q50")]], 1e-12)
  expect_near(paste("posterior q5", name), row[["5%"]], ours[[paste0(name, ":q5")]], 1e-12)
  expect_near(paste("posterior q95", name), row[["95%"]], ours[[paste0(name, ":q95")]], 1e-12)
}

# loo: k-hat of the same log importance ratios (r_eff = 1: independent draws).
table_all <- read.csv(csv, comment.char = "#")[-1, ]
log_ratios <- table_all$log_p__ - table_all$log_g__
k <- suppressWarnings(loo::pareto_k_values(loo::psis(log_ratios, r_eff = 1)))
expect_near("loo k-hat", k, ours[["khat"]], 1e-9)
cat(sprintf("rstan and posterior reproduce pm's summary; loo k-hat %.6f, pm %.6f\n", k, ours[["khat"]]))
if (length(problems)) { cat(problems, sep = "\n"); quit(status = 1) }
R
Rscript "$scratch/check.R" "$scratch/vi.csv" "$scratch/pm.tsv" > "$scratch/r.log" 2>&1 || fail "R clients: $(cat "$scratch/r.log")"
cat "$scratch/r.log"

# NUTS (docs/nuts.md): rstan's read_stan_csv loads the four per-chain sampler files, and
# posterior's rhat, ess_bulk, ess_tail and mcse_mean on the same draws give the numbers
# `pm fit --method nuts --json` printed (the same definitions: mcmc_diagnostics.hpp).
cat > "$scratch/nuts.pm" <<'PM'
latent { real mu; real<lower=0> s; }
model { mu ~ normal(1, 2); s ~ lognormal(0, 0.5); }
PM
"$pm" fit "$scratch/nuts.pm" --method nuts --warmup 300 --draws 200 --json -o "$scratch/nuts.csv" \
  > "$scratch/nuts.json" 2> "$scratch/err" || fail "pm fit --method nuts: $(head -3 "$scratch/err")"
python3 - "$scratch/nuts.json" > "$scratch/nuts.tsv" <<'PY' || fail "pm fit --method nuts --json unreadable"
import json, sys
out = json.load(open(sys.argv[1]))
for name, s in list(out["summary"].items()) + list(out["sampler_summary"].items()):
    for key in ("mean", "rhat", "ess_bulk", "ess_tail", "mcse"):
        print("%s:%s\t%r" % (name, key, s[key]))
PY
cat > "$scratch/nuts.R" <<'R'
args <- commandArgs(trailingOnly = TRUE)
ours <- read.delim(args[1], header = FALSE, col.names = c("key", "value"), stringsAsFactors = FALSE)
ours <- setNames(as.numeric(ours$value), ours$key)
files <- args[-1]
problems <- character(0)
expect_near <- function(what, theirs, mine, tolerance) {
  if (!is.finite(theirs) || !is.finite(mine) || abs(theirs - mine) > tolerance * max(1, abs(mine)))
    problems <<- c(problems, sprintf("%s: R %.17g, pm %.17g", what, theirs, mine))
}
suppressPackageStartupMessages({ library(rstan); library(posterior) })
fit <- rstan::read_stan_csv(files)
if (length(fit@sim$samples) != 4) problems <- c(problems, "rstan: not 4 chains")
draws <- rstan::extract(fit, permuted = FALSE)  # iterations x chains x parameters
if (dim(draws)[1] != 200) problems <- c(problems, sprintf("rstan: %d draws per chain", dim(draws)[1]))
for (name in c("mu", "s", "lp__")) {
  x <- draws[, , name]
  expect_near(paste("mean", name), mean(x), ours[[paste0(name, ":mean")]], 1e-12)
  expect_near(paste("rhat", name), posterior::rhat(x), ours[[paste0(name, ":rhat")]], 1e-9)
  expect_near(paste("ess_bulk", name), posterior::ess_bulk(x), ours[[paste0(name, ":ess_bulk")]], 1e-9)
  expect_near(paste("ess_tail", name), posterior::ess_tail(x), ours[[paste0(name, ":ess_tail")]], 1e-9)
  expect_near(paste("mcse_mean", name), posterior::mcse_mean(x), ours[[paste0(name, ":mcse")]], 1e-9)
}
cat("rstan reads pm's sampler files; posterior reproduces pm's R-hat, ESS and MCSE\n")
if (length(problems)) { cat(problems, sep = "\n"); quit(status = 1) }
R
Rscript "$scratch/nuts.R" "$scratch/nuts.tsv" "$scratch"/nuts_[1-4].csv > "$scratch/rn.log" 2>&1 ||
  fail "R clients on NUTS files: $(cat "$scratch/rn.log")"
cat "$scratch/rn.log"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "r_clients.sh: all passed"
