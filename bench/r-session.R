# The R side of every bench:* pairing (see bench/harness.ts): sources a set-up script that reads the
# data and prepares every object, then defines `jobs`, a named list of functions each returning a named
# list of numbers (for the agreement check). After "ready", each line on stdin names a job; the reply is
# one JSON line with the job's wall and CPU milliseconds (proc.time around the call alone) and its value.
# Usage: Rscript bench/r-session.R SETUP.R [ARGS...]   (ARGS are visible to SETUP.R as `args`)
suppressPackageStartupMessages(library(jsonlite))
argv <- commandArgs(trailingOnly = TRUE)
args <- argv[-1]
jobs <- list()
source(argv[1])
cat("ready\n")
flush(stdout())
con <- file("stdin")
open(con)
repeat {
  line <- readLines(con, n = 1)
  if (length(line) == 0 || line == "quit") break
  reply <- tryCatch({
    f <- jobs[[line]]
    if (is.null(f)) stop("no job named ", line)
    t0 <- proc.time()
    value <- f()
    dt <- proc.time() - t0
    list(wall_ms = 1000 * dt[["elapsed"]], cpu_ms = 1000 * (dt[["user.self"]] + dt[["sys.self"]]),
         value = value)
  }, error = function(e) list(error = conditionMessage(e)))
  cat(toJSON(reply, auto_unbox = TRUE, digits = I(17)), "\n", sep = "")
  flush(stdout())
}
