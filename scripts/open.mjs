// `npm run demo`: opens LossLab on the GFL tour (samples/gfl-tour.lossnb).
// - With VS Code's `code` on PATH: starts it with this checkout as a development extension.
// - Otherwise: installs once (into ~/.cache/losslab, or $XDG_CACHE_HOME/losslab) Node 24 and
//   code-server, starts code-server on 127.0.0.1 and prints the URL that opens the tour with the
//   extension loaded. It runs until Ctrl-C, then stops code-server and its extension host.
// Options: --code-server (use code-server even when `code` is on PATH), --port N, --no-build.
// LOSSLAB_DEMO_DIR: where code-server keeps this demo's settings, state and log (default
// <cache>/demo); the end-to-end check of this route gives it a fresh folder.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir, ensureCodeServer, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const samples = join(repo, 'samples');
const tour = join(samples, 'gfl-tour.lossnb');
const argv = process.argv.slice(2);
const portFlag = argv.indexOf('--port');
const port = portFlag >= 0 ? Number(argv[portFlag + 1]) : undefined;

/** The first executable `name` on PATH, or undefined. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

if (!argv.includes('--no-build')) {
  console.log('building the extension (npm run build)…');
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repo, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const code = argv.includes('--code-server') ? undefined : onPath('code');
if (code !== undefined) {
  console.log(`opening ${tour} in VS Code (${code}) with LossLab in development mode`);
  // The samples folder is opened as the workspace, as in the code-server route, so that the
  // Explorer shows the other samples and the tour's data/ beside it.
  const child = spawn(code, [`--extensionDevelopmentPath=${repo}`, samples, tour], { stdio: 'inherit' });
  child.on('exit', (status) => process.exit(status ?? 0));
} else {
  const cacheDir = defaultCacheDir();
  console.log(`\`code\` is not on PATH: using a local code-server (tools in ${cacheDir})`);
  const tools = ensureCodeServer({ cacheDir, log: (line) => console.log(line) });
  const runDir = process.env.LOSSLAB_DEMO_DIR || join(cacheDir, 'demo');
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, 'code-server.log');
  const server = await startCodeServer({
    workspace: samples,
    userDataDir: join(runDir, 'user-data'),
    extensionsDir: join(runDir, 'extensions'),
    port,
    trusted: true,
    runDir,
    tools,
    // The tour is opened by the URL before the development extension has registered its notebook
    // type; the association makes the editor wait for it instead of showing the file as JSON.
    // VS Code in a browser saves edited files after a second by default (desktop VS Code does
    // not): Run All would then write the outputs into this checkout's samples. Saving stays the
    // user's choice, as on the desktop.
    settings: { 'workbench.editorAssociations': { '*.lossnb': 'losslab' }, 'files.autoSave': 'off' },
    output: openSync(logFile, 'w'),
  });
  const url = workbenchUrl(server.port, { folder: samples, extensionDevelopmentPath: repo, openFile: tour });
  console.log(`\ncode-server is running (pid ${server.pid}, log ${logFile}). Open LossLab on the GFL tour:\n\n  ${url}\n\nPress Ctrl-C to stop.`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping code-server');
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
  server.process.on('exit', (status) => {
    if (stopping) return;
    console.error(`code-server exited (${status}); see ${logFile}`);
    server.stop();
    process.exit(1);
  });
}
