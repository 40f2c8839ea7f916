/** The workloads bench/latency.ts measures (a module of its own so that bench/run.ts need not load the kernel host). */
export const LATENCY_WORKLOADS: readonly string[] = ['run_all_gfl_tour', 'run_all_gfl_tour_cli', 'rerun_plot_cell_1000', 'activation', 'rerun_qfl_cell_20000x80', 'rerun_arcface_cell_512x512x10000', 'run_cli_many_cells'];
