// Preloaded (`node -r bench/reportRss.cjs …`) into a process the latency bench spawns: prints the
// process's peak RSS on exit, on stderr, for the bench line's peak_rss_mb.
process.on('exit', () => process.stderr.write(`\nLOSSLAB_MAX_RSS=${process.resourceUsage().maxRSS * 1024}\n`));
