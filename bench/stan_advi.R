#!/usr/bin/env Rscript
# Stan's ADVI (rstan's vb) on posteriordb posteriors: the peer columns of
# bench/posteriordb_accuracy.py, which calls this script; it can also run alone.
#
# Usage:
#   Rscript bench/stan_advi.R --posteriordb DIR --cache DIR --out FILE.json
#         [--guides meanfield,fullrank] [--seed S] [--iter N] [--tol-rel-obj X[,X2,...]]
#         [--compile-only] POSTERIOR...
#
# For each POSTERIOR (a directory name under --posteriordb) it compiles the model once
# and keeps it as an .rds in --cache, keyed by the md5 of the source (compiling takes
# one to several minutes). The source is <cache>/<POSTERIOR>.stan when present (model.stan
# rewritten by the Python driver in Stan 2.21's array syntax), else model.stan. The data
# are <cache>/<POSTERIOR>.data.R, data.json in R's dump format (written by the driver, so
# that no jsonlite is needed). vb() runs once per guide and tolerance, and one JSON object
# is written: {posterior: {guide: {"time_s", "iterations", "converged", "khat",
# "summary": {param: {"mean", "sd"}}} or {"error"}}}. Times are the wall time of the vb()
# call alone (no compilation); k-hat is vb's own PSIS diagnostic. The mean and sd are over
# the output_samples draws vb returns, as posteriordb's references are over draws. With
# several tolerances, the first is keyed by the guide's name and each further one by
# "guide@tol" (how long Stan needs to reach a given accuracy where its default stops early).
suppressPackageStartupMessages(library(rstan))
# Debian's r-cran-bh is an empty shim; the Boost headers live in /usr/include.
rstan_options(boost_lib = "/usr/include")

parse_args <- function(args) {
  o <- list(posteriordb = NA, cache = NA, out = NA, guides = c("meanfield", "fullrank"),
            seed = 1L, iter = 10000L, tol = 0.01, compile_only = FALSE, posteriors = character(0))
  i <- 1
  value <- function() { i <<- i + 1; args[i] }
  while (i <= length(args)) {
    a <- args[i]
    if (a == "--posteriordb") o$posteriordb <- value()
    else if (a == "--cache") o$cache <- value()
    else if (a == "--out") o$out <- value()
    else if (a == "--guides") o$guides <- strsplit(value(), ",")[[1]]
    else if (a == "--seed") o$seed <- as.integer(value())
    else if (a == "--iter") o$iter <- as.integer(value())
    else if (a == "--tol-rel-obj") o$tol <- as.numeric(strsplit(value(), ",")[[1]])
    else if (a == "--compile-only") o$compile_only <- TRUE
    else if (grepl("^--", a)) stop("unknown option ", a)
    else o$posteriors <- c(o$posteriors, a)
    i <- i + 1
  }
  if (is.na(o$posteriordb) || is.na(o$cache)) stop("--posteriordb and --cache are required")
  o
}

log_msg <- function(...) message(format(Sys.time(), "[stan %H:%M:%S] "), ...)

compile_cached <- function(src, cache, name) {
  md5 <- unname(tools::md5sum(src))
  rds <- file.path(cache, paste0(name, ".", md5, ".rds"))
  if (file.exists(rds)) return(readRDS(rds))
  log_msg("compiling ", name, " (about a minute)")
  t <- system.time(m <- stan_model(src, model_name = gsub("[^A-Za-z0-9_]", "_", name)))
  log_msg("compiled ", name, " in ", round(t[["elapsed"]]), " s")
  saveRDS(m, rds)
  m
}

# A minimal JSON writer (no jsonlite on Debian's base R): numbers with 10
# significant digits, non-finite as null.
json_num <- function(x) if (is.null(x) || length(x) == 0 || !is.finite(x)) "null" else formatC(x, digits = 10, format = "g")
json_str <- function(s) paste0("\"", gsub("\"", "\\\\\"", gsub("\\\\", "\\\\\\\\", s)), "\"")
json_obj <- function(keys, values) {
  if (!length(keys)) return("{}")
  paste0("{", paste0(json_str(keys), ": ", values, collapse = ", "), "}")
}

run_vb <- function(m, d, guide, tol, o) {
  out <- character(0)
  v <- NULL
  err <- NA
  # vb also warns with its PSIS k-hat when it is above 0.7; the value is read from the fit's
  # diagnostics below, so the warning is muffled
  muffle_khat <- function(w) {
    if (grepl("Pareto k diagnostic value", conditionMessage(w))) invokeRestart("muffleWarning")
  }
  t <- system.time(out <- tryCatch(withCallingHandlers(
    capture.output(v <- vb(m, data = d, algorithm = guide, iter = o$iter, tol_rel_obj = tol,
                           output_samples = 1000, seed = o$seed)),
    warning = muffle_khat),
    error = function(e) { err <<- conditionMessage(e); character(0) }))[["elapsed"]]
  if (is.null(v) || !length(v@sim$samples)) {
    if (is.na(err)) err <- "vb returned no draws"
    return(json_obj("error", json_str(strsplit(err, "\n")[[1]][1])))
  }
  it_lines <- grep("^Chain 1: +[0-9]+ +-?[0-9.e+]+ +", out, value = TRUE)
  n_iter <- if (length(it_lines)) as.numeric(sub("^Chain 1: +([0-9]+) .*", "\\1", tail(it_lines, 1))) else NA
  converged <- if (any(grepl("CONVERGED", out))) "true" else "false"
  khat <- tryCatch(v@sim$diagnostics$psis$pareto_k, error = function(e) NA)
  draws <- as.matrix(v)
  pars <- setdiff(colnames(draws), "lp__")
  stats <- vapply(pars, function(p) json_obj(c("mean", "sd"),
                                             c(json_num(mean(draws[, p])), json_num(sd(draws[, p])))),
                  character(1))
  json_obj(c("time_s", "iterations", "converged", "khat", "summary"),
           c(json_num(t), json_num(n_iter), converged, json_num(khat), json_obj(pars, stats)))
}

main <- function() {
  o <- parse_args(commandArgs(trailingOnly = TRUE))
  dir.create(o$cache, showWarnings = FALSE, recursive = TRUE)
  results <- character(0)
  for (p in o$posteriors) {
    # the driver writes <cache>/<p>.stan, the model in Stan 2.21's array syntax
    src <- file.path(o$cache, paste0(p, ".stan"))
    if (!file.exists(src)) src <- file.path(o$posteriordb, p, "model.stan")
    m <- tryCatch(compile_cached(src, o$cache, p),
                  error = function(e) { log_msg(p, ": compile failed: ", conditionMessage(e)); NULL })
    if (o$compile_only) next
    if (is.null(m)) {
      results[p] <- json_obj("error", json_str("Stan compilation failed"))
      next
    }
    d <- rstan::read_rdump(file.path(o$cache, paste0(p, ".data.R")))
    runs <- expand.grid(tol = o$tol, guide = o$guides, stringsAsFactors = FALSE)
    keys <- ifelse(runs$tol == o$tol[1], runs$guide, paste0(runs$guide, "@", format(runs$tol)))
    per_run <- vapply(seq_len(nrow(runs)), function(i) {
      log_msg(p, ": vb ", runs$guide[i], ", tol_rel_obj ", format(runs$tol[i]))
      run_vb(m, d, runs$guide[i], runs$tol[i], o)
    }, character(1))
    results[p] <- json_obj(keys, per_run)
  }
  if (!is.na(o$out)) writeLines(json_obj(names(results), unname(results)), o$out)
}

main()
