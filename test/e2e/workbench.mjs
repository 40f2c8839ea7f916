// A real VS Code workbench, headless: code-server (VS Code 1.139.1 with its real Node extension
// host) driven by Debian's Chromium through playwright-core. The facts behind every step are in
// ../shared/e2e-recipe.md. Tools are installed once into ~/.cache/losslab (LOSSLAB_CACHE) and
// reused; every process started here runs in its own process group and is killed as a group.
import { spawnSync } from 'node:child_process';
import { defaultCacheDir, ensureCodeServer, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = process.env.LOSSLAB_CACHE ?? defaultCacheDir();
export const CHROMIUM = process.env.LOSSLAB_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');

const started = Date.now();
/** One log line, prefixed with the seconds since this process started. */
export function log(message) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
}

/** Rejects after `ms` with a message naming the step, so a hang never looks like a silent pass. */
export async function step(what, ms, action) {
  let timer;
  const t0 = Date.now();
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`step "${what}" timed out after ${(ms / 1000).toFixed(0)} s`)), ms);
  });
  try {
    const value = await Promise.race([action(), timeout]);
    log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return value;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command to completion with its output in `logFile` (and its tail on failure). */
function run(command, args, { env, logFile, what }) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (logFile !== undefined) {
    mkdirSync(dirname(logFile), { recursive: true });
    writeFileSync(logFile, `$ ${command} ${args.join(' ')}\n${result.stdout ?? ''}\n${result.stderr ?? ''}`, { flag: 'a' });
  }
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${what} failed (exit ${result.status ?? result.signal}${result.error ? `, ${result.error.message}` : ''})${logFile ? `; full log: ${logFile}` : ''}\n${tail}`);
  }
  return result.stdout;
}

const sudo = () => (process.getuid?.() === 0 || spawnSync('sh', ['-c', 'command -v sudo']).status !== 0 ? [] : ['sudo']);

function aptInstall(packages, logFile) {
  const prefix = sudo();
  const apt = (args, what) => run(prefix[0] ?? 'apt-get', [...(prefix.length > 0 ? ['apt-get'] : []), ...args], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, logFile, what });
  log(`apt-get install ${packages.join(' ')} (log: ${logFile})`);
  apt(['update'], 'apt-get update');
  apt(['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', ...packages], `apt-get install ${packages.join(' ')}`);
}

/**
 * Installs what a headless workbench needs, skipping whatever is already there: Debian's Chromium
 * (apt-get), then Node 24 and code-server through scripts/lib/codeServer.mjs (the same cache the
 * `npm run demo` command uses). Returns {codeServerBin, nodeBin, env}.
 */
export function ensureTools() {
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(CHROMIUM)) aptInstall(['chromium'], join(CACHE, 'install.log'));
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after apt-get install chromium`);
  return ensureCodeServer({ cacheDir: CACHE, log: (line) => log(line) });
}

/** Kills a detached child's whole process group (the server and its extension hosts), then waits. */
export async function killGroup(child, graceMs = 3_000) {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Children to kill if this process is stopped or fails before it could clean up. */
const live = new Set();
let exiting = false;
function killAllSync() {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (exiting) return;
    exiting = true;
    log(`received ${signal}: stopping the workbench`);
    killAllSync();
    process.exit(130);
  });
}

/**
 * Starts code-server (scripts/lib/codeServer.mjs) for `workspace` with its own user-data,
 * extensions and XDG folders under `runDir`, so nothing leaks into $HOME, and waits for /healthz.
 * `trusted` adds --disable-workspace-trust; without it the folder opens in Restricted Mode.
 * `env` reaches the extension host (it inherits the server's environment).
 */
export async function startWorkbench({ tools, runDir, workspace, trusted, env = {}, extensionsDir, settings = {} }) {
  const serverLog = join(runDir, 'code-server.log');
  const fd = openSync(serverLog, 'a');
  const server = await startCodeServer({
    workspace,
    userDataDir: join(runDir, 'user-data'),
    extensionsDir: extensionsDir ?? join(runDir, 'extensions'),
    runDir,
    trusted,
    tools: { ...tools, env: { ...tools.env, ...env } },
    settings: { ...QUIET_EXTRA, ...settings },
    log: () => undefined,
    output: fd,
  });
  closeSync(fd);
  live.add(server.process);
  server.process.on('exit', () => live.delete(server.process));
  return { url: `http://127.0.0.1:${server.port}`, port: server.port, log: serverLog, stop: () => killGroup(server.process) };
}

/** Settings beyond the quiet ones of codeServer.mjs: no tips, no restored windows, no dialogs. */
const QUIET_EXTRA = {
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'notebook.confirmDeleteRunningCell': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  // A browser workbench auto-saves a second after an edit; a save in the middle of a run wrote
  // a cell's execution order without its success, and the serializer test then read that file.
  'files.autoSave': 'off',
};

/** Installs a .vsix into an extensions folder with code-server's own CLI. */
export function installVsix(tools, vsix, extensionsDir, runDir) {
  mkdirSync(extensionsDir, { recursive: true });
  run(tools.codeServerBin, ['--extensions-dir', extensionsDir, '--user-data-dir', join(runDir, 'user-data'), '--install-extension', vsix, '--force'], {
    env: { ...tools.env, XDG_CONFIG_HOME: join(runDir, 'xdg', 'config'), XDG_DATA_HOME: join(runDir, 'xdg', 'data'), XDG_CACHE_HOME: join(runDir, 'xdg', 'cache') },
    logFile: join(runDir, 'install-extension.log'),
    what: `code-server --install-extension ${vsix}`,
  });
}

/** Debian's Chromium through playwright-core, with a throw-away profile. */
export async function launchBrowser(profileDir, viewport = { width: 1600, height: 1000 }) {
  const { chromium } = await import('playwright-core');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A workspace folder for a run: a copy of samples/ (the tests run, edit and save notebooks, and
 * must never touch the repository's own files).
 */
export function makeWorkspace(runDir) {
  const workspace = join(runDir, 'workspace');
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  cpSync(join(ROOT, 'samples'), join(workspace, 'samples'), { recursive: true });
  return workspace;
}

/** A fresh folder for one run under the cache (never inside the repository's watched tree). */
export function makeRunDir(name) {
  const dir = join(CACHE, 'runs', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const listFiles = (dir) => (existsSync(dir) ? readdirSync(dir) : []);
